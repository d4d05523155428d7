import { AlreadyExistsError } from '@ferry/identity/application';
import { DecryptionError } from '@ferry/platform/crypto';
import { anAccount, anOrganisation } from '../testing/identity-fixtures';
import {
  dumpTable,
  openIdentityTestDatabase,
  type IdentityTestDatabase,
} from '../testing/identity-test-database';
import { TypeormAccountRepository } from './typeorm-account.repository';
import { TypeormOrganisationRepository } from './typeorm-organisation.repository';

const PLANTED_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const PLANTED_EMAIL = 'grace.planted-7f3a@contoso.example';
const PLANTED_REAL_NAME = 'Zoë Plantée-Hopper';
const ENTRA = 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0';

describe('account storage on PostgreSQL', () => {
  let t: IdentityTestDatabase;
  let accounts: TypeormAccountRepository;
  let replica: TypeormAccountRepository;
  const orgA = anOrganisation();
  const orgB = anOrganisation();

  beforeAll(async () => {
    t = await openIdentityTestDatabase('identity_accounts', 2);
    accounts = new TypeormAccountRepository(t.db, t.cipher);
    replica = new TypeormAccountRepository(t.sources[1]!, t.cipher);
    const orgs = new TypeormOrganisationRepository(t.db);
    await orgs.insert(orgA);
    await orgs.insert(orgB);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('profile', () => {
    it('finds an account by login name with its roles and password hash', async () => {
      const account = anAccount({
        orgId: orgA.id,
        email: 'it@contoso.example',
        realName: 'Ada Ops',
        roles: ['viewer', 'org-admin'],
      });
      await accounts.insert(account, '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA');
      await expect(accounts.findByLoginName(account.loginName)).resolves.toEqual({
        account: { ...account, roles: ['org-admin', 'viewer'] },
        passwordHash: '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA',
      });
      await expect(accounts.findByLoginName('nobody')).resolves.toBeNull();
    });

    it('refuses a taken login name without echoing it', async () => {
      const first = anAccount({ orgId: orgA.id });
      await accounts.insert(first, 'h');
      const error: unknown = await accounts
        .insert(anAccount({ orgId: orgB.id, loginName: first.loginName }), 'h')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AlreadyExistsError);
      expect((error as Error).message).toBe('login name already exists');
      expect(await accounts.findById(orgB.id, first.id)).toBeNull();
    });

    it('refuses a taken federated identity, while any number of password accounts have none', async () => {
      const federated = { issuer: ENTRA, subject: '72f988bf-86f1-41af-91ab-2d7cd011db47:0a1b' };
      const first = anAccount({ orgId: orgA.id, federated });
      await accounts.insert(first, null);
      await accounts.insert(anAccount({ orgId: orgA.id }), 'h');
      await accounts.insert(anAccount({ orgId: orgA.id }), 'h');
      await expect(accounts.insert(anAccount({ orgId: orgA.id, federated }), null)).rejects.toThrow(
        new AlreadyExistsError('federated identity'),
      );
      await expect(accounts.findFederated(federated)).resolves.toEqual(first);
      await expect(accounts.findFederated({ issuer: ENTRA, subject: 'other' })).resolves.toBeNull();
    });

    it('scopes findById by organisation, and null to platform accounts', async () => {
      const member = anAccount({ orgId: orgA.id });
      const platform = anAccount({ orgId: null, roles: ['platform-admin'] });
      await accounts.insert(member, 'h');
      await accounts.insert(platform, 'h');
      await expect(accounts.findById(orgA.id, member.id)).resolves.toEqual(member);
      await expect(accounts.findById(orgB.id, member.id)).resolves.toBeNull();
      await expect(accounts.findById(null, member.id)).resolves.toBeNull();
      await expect(accounts.findById(null, platform.id)).resolves.toEqual(platform);
      await expect(accounts.findById(orgA.id, platform.id)).resolves.toBeNull();
    });

    it('lists only the organisation own accounts, with their roles', async () => {
      const org = anOrganisation();
      await new TypeormOrganisationRepository(t.db).insert(org);
      const a = anAccount({
        orgId: org.id,
        loginName: 'list-a',
        roles: ['auditor'],
        createdAt: new Date('2026-01-01T00:00:00Z'),
      });
      const b = anAccount({
        orgId: org.id,
        loginName: 'list-b',
        roles: [],
        createdAt: new Date('2026-01-02T00:00:00Z'),
      });
      await accounts.insert(b, 'h');
      await accounts.insert(a, 'h');
      await accounts.insert(anAccount({ orgId: orgB.id, roles: ['auditor'] }), 'h');
      await expect(accounts.listByOrg(org.id)).resolves.toEqual([a, b]);
    });

    it('counts platform admins', async () => {
      const before = await accounts.countPlatformAdmins();
      await accounts.insert(anAccount({ roles: ['platform-admin'] }), 'h');
      await accounts.insert(anAccount({ orgId: orgA.id, roles: ['org-admin'] }), 'h');
      await expect(accounts.countPlatformAdmins()).resolves.toBe(before + 1);
    });

    it('replaces the password hash and the role set', async () => {
      const account = anAccount({ orgId: orgA.id, roles: ['viewer'] });
      await accounts.insert(account, 'old-hash');
      await accounts.updatePasswordHash(account.id, 'new-hash');
      await accounts.setRoles(account.id, ['migration-operator', 'auditor', 'auditor']);
      const found = await accounts.findByLoginName(account.loginName);
      expect(found?.passwordHash).toBe('new-hash');
      expect(found?.account.roles).toEqual(['migration-operator', 'auditor']);
    });

    it('removes an account with its roles and recovery codes', async () => {
      const account = anAccount({ orgId: orgA.id, roles: ['viewer'] });
      await accounts.insert(account, 'h');
      await accounts.replaceRecoveryCodes(account.id, ['c1', 'c2']);
      await accounts.remove(account.id);
      await expect(accounts.findById(orgA.id, account.id)).resolves.toBeNull();
      const left = await t.db.query<unknown[]>(
        'SELECT 1 FROM identity.account_roles WHERE account_id = $1 UNION ALL SELECT 1 FROM identity.recovery_codes WHERE account_id = $1',
        [account.id],
      );
      expect(left).toHaveLength(0);
    });
  });

  describe('personal data at rest', () => {
    const planted = (overrides: Parameters<typeof anAccount>[0] = {}) =>
      anAccount({ orgId: orgA.id, email: PLANTED_EMAIL, realName: PLANTED_REAL_NAME, ...overrides });
    const rawRow = async (id: string) =>
      (await t.db.query<Record<string, unknown>[]>('SELECT * FROM identity.accounts WHERE id = $1', [id]))[0];
    /** Every column of every row of every table in the identity schema, as one string. */
    const dumpSchema = async () => {
      const tables = await t.db.query<{ table_name: string }[]>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'identity' AND table_type = 'BASE TABLE'",
      );
      expect(tables.map((r) => r.table_name)).toEqual(expect.arrayContaining(['accounts', 'sessions']));
      const dumps: string[] = [];
      for (const { table_name } of tables)
        dumps.push(JSON.stringify(await t.db.query(`SELECT * FROM identity."${table_name}"`)));
      return dumps.join('\n');
    };
    const encodings = (value: string) => {
      const bytes = Buffer.from(value, 'utf8');
      return [
        value,
        value.toLowerCase(),
        bytes.toString('base64'),
        bytes.toString('base64url'),
        bytes.toString('hex'),
      ];
    };
    /** Seals `victim`'s email into another account's (or the same account's) column, bypassing the repository. */
    const copyEmailSealed = (
      victimId: string,
      targetId: string,
      column: 'email_sealed' | 'real_name_sealed',
    ) =>
      t.db.query(
        `UPDATE identity.accounts SET ${column} = (SELECT email_sealed FROM identity.accounts WHERE id = $1) WHERE id = $2`,
        [victimId, targetId],
      );

    it('stores email and real name sealed: no column of any identity table holds them in clear', async () => {
      const account = planted();
      await accounts.insert(account, 'h');
      const row = await rawRow(account.id);
      expect(String(row?.['email_sealed'])).toMatch(/^v1\./);
      expect(String(row?.['real_name_sealed'])).toMatch(/^v1\./);
      expect(row).not.toHaveProperty('email');
      expect(row).not.toHaveProperty('real_name');
      const dump = await dumpSchema();
      expect(dump).toContain(account.id);
      for (const encoded of [...encodings(PLANTED_EMAIL), ...encodings(PLANTED_REAL_NAME)]) {
        expect(dump).not.toContain(encoded);
        expect(dump.toLowerCase()).not.toContain(encoded.toLowerCase());
      }
    });

    it('reads the email and real name back on every read path', async () => {
      const org = anOrganisation();
      await new TypeormOrganisationRepository(t.db).insert(org);
      const federated = { issuer: ENTRA, subject: `pii-${org.id}` };
      const account = planted({ orgId: org.id, federated });
      await accounts.insert(account, null);
      await expect(accounts.findByLoginName(account.loginName)).resolves.toEqual({
        account,
        passwordHash: null,
      });
      await expect(accounts.findById(org.id, account.id)).resolves.toEqual(account);
      await expect(accounts.findFederated(federated)).resolves.toEqual(account);
      await expect(replica.listByOrg(org.id)).resolves.toEqual([account]);
      expect(account).toMatchObject({ email: PLANTED_EMAIL, realName: PLANTED_REAL_NAME });
    });

    it('keeps an absent email and real name null, in the row and read back', async () => {
      const account = anAccount({ orgId: orgA.id, email: null, realName: null });
      await accounts.insert(account, 'h');
      expect(await rawRow(account.id)).toMatchObject({ email_sealed: null, real_name_sealed: null });
      await expect(accounts.findById(orgA.id, account.id)).resolves.toMatchObject({
        email: null,
        realName: null,
      });
    });

    it('binds the sealed email to its account: copied into another account, the read fails naming no value', async () => {
      const org = anOrganisation();
      await new TypeormOrganisationRepository(t.db).insert(org);
      const victim = planted({ orgId: org.id });
      const attacker = anAccount({ orgId: org.id, email: 'attacker@contoso.example' });
      await accounts.insert(victim, 'h');
      await accounts.insert(attacker, 'h');
      await copyEmailSealed(victim.id, attacker.id, 'email_sealed');
      const sealedText = String((await rawRow(attacker.id))?.['email_sealed']);
      expect(sealedText).toBe(String((await rawRow(victim.id))?.['email_sealed']));

      for (const read of [
        () => accounts.findById(org.id, attacker.id),
        () => accounts.findByLoginName(attacker.loginName),
        () => accounts.listByOrg(org.id),
      ]) {
        const error: unknown = await read().then(
          () => new Error('read resolved'),
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(DecryptionError);
        const message = (error as Error).message;
        expect(message).toContain('email');
        for (const leak of [
          PLANTED_EMAIL,
          PLANTED_REAL_NAME,
          'attacker@contoso.example',
          sealedText,
          victim.id,
        ])
          expect(message).not.toContain(leak);
      }
      await expect(accounts.findById(org.id, victim.id)).resolves.toEqual(victim);
    });

    it('binds the sealed email to its field: moved into the real-name column of the same account, it does not open', async () => {
      const account = planted();
      await accounts.insert(account, 'h');
      await copyEmailSealed(account.id, account.id, 'real_name_sealed');
      const error: unknown = await accounts.findById(orgA.id, account.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecryptionError);
      expect((error as Error).message).toContain('real_name');
      expect((error as Error).message).not.toContain(PLANTED_EMAIL);
    });
  });

  describe('TOTP', () => {
    const enrolled = async () => {
      const account = anAccount({ orgId: orgA.id });
      await accounts.insert(account, 'h');
      await accounts.storePendingTotpSecret(account.id, PLANTED_TOTP_SECRET);
      await accounts.confirmTotp(account.id, 1000);
      return account;
    };

    it('keeps a pending secret until confirmed, then reports the account enrolled', async () => {
      const account = anAccount({ orgId: orgA.id });
      await accounts.insert(account, 'h');
      await expect(accounts.readTotpSecret(account.id)).resolves.toBeNull();
      await accounts.storePendingTotpSecret(account.id, 'FIRSTPENDINGSECRETAAAAAAAAAAAAAA');
      await accounts.storePendingTotpSecret(account.id, PLANTED_TOTP_SECRET);
      await expect(accounts.readTotpSecret(account.id)).resolves.toEqual({
        secret: PLANTED_TOTP_SECRET,
        enrolled: false,
      });
      await accounts.confirmTotp(account.id, 1000);
      await expect(accounts.readTotpSecret(account.id)).resolves.toEqual({
        secret: PLANTED_TOTP_SECRET,
        enrolled: true,
      });
      expect((await accounts.findById(orgA.id, account.id))?.mfaEnrolled).toBe(true);
    });

    it('refuses to replace an enrolled secret with a pending one', async () => {
      const account = await enrolled();
      await expect(
        accounts.storePendingTotpSecret(account.id, 'ANOTHERSECRETAAAAAAAAAAAAAAAAAAA'),
      ).rejects.toThrow(/already enrolled/);
      await expect(accounts.readTotpSecret(account.id)).resolves.toEqual({
        secret: PLANTED_TOTP_SECRET,
        enrolled: true,
      });
    });

    it('stores the secret sealed: no column of the row holds it in clear', async () => {
      const account = await enrolled();
      const [row] = await t.db.query<Record<string, unknown>[]>(
        'SELECT * FROM identity.accounts WHERE id = $1',
        [account.id],
      );
      const dump = JSON.stringify(row);
      expect(String(row?.['totp_secret_sealed'])).toMatch(/^v1\./);
      expect(dump).not.toContain(PLANTED_TOTP_SECRET);
      expect(dump).not.toContain(Buffer.from(PLANTED_TOTP_SECRET).toString('base64'));
      expect(dump).not.toContain(Buffer.from(PLANTED_TOTP_SECRET).toString('base64url'));
    });

    it('binds the sealed secret to its account: copied to another account it does not open', async () => {
      const victim = await enrolled();
      const attacker = anAccount({ orgId: orgA.id });
      await accounts.insert(attacker, 'h');
      await t.db.query(
        'UPDATE identity.accounts SET totp_secret_sealed = (SELECT totp_secret_sealed FROM identity.accounts WHERE id = $1), mfa_enrolled = true WHERE id = $2',
        [victim.id, attacker.id],
      );
      await expect(accounts.readTotpSecret(attacker.id)).rejects.toBeInstanceOf(DecryptionError);
    });

    it('accepts only time steps above the last accepted one', async () => {
      const account = await enrolled();
      await expect(accounts.advanceTotpStep(account.id, 1000)).resolves.toBe(false);
      await expect(accounts.advanceTotpStep(account.id, 999)).resolves.toBe(false);
      await expect(accounts.advanceTotpStep(account.id, 1001)).resolves.toBe(true);
      await expect(accounts.advanceTotpStep(account.id, 1001)).resolves.toBe(false);
    });

    it('lets exactly one of many concurrent replicas accept the same step', async () => {
      const account = await enrolled();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 === 0 ? accounts : replica).advanceTotpStep(account.id, 2000),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('clears secret, enrolment, last step and recovery codes', async () => {
      const account = await enrolled();
      await accounts.replaceRecoveryCodes(account.id, ['a', 'b']);
      await accounts.clearMfa(account.id);
      await expect(accounts.readTotpSecret(account.id)).resolves.toBeNull();
      await expect(accounts.remainingRecoveryCodes(account.id)).resolves.toBe(0);
      expect((await accounts.findById(orgA.id, account.id))?.mfaEnrolled).toBe(false);
      await accounts.storePendingTotpSecret(account.id, PLANTED_TOTP_SECRET);
      await accounts.confirmTotp(account.id, 5);
      await expect(accounts.advanceTotpStep(account.id, 6)).resolves.toBe(true);
    });

    it('refuses to confirm when no secret is pending', async () => {
      const account = anAccount({ orgId: orgA.id });
      await accounts.insert(account, 'h');
      await expect(accounts.confirmTotp(account.id, 10)).rejects.toThrow('no pending TOTP secret to confirm');
      const done = await enrolled();
      await expect(accounts.confirmTotp(done.id, 1)).rejects.toThrow('no pending TOTP secret to confirm');
      await expect(accounts.advanceTotpStep(done.id, 1000)).resolves.toBe(false);
    });
  });

  describe('recovery codes', () => {
    it('consumes each code once and counts the rest', async () => {
      const account = anAccount({ orgId: orgA.id });
      await accounts.insert(account, 'h');
      await accounts.replaceRecoveryCodes(account.id, ['h1', 'h2', 'h3']);
      await expect(accounts.consumeRecoveryCode(account.id, 'h2')).resolves.toBe(true);
      await expect(accounts.consumeRecoveryCode(account.id, 'h2')).resolves.toBe(false);
      await expect(accounts.consumeRecoveryCode(account.id, 'nope')).resolves.toBe(false);
      await expect(accounts.remainingRecoveryCodes(account.id)).resolves.toBe(2);
    });

    it('does not accept another account code', async () => {
      const owner = anAccount({ orgId: orgA.id });
      const other = anAccount({ orgId: orgA.id });
      await accounts.insert(owner, 'h');
      await accounts.insert(other, 'h');
      await accounts.replaceRecoveryCodes(owner.id, ['shared-hash']);
      await expect(accounts.consumeRecoveryCode(other.id, 'shared-hash')).resolves.toBe(false);
      await expect(accounts.consumeRecoveryCode(owner.id, 'shared-hash')).resolves.toBe(true);
    });

    it('replaces the whole set, used codes included', async () => {
      const account = anAccount({ orgId: orgA.id });
      await accounts.insert(account, 'h');
      await accounts.replaceRecoveryCodes(account.id, ['old1', 'old2']);
      await accounts.consumeRecoveryCode(account.id, 'old1');
      await accounts.replaceRecoveryCodes(account.id, ['new1', 'new2', 'new3']);
      await expect(accounts.remainingRecoveryCodes(account.id)).resolves.toBe(3);
      await expect(accounts.consumeRecoveryCode(account.id, 'old2')).resolves.toBe(false);
    });

    it('lets one of two concurrent replicas consume the same code', async () => {
      const account = anAccount({ orgId: orgA.id });
      await accounts.insert(account, 'h');
      await accounts.replaceRecoveryCodes(account.id, ['race']);
      const results = await Promise.all(
        [accounts, replica, accounts, replica].map((r) => r.consumeRecoveryCode(account.id, 'race')),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  it('never stores the planted TOTP secret in clear anywhere in the accounts table', async () => {
    expect(await dumpTable(t.db, 'accounts')).not.toContain(PLANTED_TOTP_SECRET);
  });
});

import { randomBytes } from 'node:crypto';
import { AlreadyExistsError } from '@ferry/identity/application';
import { aSession, anAccount, anOrganisation } from '../testing/identity-fixtures';
import { openIdentityTestDatabase, type IdentityTestDatabase } from '../testing/identity-test-database';
import { TypeormAccountRepository } from './typeorm-account.repository';
import { TypeormIdentityUnitOfWork } from './typeorm-identity-unit-of-work';
import { TypeormOrganisationRepository } from './typeorm-organisation.repository';
import { TypeormSessionRepository } from './typeorm-session.repository';

class Refused extends Error {}

describe('the identity unit of work on PostgreSQL', () => {
  let t: IdentityTestDatabase;
  let unitOfWork: TypeormIdentityUnitOfWork;
  /** The repositories as another replica sees them, through its own connection pool. */
  let other: {
    orgs: TypeormOrganisationRepository;
    accounts: TypeormAccountRepository;
    sessions: TypeormSessionRepository;
  };

  beforeAll(async () => {
    t = await openIdentityTestDatabase('identity_uow', 2);
    unitOfWork = new TypeormIdentityUnitOfWork(t.db, t.cipher);
    const replica = t.sources[1]!;
    other = {
      orgs: new TypeormOrganisationRepository(replica),
      accounts: new TypeormAccountRepository(replica, t.cipher),
      sessions: new TypeormSessionRepository(replica),
    };
  });
  afterAll(async () => {
    await t.close();
  });

  /** An organisation with an enrolled account (TOTP, recovery codes) and a live session, stored directly. */
  async function seeded() {
    const org = anOrganisation();
    const account = anAccount({ orgId: org.id, roles: ['viewer'] });
    const session = aSession(account.id, new Date(), { orgId: org.id });
    await other.orgs.insert(org);
    await other.accounts.insert(account, null);
    await other.accounts.storePendingTotpSecret(account.id, 'JBSWY3DPEHPK3PXP');
    await other.accounts.confirmTotp(account.id, 1);
    const hash = () => randomBytes(32).toString('hex');
    await other.accounts.replaceRecoveryCodes(account.id, [hash(), hash()]);
    await other.sessions.insert(session, hash());
    return { org, account, session };
  }

  /** What another replica reads of the seeded rows. */
  async function state(s: Awaited<ReturnType<typeof seeded>>) {
    return {
      mfaRequired: (await other.orgs.findById(s.org.id))?.mfaRequired,
      roles: (await other.accounts.findById(s.org.id, s.account.id))?.roles,
      totp: await other.accounts.readTotpSecret(s.account.id),
      recoveryCodes: await other.accounts.remainingRecoveryCodes(s.account.id),
      revokedAt: (await other.sessions.findById(s.session.id))?.revokedAt ?? null,
    };
  }

  it('commits the changes of all three repositories together, unseen by other connections until then', async () => {
    const s = await seeded();
    const before = await state(s);
    let during: unknown;
    const now = new Date();
    await unitOfWork.run(async (tx) => {
      await tx.organisations.updateMfaRequired(s.org.id, false);
      await tx.accounts.setRoles(s.account.id, ['auditor', 'viewer']);
      await tx.accounts.clearMfa(s.account.id);
      await tx.sessions.revokeAllForAccount(s.account.id, 'mfa-reset', now);
      // The transaction sees its own writes; another connection does not.
      expect((await tx.accounts.findById(s.org.id, s.account.id))?.roles).toEqual(['auditor', 'viewer']);
      during = await state(s);
    });
    expect(during).toEqual(before);
    expect(await state(s)).toEqual({
      mfaRequired: false,
      roles: ['auditor', 'viewer'],
      totp: null,
      recoveryCodes: 0,
      revokedAt: now,
    });
  });

  it('rolls back every change, the repositories’ own inner transactions included, when the work throws', async () => {
    const s = await seeded();
    const before = await state(s);
    const outsider = anAccount({ orgId: s.org.id });
    await expect(
      unitOfWork.run(async (tx) => {
        await tx.organisations.updateMfaRequired(s.org.id, false);
        await tx.accounts.setRoles(s.account.id, ['org-admin']);
        await tx.accounts.clearMfa(s.account.id);
        await tx.accounts.insert(outsider, null);
        await tx.sessions.revokeAllForAccount(s.account.id, 'role-changed', new Date());
        throw new Refused('the audit record was not stored');
      }),
    ).rejects.toBeInstanceOf(Refused);
    expect(await state(s)).toEqual(before);
    expect(await other.accounts.findById(s.org.id, outsider.id)).toBeNull();
  });

  it('rolls back what came before a write the database refuses, and passes the refusal on', async () => {
    const s = await seeded();
    const org = anOrganisation();
    await expect(
      unitOfWork.run(async (tx) => {
        await tx.organisations.insert(org);
        await tx.accounts.insert(anAccount({ orgId: org.id, loginName: s.account.loginName }), null);
      }),
    ).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(await other.orgs.findById(org.id)).toBeNull();
  });
});

import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { type Enrolled, type SignedIn, signInAndEnrol, signInWithTotp } from './api-client.fixture';
import {
  everythingRecorded,
  type IdentityService,
  type Recorded,
  startIdentityService,
} from './identity-service.fixture';

jest.setTimeout(180_000);

const API = '/api/v1';
// Distinctive values: a hit in any record is a leak, never a coincidence.
const password = (who: string) => `Pl4nted-${who}-${randomBytes(9).toString('base64url')}`;
const ADMIN = { loginName: 'scan-admin', password: password('admin') };

/** The clear-text forms a planted secret could leak in. */
class Planted {
  readonly values = new Map<string, string>();

  add(label: string, value: string): void {
    if (value.length < 8) throw new Error(`${label} is too short to scan for`);
    this.values.set(label, value);
  }

  token(label: string, token: string): void {
    this.add(label, token);
    // A JWS cut short in a log still shows its signature.
    const signature = token.split('.')[2];
    if (signature) this.add(`${label} (signature)`, signature);
  }

  totpSecret(label: string, otpauthUri: string): void {
    const secret = OTPAuth.URI.parse(otpauthUri).secret;
    this.add(`${label} (base32)`, secret.base32);
    this.add(`${label} (base32, lower case)`, secret.base32.toLowerCase());
    this.add(`${label} (hex)`, secret.hex.toLowerCase());
    this.add(`${label} (base64)`, Buffer.from(secret.bytes).toString('base64'));
  }

  session(label: string, s: SignedIn): void {
    this.token(`${label} access token`, s.accessToken);
    this.add(`${label} refresh token`, s.refreshToken);
  }

  enrolled(label: string, e: Enrolled): void {
    this.session(label, e);
    this.add(`${label} enrolment pending token`, e.pendingToken);
    this.totpSecret(`${label} TOTP secret`, e.otpauthUri);
    e.recoveryCodes.forEach((code, i) => {
      this.add(`${label} recovery code ${i}`, code);
      this.add(`${label} recovery code ${i} (normalised)`, code.replace('-', '').toUpperCase());
    });
  }

  /** `label in where` for every record holding a planted value. */
  findIn(records: readonly Recorded[]): string[] {
    const found: string[] = [];
    for (const [label, value] of this.values) {
      for (const r of records) if (r.text.includes(value)) found.push(`${label} in ${r.where}`);
    }
    return found;
  }
}

describe('no secret or personal value is recorded in clear by the identity service', () => {
  let svc: IdentityService;
  const planted = new Planted();
  const known = { accountId: '', orgId: '', loginName: 'planted-operator', displayName: 'Shift Operator 7' };

  beforeAll(async () => {
    svc = await startIdentityService({ label: 'svc-secret-scan', bootstrapAdmin: ADMIN });
  });
  afterAll(async () => {
    await svc?.close();
  });

  const post = (path: string, json: unknown, token?: string) => svc.client.post(`${API}${path}`, json, token);

  it('runs every credential flow, planting passwords, TOTP secrets, tokens, recovery codes, an email and a real name', async () => {
    planted.add('bootstrap admin password', ADMIN.password);
    const admin = await signInAndEnrol(svc.client, ADMIN.loginName, ADMIN.password);
    planted.enrolled('platform admin', admin);

    const orgAdminPassword = password('org-admin');
    planted.add('org-admin password', orgAdminPassword);
    const org = await post(
      '/orgs',
      {
        name: 'Contoso',
        admin: { loginName: 'scan-org-admin', displayName: 'IT Admin', password: orgAdminPassword },
      },
      admin.accessToken,
    );
    expect(org.status).toBe(201);
    known.orgId = org.body['id'] as string;
    const orgAdmin = await signInAndEnrol(svc.client, 'scan-org-admin', orgAdminPassword);
    planted.enrolled('org-admin', orgAdmin);

    const email = `q${randomBytes(5).toString('hex')}.planted@contoso.example`;
    const realName = `Quintessa Plantedname-${randomBytes(3).toString('hex')}`;
    const operatorPassword = password('operator');
    planted.add('account email', email);
    planted.add('account real name', realName);
    planted.add('operator password', operatorPassword);
    const created = await post(
      `/orgs/${known.orgId}/accounts`,
      {
        loginName: known.loginName,
        displayName: known.displayName,
        email,
        realName,
        password: operatorPassword,
        roles: ['viewer'],
      },
      orgAdmin.accessToken,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email, realName });
    known.accountId = created.body['id'] as string;

    const operator = await signInAndEnrol(svc.client, known.loginName, operatorPassword);
    planted.enrolled('operator', operator);
    const later = await signInWithTotp(svc.client, known.loginName, operatorPassword, operator.authenticator);
    planted.session('operator second session', later);
    planted.add('operator mfa pending token', later.pendingToken);

    // Failures carry secrets too: a wrong password, an over-long one, a bad TOTP code, a spent recovery code.
    const wrong = password('wrong-guess');
    const tooLong = `${password('too-long')}${'Z'.repeat(70)}`;
    planted.add('wrong password', wrong);
    planted.add('over-long password', tooLong);
    expect((await post('/auth/signin', { loginName: known.loginName, password: wrong })).status).toBe(401);
    expect((await post('/auth/signin', { loginName: known.loginName, password: tooLong })).status).toBe(401);
    expect((await post('/auth/signin', { loginName: 'Not Valid!', password: wrong })).status).toBe(400);
    const step = await post('/auth/signin', { loginName: known.loginName, password: operatorPassword });
    planted.add('operator refused-step pending token', step.body['pendingToken'] as string);
    expect(
      (await post('/auth/mfa', { pendingToken: step.body['pendingToken'], code: '000000' })).status,
    ).toBe(401);
    const recovered = await post('/auth/mfa', {
      pendingToken: step.body['pendingToken'],
      recoveryCode: operator.recoveryCodes[3],
    });
    expect(recovered.status).toBe(200);
    planted.token('recovery-code session access token', recovered.body['accessToken'] as string);
    planted.add('recovery-code session refresh token', recovered.body['refreshToken'] as string);

    // A refused new password (common) and a weak one in a refused request.
    const weak = 'Password123!Planted';
    planted.add('refused new password', weak);
    expect(
      (
        await post(
          `/orgs/${known.orgId}/accounts`,
          { loginName: 'weak-one', displayName: 'Weak', password: 'password', roles: ['viewer'] },
          orgAdmin.accessToken,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await post(
          `/orgs/${known.orgId}/accounts`,
          { loginName: 'weak-one', displayName: 'Weak', password: weak, roles: ['not-a-role'] },
          orgAdmin.accessToken,
        )
      ).status,
    ).toBe(400);

    // Rotation, reuse, sign-out, forced sign-out, MFA reset and a second enrolment.
    const rotated = await post('/auth/refresh', { refreshToken: later.refreshToken });
    expect(rotated.status).toBe(200);
    planted.token('rotated access token', rotated.body['accessToken'] as string);
    planted.add('rotated refresh token', rotated.body['refreshToken'] as string);
    expect((await post('/auth/refresh', { refreshToken: later.refreshToken })).status).toBe(401);
    expect(
      (
        await svc.client.call('POST', `${API}/auth/signout`, {
          token: recovered.body['accessToken'] as string,
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await svc.client.call('DELETE', `${API}/orgs/${known.orgId}/accounts/${known.accountId}/sessions`, {
          token: orgAdmin.accessToken,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await svc.client.call('DELETE', `${API}/orgs/${known.orgId}/accounts/${known.accountId}/mfa`, {
          token: orgAdmin.accessToken,
        })
      ).status,
    ).toBe(200);
    const again = await signInAndEnrol(svc.client, known.loginName, operatorPassword);
    planted.enrolled('operator re-enrolment', again);
    expect(
      (
        await svc.client.call('PUT', `${API}/orgs/${known.orgId}/accounts/${known.accountId}/roles/auditor`, {
          token: orgAdmin.accessToken,
        })
      ).status,
    ).toBe(200);
    expect(planted.values.size).toBeGreaterThan(100);
  });

  it('recorded enough to make the scan meaningful: logs, spans, audit events and rows, holding what is not secret', async () => {
    const records = await everythingRecorded(svc);
    const count = (prefix: string) => records.filter((r) => r.where.startsWith(prefix)).length;
    expect(count('log')).toBeGreaterThan(5);
    expect(count('span')).toBeGreaterThan(50);
    expect(count('audit')).toBeGreaterThan(20);
    expect(count('identity.')).toBeGreaterThan(20);
    // The scan reads what it claims to: ids and names that are not secret show up where expected.
    const holding = (value: string) =>
      new Set(records.filter((r) => r.text.includes(value)).map((r) => r.where.split(' ')[0]));
    expect(holding(known.loginName)).toContain('identity.accounts');
    expect(holding(known.displayName)).toContain('identity.accounts');
    expect([...holding(known.accountId)]).toEqual(
      expect.arrayContaining(['audit', 'identity.accounts', 'identity.sessions']),
    );
    expect(
      records.some((r) => r.where.startsWith('span') && r.text.includes('identity.v1.rpc.signin.password')),
    ).toBe(true);
  });

  it('finds none of the planted values in any log line, span, audit event or identity table', async () => {
    const records = await everythingRecorded(svc);
    expect(planted.findIn(records)).toEqual([]);
  });
});

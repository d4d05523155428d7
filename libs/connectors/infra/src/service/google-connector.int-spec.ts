import { ConnectorKind, GoogleAuth, Rpc, RpcErrorCode } from '@ferry/contracts';
import { type Sandbox, startTestSandbox } from '@ferry/sandbox';
import { type ConnectorsService, ORG, rpcFailure, startConnectorsService } from './connectors-service.fixture';

jest.setTimeout(120_000);

const GMAIL_MODIFY = 'https://www.googleapis.com/auth/gmail.modify';

describe('a Google Workspace connector through the connectors service', () => {
  let svc: ConnectorsService;
  let sandbox: Sandbox;
  let connectorId = '';
  let delegated: string[] = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    const root = sandbox.endpoints.googleRoot;
    svc = await startConnectorsService({ label: 'conn-google', google: { apiRoot: root, authUri: `${root}o/oauth2/v2/auth`, tokenUri: sandbox.endpoints.googleTokenUri } });
    const g = sandbox.endpoints.google;
    delegated = [...(sandbox.context.directory.google.get(g.customerId)?.serviceAccounts.get(g.serviceAccountKey.client_email ?? '')?.delegatedScopes ?? [])];
  });
  afterAll(async () => {
    await svc?.close();
    await sandbox?.close();
  });

  const g = () => sandbox.endpoints.google;
  const setDelegation = async (scopes: readonly string[]) => {
    const res = await fetch(`${sandbox.endpoints.inspect}/google/${g().customerId}/delegation`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientEmail: g().serviceAccountKey.client_email, scopes }),
    });
    expect(res.status).toBe(200);
  };
  const token = async (subject: string, scopes: string[] = [], service: 'migration' | 'freebusy' = 'migration') =>
    svc.peer.request(Rpc.broker.token, { serviceToken: await svc.serviceToken(service), orgId: ORG, connectorId, scopes, subject });
  const failure = rpcFailure;

  it('creates a service-account connector; the key and the admin user are sealed, the client id to authorise is shown', async () => {
    const { connector } = await svc.peer.request(Rpc.connectors.create, {
      orgId: ORG,
      name: 'Fabrikam',
      kind: ConnectorKind.GOOGLE_WORKSPACE,
      secret: JSON.stringify(g().serviceAccountKey),
      settings: { case: 'google', value: { auth: GoogleAuth.SERVICE_ACCOUNT, customerId: g().customerId, adminUser: g().adminUser } },
      workloads: ['mail', 'directory'],
      context: { accessToken: await svc.accessToken() },
    });
    connectorId = connector!.id;
    expect(connector!.settings.case).toBe('google');
    expect(connector!.settings.value).toMatchObject({ serviceAccountClientId: g().serviceAccountKey.client_id, adminUser: '(set)' });
    expect(connector!.secrets.map((s) => s.field).sort()).toEqual(['admin-user', 'service-account-key']);
  });

  it('refuses a malformed key with the field named and nothing stored', async () => {
    const before = (await svc.tables()).get('connectors')?.length ?? 0;
    const err = await failure(
      svc.peer.request(Rpc.connectors.create, {
        orgId: ORG,
        name: 'Broken key',
        kind: ConnectorKind.GOOGLE_WORKSPACE,
        secret: JSON.stringify({ ...g().serviceAccountKey, private_key: 'not a key' }),
        settings: { case: 'google', value: { auth: GoogleAuth.SERVICE_ACCOUNT, customerId: g().customerId, adminUser: g().adminUser } },
        workloads: ['mail'],
        context: { accessToken: await svc.accessToken() },
      }),
    );
    expect(err.code).toBe(RpcErrorCode.INVALID_ARGUMENT);
    expect(err.violations.map((v) => v.field)).toEqual(['secret']);
    expect(err.message + JSON.stringify(err.violations)).not.toContain('not a key');
    expect((await svc.tables()).get('connectors')?.length ?? 0).toBe(before);
  });

  it('passes the connection test, then names a scope taken out of domain-wide delegation and how to add it', async () => {
    const ok = await svc.peer.request(Rpc.connectors.test, { orgId: ORG, connectorId, context: { accessToken: await svc.accessToken() } });
    expect(ok.findings.filter((f) => f.status !== 'ok')).toEqual([]);
    await setDelegation(delegated.filter((s) => s !== GMAIL_MODIFY));
    try {
      const report = await svc.peer.request(Rpc.connectors.test, { orgId: ORG, connectorId, context: { accessToken: await svc.accessToken() } });
      expect(report.ok).toBe(false);
      const missing = report.findings.filter((f) => f.status !== 'ok');
      expect(missing.map((f) => f.check)).toEqual([`scope:${GMAIL_MODIFY}`]);
      expect(missing[0]!.remedy).toContain(g().serviceAccountKey.client_id);
      expect(missing[0]!.remedy).toContain('Domain Wide Delegation');
    } finally {
      await setDelegation(delegated);
    }
  });

  it('issues a token per impersonated user, which Gmail accepts for that user', async () => {
    const user = [...(sandbox.context.directory.google.get(g().customerId)?.users.values() ?? [])][1]!.primaryEmail;
    const issued = await token(user, [GMAIL_MODIFY]);
    expect(issued.granted).toContain(GMAIL_MODIFY);
    const res = await fetch(`${sandbox.endpoints.googleRoot}gmail/v1/users/${encodeURIComponent(user)}/profile`, { headers: { authorization: `Bearer ${issued.accessToken}` } });
    expect(res.status).toBe(200);
    const again = await token(user.toUpperCase(), [GMAIL_MODIFY]);
    expect(again.accessToken).toBe(issued.accessToken);
  });

  it('refuses scopes outside the connector workloads and the service grant', async () => {
    expect((await failure(token(g().adminUser, ['https://www.googleapis.com/auth/drive']))).code).toBe(RpcErrorCode.PERMISSION_DENIED);
    // free/busy may use directory: allowed; gmail is not free/busy's.
    expect((await failure(token(g().adminUser, [GMAIL_MODIFY], 'freebusy'))).code).toBe(RpcErrorCode.PERMISSION_DENIED);
  });

  it('answers an unknown user with a precondition failure that names no address', async () => {
    const err = await failure(token('nobody-here@fabrikam.example', [GMAIL_MODIFY]));
    expect(err.code).toBe(RpcErrorCode.FAILED_PRECONDITION);
    expect(err.message).not.toContain('nobody-here');
  });
});

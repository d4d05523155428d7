import { toJsonString } from '@bufbuild/protobuf';
import { ConnectorKind, ConnectorSchema, MicrosoftAuth, Rpc, RpcErrorCode } from '@ferry/contracts';
import { type Sandbox, startTestSandbox } from '@ferry/sandbox';
import { auditEventText, type ConnectorsService, ORG, OTHER_ORG, rpcFailure, startConnectorsService } from './connectors-service.fixture';

jest.setTimeout(120_000);

describe('a Microsoft 365 connector through the connectors service', () => {
  let svc: ConnectorsService;
  let sandbox: Sandbox;
  let connectorId = '';

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    svc = await startConnectorsService({ label: 'conn-microsoft' });
  });
  afterAll(async () => {
    await svc?.close();
    await sandbox?.close();
  });

  const ms = () => sandbox.endpoints.microsoft;
  const settings = () => ({
    case: 'microsoft' as const,
    value: {
      auth: MicrosoftAuth.CLIENT_SECRET,
      tenantId: ms().tenantId,
      clientId: ms().clientId,
      cloud: 'custom',
      authorityHost: sandbox.endpoints.entraAuthority,
      graphOrigin: new URL(sandbox.endpoints.graph).origin,
    },
  });
  const create = async (secret: string, name = 'Contoso') =>
    svc.peer.request(Rpc.connectors.create, {
      orgId: ORG,
      name,
      kind: ConnectorKind.MICROSOFT_365,
      secret,
      settings: settings(),
      workloads: ['mail', 'calendar'],
      context: { accessToken: await svc.accessToken(), sourceAddress: '192.0.2.10', userAgent: 'jest' },
    });
  const token = async (service: 'migration' | 'freebusy' | 'rogue' = 'migration', org = ORG, id = connectorId) =>
    svc.peer.request(Rpc.broker.token, { serviceToken: await svc.serviceToken(service), orgId: org, connectorId: id, scopes: [], subject: '' });
  const failure = rpcFailure;

  it('creates the connector with its secret write-only: metadata and a fingerprint come back, never the value', async () => {
    const { connector } = await create(ms().clientSecret);
    connectorId = connector!.id;
    expect(connector).toMatchObject({ orgId: ORG, kind: ConnectorKind.MICROSOFT_365, workloads: ['mail', 'calendar'], version: 1 });
    expect(connector!.secrets.map((s) => s.field)).toEqual(['client-secret']);
    expect(connector!.secretFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(toJsonString(ConnectorSchema, connector!)).not.toContain(ms().clientSecret);
  });

  it('passes the connection test against the tenant', async () => {
    const report = await svc.peer.request(Rpc.connectors.test, { orgId: ORG, connectorId, context: { accessToken: await svc.accessToken() } });
    expect(report.findings.filter((f) => f.status !== 'ok')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.findings.map((f) => f.check)).toEqual(expect.arrayContaining(['credentials', 'permission:Mail.ReadWrite', 'permission:Calendars.ReadWrite', 'graph']));
  });

  it('fails the test with the reason and a remedy when the stored secret is rejected', async () => {
    const { connector } = await create('sbx~not-the-secret', 'Contoso (stale secret)');
    const report = await svc.peer.request(Rpc.connectors.test, { orgId: ORG, connectorId: connector!.id, context: { accessToken: await svc.accessToken() } });
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ check: 'credentials', status: 'failed' });
    expect(report.findings[0]!.remedy).toMatch(/Certificates & secrets/);
  });

  it('issues a Graph token to a trusted service, which Graph accepts', async () => {
    const issued = await token();
    expect(issued.connectorVersion).toBe(1);
    const res = await fetch(`${sandbox.endpoints.graph}/users?$top=1`, { headers: { authorization: `Bearer ${issued.accessToken}` } });
    expect(res.status).toBe(200);
  });

  it('serves 500 concurrent requests from one refresh (single-flight), then from the cache', async () => {
    // A new version of the connector is a new cache key: rename it so the next requests miss the cache.
    await svc.peer.request(Rpc.connectors.update, { ref: { orgId: ORG, connectorId, context: { accessToken: await svc.accessToken() } }, name: 'Contoso renamed' });
    const before = await tokenRequests(sandbox);
    const issued = await Promise.all(Array.from({ length: 500 }, () => token()));
    expect(new Set(issued.map((t) => t.accessToken)).size).toBe(1);
    expect((await tokenRequests(sandbox)) - before).toBe(1);
    expect(issued.every((t) => t.connectorVersion === 2)).toBe(true);
  });

  it('refuses an untrusted service, a service outside its grant, and another organisation', async () => {
    expect((await failure(token('rogue'))).code).toBe(RpcErrorCode.UNAUTHENTICATED);
    // free/busy may use a connector's freebusy or directory workloads; this one has neither.
    expect((await failure(token('freebusy'))).code).toBe(RpcErrorCode.PERMISSION_DENIED);
    expect((await failure(token('migration', OTHER_ORG))).code).toBe(RpcErrorCode.NOT_FOUND);
  });

  it('refuses user calls without the permission, and hides other organisations connectors', async () => {
    const viewer = await svc.accessToken({ roles: ['viewer'] });
    expect((await failure(svc.peer.request(Rpc.connectors.test, { orgId: ORG, connectorId, context: { accessToken: viewer } }))).code).toBe(RpcErrorCode.PERMISSION_DENIED);
    const other = await svc.accessToken({ org: OTHER_ORG });
    expect((await failure(svc.peer.request(Rpc.connectors.get, { orgId: OTHER_ORG, connectorId, context: { accessToken: other } }))).code).toBe(RpcErrorCode.NOT_FOUND);
  });

  it('audits creation, the test, each token handover and the refusals, without secrets or tokens', async () => {
    const events = await svc.auditEvents();
    const actions = events.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['connector.created', 'connector.tested', 'connector.updated', 'connector.token.issued', 'connector.token.denied']));
    // One handover per token and service, not one per request.
    expect(actions.filter((a) => a === 'connector.token.issued')).toHaveLength(2);
    const text = events.map(auditEventText).join('\n');
    expect(text).not.toContain(ms().clientSecret);
    const issued = await token();
    expect(text).not.toContain(issued.accessToken.split('.')[2]!);
  });

  it('deletes the connector with every secret; the broker then answers not found', async () => {
    const { secretsDeleted } = await svc.peer.request(Rpc.connectors.delete, { orgId: ORG, connectorId, context: { accessToken: await svc.accessToken() } });
    expect(secretsDeleted).toBe(1);
    expect((await failure(token())).code).toBe(RpcErrorCode.NOT_FOUND);
    const rows = (await svc.tables()).get('connector_secrets') ?? [];
    expect(rows.filter((r) => r['connector_id'] === connectorId)).toEqual([]);
  });
});

/** Token requests the sandbox's Entra endpoint has answered so far. */
async function tokenRequests(sandbox: Sandbox): Promise<number> {
  const stats = (await (await fetch(`${sandbox.endpoints.inspect}/stats`)).json()) as { operations: Record<string, { requests: number } | undefined> };
  return stats.operations['entra.token']?.requests ?? 0;
}

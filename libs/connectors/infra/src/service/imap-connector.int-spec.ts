import { ConnectorKind, ImapAuth, ImapSecurity, Rpc, RpcErrorCode } from '@ferry/contracts';
import { DestinationPolicy } from '@ferry/platform/net';
import { type DovecotServer, openImapSession, startDovecot } from '@ferry/providers/imap';
import { auditEventText, type ConnectorsService, ORG, rpcFailure, startConnectorsService } from './connectors-service.fixture';

jest.setTimeout(120_000);

const ALICE = { username: 'alice@example.org', password: 'Alice-imap-pw-7Q2x' };
const BOB = { username: 'bob@example.org', password: 'Bob-imap-pw-9K4v' };
const MASTER = { username: 'ferry-master', password: 'Master-imap-pw-3Z8m' };

describe('an IMAP connector against a real Dovecot', () => {
  let svc: ConnectorsService;
  let dovecot: DovecotServer;
  let perUser = '';
  let master = '';

  beforeAll(async () => {
    dovecot = await startDovecot({ users: [ALICE, BOB], masterUser: MASTER });
    svc = await startConnectorsService({ label: 'conn-imap', allow: ['127.0.0.1', dovecot.host] });
  });
  afterAll(async () => {
    await svc?.close();
    await dovecot?.stop();
  });

  const context = async (roles = ['org-admin']) => ({ accessToken: await svc.accessToken({ roles }), sourceAddress: '198.51.100.7', userAgent: 'jest' });
  const create = async (auth: ImapAuth, secret = '', host = dovecot.host, extra: Record<string, unknown> = {}) =>
    svc.peer.request(Rpc.connectors.create, {
      orgId: ORG,
      name: `Dovecot ${auth}`,
      kind: ConnectorKind.IMAP,
      secret,
      settings: {
        case: 'imap',
        value: { host, port: dovecot.starttlsPort, security: ImapSecurity.STARTTLS, auth, caCertificatePem: dovecot.caPem, ...(auth === ImapAuth.MASTER_USER && { masterUser: MASTER.username }), ...extra },
      },
      workloads: ['mail'],
      context: await context(),
    });
  const importCsv = async (csv: string, replace = false) =>
    svc.peer.request(Rpc.connectors.importImapUsers, { ref: { orgId: ORG, connectorId: perUser, context: await context() }, csv, replace });
  const test = async (connectorId: string, sampleMailbox = '') => svc.peer.request(Rpc.connectors.test, { orgId: ORG, connectorId, sampleMailbox, context: await context() });
  const login = async (connectorId: string, subject: string, service: 'migration' | 'freebusy' = 'migration') =>
    svc.peer.request(Rpc.broker.imapLogin, { serviceToken: await svc.serviceToken(service), orgId: ORG, connectorId, subject });
  const failure = rpcFailure;

  it('refuses servers in private, link-local and metadata ranges unless the operator allow-lists them', async () => {
    for (const host of ['10.1.2.3', '169.254.169.254', '192.168.0.10']) {
      const err = await failure(create(ImapAuth.PER_USER, '', host));
      expect(err.code).toBe(RpcErrorCode.INVALID_ARGUMENT);
      expect(err.violations.map((v) => v.field)).toEqual(['imap.host']);
    }
  });

  it('creates a per-user connector and refuses a CSV with bad rows as a whole, naming lines not values', async () => {
    perUser = (await create(ImapAuth.PER_USER)).connector!.id;
    const bad = await importCsv(`address,username,password\nalice@example.org,${ALICE.username},${ALICE.password}\nnot-an-address,${BOB.username},${BOB.password}\nalice@EXAMPLE.org,${ALICE.username},x\n`);
    expect(bad.imported).toBe(0);
    expect(bad.errors.map((e) => [e.line, e.reason])).toEqual([
      [3, 'address is not a mail address'],
      [4, 'address repeats line 2'],
    ]);
    expect(JSON.stringify(bad.errors)).not.toContain(BOB.password);
    expect(bad.total).toBe(0);
  });

  it('tests each sampled login: a wrong password fails by label, never by address', async () => {
    const imported = await importCsv(`address,username,password\nalice@example.org,${ALICE.username},${ALICE.password}\nbob@example.org,${BOB.username},wrong-password-1\n`);
    expect(imported).toMatchObject({ imported: 2, total: 2, errors: [] });
    const report = await test(perUser);
    expect(report.ok).toBe(false);
    const logins = report.findings.filter((f) => f.check.startsWith('login:'));
    expect(logins.map((f) => f.status).sort()).toEqual(['failed', 'ok']);
    expect(JSON.stringify(report.findings)).not.toMatch(/alice|bob|example\.org|wrong-password/);
    expect(report.findings.find((f) => f.check === 'capability:IMAP4rev1')?.status).toBe('ok');
  });

  it('passes once the CSV is corrected, and hands a login only to a service allowed IMAP', async () => {
    await importCsv(`address,username,password\nalice@example.org,${ALICE.username},${ALICE.password}\nbob@example.org,${BOB.username},${BOB.password}\n`, true);
    expect((await test(perUser)).ok).toBe(true);
    const issued = await login(perUser, 'Bob@Example.org');
    expect(issued).toMatchObject({ username: BOB.username, password: BOB.password });
    expect(issued.server).toMatchObject({ host: dovecot.host, port: dovecot.starttlsPort, security: ImapSecurity.STARTTLS });
    expect((await failure(login(perUser, 'bob@example.org', 'freebusy'))).code).toBe(RpcErrorCode.PERMISSION_DENIED);
    expect((await failure(login(perUser, 'carol@example.org'))).code).toBe(RpcErrorCode.FAILED_PRECONDITION);
    const token = await failure(svc.peer.request(Rpc.broker.token, { serviceToken: await svc.serviceToken('migration'), orgId: ORG, connectorId: perUser, scopes: [], subject: '' }));
    expect(token.code).toBe(RpcErrorCode.PERMISSION_DENIED);
  });

  it('logs in to any mailbox with a master-user connector, the login working against the server', async () => {
    master = (await create(ImapAuth.MASTER_USER, MASTER.password)).connector!.id;
    const untested = await test(master);
    expect(untested.ok).toBe(false);
    expect(untested.findings).toHaveLength(1);
    expect(untested.findings[0]).toMatchObject({ check: 'login:master-user', status: 'missing' });
    expect((await test(master, ALICE.username)).ok).toBe(true);
    const issued = await login(master, 'alice@example.org');
    expect(issued.username).toBe(`alice@example.org*${MASTER.username}`);
    const session = await openImapSession(dovecot.endpoint('starttls'), { username: issued.username, password: issued.password }, { policy: new DestinationPolicy({ allow: [dovecot.host] }) });
    expect(session.usable).toBe(true);
    await session.logout();
  });

  it('audits the import, the tests and each login handed out, with pseudonyms and no passwords', async () => {
    const events = await svc.auditEvents();
    const actions = events.map((e) => e.action);
    expect(actions.filter((a) => a === 'connector.imap_login.issued')).toHaveLength(2);
    expect(actions).toEqual(expect.arrayContaining(['connector.imap_users.imported', 'connector.tested', 'connector.token.denied']));
    const text = events.map(auditEventText).join('\n');
    for (const secret of [ALICE.password, BOB.password, MASTER.password, 'bob@example.org', 'alice@example.org']) expect(text).not.toContain(secret);
  });
});

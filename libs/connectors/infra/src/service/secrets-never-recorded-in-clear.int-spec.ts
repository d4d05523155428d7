import { generateKeyPairSync } from 'node:crypto';
import { ConnectorKind, GoogleAuth, ImapAuth, ImapSecurity, MicrosoftAuth, Rpc } from '@ferry/contracts';
import { type DovecotServer, startDovecot } from '@ferry/providers/imap';
import { type Sandbox, startTestSandbox } from '@ferry/sandbox';
import { auditEventText, type ConnectorsService, ORG, startConnectorsService } from './connectors-service.fixture';

jest.setTimeout(180_000);

const IMAP_USER = { username: 'dora@example.org', password: 'Planted-imap-password-4Hq9' };
const MASTER = { username: 'planted-master', password: 'Planted-master-password-8Vx2' };

/** Values planted in requests and the forms they could leak in; a hit anywhere is a leak, never a coincidence. */
class Planted {
  readonly values = new Map<string, string>();

  add(label: string, value: string): void {
    if (value.length < 8) throw new Error(`${label} is too short to scan for`);
    this.values.set(label, value);
  }

  /** A PEM key: every base64 line of its body, so a key cut into a log line is found too. */
  pem(label: string, pem: string): void {
    pem
      .split('\n')
      .filter((line) => line.length >= 40 && !line.startsWith('-----'))
      .forEach((line, i) => this.add(`${label} line ${i}`, line));
  }

  token(label: string, token: string): void {
    this.add(label, token);
    const signature = token.split('.')[2];
    if (signature) this.add(`${label} (signature)`, signature);
  }

  findIn(records: readonly { where: string; text: string }[]): string[] {
    const found: string[] = [];
    for (const [label, value] of this.values) for (const r of records) if (r.text.includes(value)) found.push(`${label} in ${r.where}`);
    return found;
  }
}

describe('no secret, token or user address is recorded in clear by the connectors service', () => {
  let svc: ConnectorsService;
  let sandbox: Sandbox;
  let dovecot: DovecotServer;
  const planted = new Planted();

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    dovecot = await startDovecot({ users: [IMAP_USER], masterUser: MASTER });
    const root = sandbox.endpoints.googleRoot;
    svc = await startConnectorsService({
      label: 'conn-secret-scan',
      allow: ['127.0.0.1', dovecot.host],
      google: { apiRoot: root, authUri: `${root}o/oauth2/v2/auth`, tokenUri: sandbox.endpoints.googleTokenUri },
    });
    await exercise();
  });
  afterAll(async () => {
    await svc?.close();
    await dovecot?.stop();
    await sandbox?.close();
  });

  const context = async () => ({ accessToken: await svc.accessToken(), sourceAddress: '203.0.113.9', userAgent: 'scan' });

  /** Every kind of connector, every path a secret takes: create, rotate, test, broker, failures. */
  async function exercise(): Promise<void> {
    const ms = sandbox.endpoints.microsoft;
    const g = sandbox.endpoints.google;
    planted.add('Microsoft client secret', ms.clientSecret);
    planted.pem('Google service-account key', g.serviceAccountKey.private_key ?? '');
    planted.add('Google admin user', g.adminUser);
    planted.add('IMAP password', IMAP_USER.password);
    planted.add('IMAP user address', IMAP_USER.username);
    planted.add('IMAP master password', MASTER.password);
    const wrongSecret = 'sbx~planted-wrong-secret-Zq81';
    planted.add('wrong client secret', wrongSecret);
    const unusedKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    planted.pem('refused private key', unusedKey);

    const microsoft = {
      case: 'microsoft' as const,
      value: { auth: MicrosoftAuth.CLIENT_SECRET, tenantId: ms.tenantId, clientId: ms.clientId, cloud: 'custom', authorityHost: sandbox.endpoints.entraAuthority, graphOrigin: new URL(sandbox.endpoints.graph).origin },
    };
    const { connector: m } = await svc.peer.request(Rpc.connectors.create, { orgId: ORG, name: 'M', kind: ConnectorKind.MICROSOFT_365, secret: wrongSecret, settings: microsoft, workloads: ['mail'], context: await context() });
    await svc.peer.request(Rpc.connectors.test, { orgId: ORG, connectorId: m!.id, context: await context() });
    await svc.peer.request(Rpc.connectors.rotateSecret, { ref: { orgId: ORG, connectorId: m!.id, context: await context() }, secret: ms.clientSecret });
    await svc.peer.request(Rpc.connectors.test, { orgId: ORG, connectorId: m!.id, context: await context() });
    const graphToken = await svc.peer.request(Rpc.broker.token, { serviceToken: await svc.serviceToken('migration'), orgId: ORG, connectorId: m!.id, scopes: [], subject: '' });
    planted.token('Graph access token', graphToken.accessToken);
    // A certificate connector whose key does not match its certificate is refused without echoing either.
    await svc.peer
      .request(Rpc.connectors.create, {
        orgId: ORG,
        name: 'M cert',
        kind: ConnectorKind.MICROSOFT_365,
        secret: unusedKey,
        settings: { case: 'microsoft', value: { ...microsoft.value, auth: MicrosoftAuth.CERTIFICATE, certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' } },
        workloads: ['mail'],
        context: await context(),
      })
      .catch((err: Error) => planted.findIn([{ where: 'error', text: err.message }]).length === 0 || Promise.reject(err));

    const { connector: google } = await svc.peer.request(Rpc.connectors.create, {
      orgId: ORG,
      name: 'G',
      kind: ConnectorKind.GOOGLE_WORKSPACE,
      secret: JSON.stringify(g.serviceAccountKey),
      settings: { case: 'google', value: { auth: GoogleAuth.SERVICE_ACCOUNT, customerId: g.customerId, adminUser: g.adminUser } },
      workloads: ['mail', 'directory'],
      context: await context(),
    });
    await svc.peer.request(Rpc.connectors.test, { orgId: ORG, connectorId: google!.id, context: await context() });
    const user = [...(sandbox.context.directory.google.get(g.customerId)?.users.values() ?? [])][1]!.primaryEmail;
    planted.add('Google user address', user);
    const gmailToken = await svc.peer.request(Rpc.broker.token, { serviceToken: await svc.serviceToken('migration'), orgId: ORG, connectorId: google!.id, scopes: [], subject: user });
    planted.add('Google access token', gmailToken.accessToken);
    await svc.peer.request(Rpc.broker.token, { serviceToken: await svc.serviceToken('migration'), orgId: ORG, connectorId: google!.id, scopes: [], subject: 'planted-nobody@fabrikam.example' }).catch(() => undefined);
    planted.add('unknown user address', 'planted-nobody@fabrikam.example');

    const imap = (auth: ImapAuth) => ({
      case: 'imap' as const,
      value: { host: dovecot.host, port: dovecot.implicitTlsPort, security: ImapSecurity.IMPLICIT_TLS, auth, caCertificatePem: dovecot.caPem, ...(auth === ImapAuth.MASTER_USER && { masterUser: MASTER.username }) },
    });
    const { connector: perUser } = await svc.peer.request(Rpc.connectors.create, { orgId: ORG, name: 'I', kind: ConnectorKind.IMAP, secret: '', settings: imap(ImapAuth.PER_USER), workloads: ['mail'], context: await context() });
    await svc.peer.request(Rpc.connectors.importImapUsers, { ref: { orgId: ORG, connectorId: perUser!.id, context: await context() }, csv: `address,username,password\n${IMAP_USER.username},${IMAP_USER.username},${IMAP_USER.password}\n`, replace: true });
    await svc.peer.request(Rpc.connectors.test, { orgId: ORG, connectorId: perUser!.id, context: await context() });
    await svc.peer.request(Rpc.broker.imapLogin, { serviceToken: await svc.serviceToken('migration'), orgId: ORG, connectorId: perUser!.id, subject: IMAP_USER.username });
    const { connector: master } = await svc.peer.request(Rpc.connectors.create, { orgId: ORG, name: 'IM', kind: ConnectorKind.IMAP, secret: MASTER.password, settings: imap(ImapAuth.MASTER_USER), workloads: ['mail'], context: await context() });
    await svc.peer.request(Rpc.connectors.test, { orgId: ORG, connectorId: master!.id, sampleMailbox: IMAP_USER.username, context: await context() });
    await svc.peer.request(Rpc.connectors.purgeProject, { orgId: ORG, projectTag: 'nothing-tagged', context: await context() });
  }

  async function everythingRecorded(): Promise<{ where: string; text: string }[]> {
    const out = svc.logger.entries.map((e, i) => ({ where: `log #${i} (${e.level})`, text: e.text }));
    for (const span of await svc.spans.finished()) {
      out.push({ where: `span "${span.name}"`, text: JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })), status: span.status }) });
    }
    for (const event of await svc.auditEvents()) out.push({ where: `audit event ${event.action}`, text: auditEventText(event) });
    for (const [table, rows] of await svc.tables()) rows.forEach((row, i) => out.push({ where: `connectors.${table} row ${i}`, text: JSON.stringify(row) }));
    return out;
  }

  it('exercised every path: secrets were stored, tests ran, tokens and logins were issued', async () => {
    const records = await everythingRecorded();
    expect(records.filter((r) => r.where.startsWith('connectors.connector_secrets')).length).toBeGreaterThanOrEqual(5);
    expect(records.filter((r) => r.where.startsWith('span')).length).toBeGreaterThan(10);
    expect(records.filter((r) => r.where.includes('connector.token.issued')).length).toBeGreaterThanOrEqual(2);
    expect(planted.values.size).toBeGreaterThan(20);
  });

  it('finds none of the planted values in any log line, span, audit event or table row', async () => {
    expect(planted.findIn(await everythingRecorded())).toEqual([]);
  });
});

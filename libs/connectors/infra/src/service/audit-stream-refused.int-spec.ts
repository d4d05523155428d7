import { ConnectorKind, ImapAuth, ImapSecurity, Rpc, RpcErrorCode, Streams } from '@ferry/contracts';
import { MessagingClient } from '@ferry/platform/messaging';
import { DiscardPolicy } from 'nats';
import { type ConnectorsService, ORG, rpcFailure, startConnectorsService } from './connectors-service.fixture';

jest.setTimeout(60_000);

const MASTER_PASSWORD = 'Master-imap-pw-audit-4Hq8';
const ROTATED_PASSWORD = 'Master-imap-pw-audit-rotated-7Zr2';
const MAILBOX = 'carol@example.org';

describe('the connectors service while the audit stream takes no event', () => {
  let svc: ConnectorsService;
  let connectorId = '';

  beforeAll(async () => {
    svc = await startConnectorsService({ label: 'conn-audit-full' });
    connectorId = (await create('Contoso mail server')).connector!.id;
  });
  afterAll(async () => {
    await svc?.close();
  });

  const context = async () => ({ accessToken: await svc.accessToken(), sourceAddress: '198.51.100.7', userAgent: 'jest' });
  const ref = async () => ({ orgId: ORG, connectorId, context: await context() });
  async function create(name: string) {
    return svc.peer.request(Rpc.connectors.create, {
      orgId: ORG,
      name,
      kind: ConnectorKind.IMAP,
      secret: MASTER_PASSWORD,
      settings: { case: 'imap', value: { host: '127.0.0.1', port: 993, security: ImapSecurity.IMPLICIT_TLS, auth: ImapAuth.MASTER_USER, masterUser: 'ferry-master' } },
      workloads: ['mail'],
      context: await context(),
    });
  }
  const login = async (service: 'migration' | 'freebusy') => svc.peer.request(Rpc.broker.imapLogin, { serviceToken: await svc.serviceToken(service), orgId: ORG, connectorId, subject: MAILBOX });

  /** The stream full (no more messages, new ones refused), as when it reaches its storage limit; then as before. */
  async function withAuditStreamFull(body: () => Promise<void>): Promise<void> {
    const jsm = await (await svc.app.get(MessagingClient).ready()).jetstreamManager();
    const stream = svc.app.get(MessagingClient).naming.stream(Streams.audit.name);
    const { config, state } = await jsm.streams.info(stream);
    await jsm.streams.update(stream, { ...config, max_msgs: state.messages, discard: DiscardPolicy.New });
    try {
      await body();
    } finally {
      await jsm.streams.update(stream, { ...config, max_msgs: -1, discard: DiscardPolicy.Old });
    }
  }

  it('refuses every change and every credential handover with UNAVAILABLE, and stores nothing', async () => {
    const before = await svc.tables();
    await withAuditStreamFull(async () => {
      const changes = [
        await rpcFailure(create('Unaudited connector')),
        await rpcFailure(svc.peer.request(Rpc.connectors.update, { ref: await ref(), name: 'Unaudited name' })),
        await rpcFailure(svc.peer.request(Rpc.connectors.rotateSecret, { ref: await ref(), secret: ROTATED_PASSWORD })),
        await rpcFailure(svc.peer.request(Rpc.connectors.delete, await ref())),
      ];
      for (const refused of changes) expect([refused.code, refused.message]).toEqual([RpcErrorCode.UNAVAILABLE, 'the audit trail is unavailable; the change was not applied']);
      expect(await svc.tables()).toEqual(before);
      const handover = await rpcFailure(login('migration'));
      expect([handover.code, handover.message]).toEqual([RpcErrorCode.UNAVAILABLE, 'the audit trail is unavailable; no login was issued']);
    });
    // With the stream back, the same login is handed out, with the password never rotated.
    expect((await login('migration')).password).toBe(MASTER_PASSWORD);
  });

  it('keeps refusing a service the broker denies, and logs the record it could not store without the request’s values', async () => {
    const logged = svc.logger.entries.length;
    await withAuditStreamFull(async () => {
      expect((await rpcFailure(login('freebusy'))).code).toBe(RpcErrorCode.PERMISSION_DENIED);
    });
    const lines = svc.logger.entries.slice(logged).filter((e) => e.level === 'error').map((e) => e.text);
    expect(lines).toEqual([expect.stringContaining('could not store the audit record connector.token.denied')]);
    for (const value of [MAILBOX, MASTER_PASSWORD, connectorId]) expect(lines.join('\n')).not.toContain(value);
  });
});

import { CONNECTOR_REPOSITORY, type ConnectorRepository, SECRET_VAULT, type SecretVault } from '@ferry/connectors/application';
import type { Connector } from '@ferry/connectors/domain';
import { ConnectorKind, ImapAuth, ImapSecurity, Rpc } from '@ferry/contracts';
import { type ConnectorsService, ORG, startConnectorsService } from '../service/connectors-service.fixture';

jest.setTimeout(60_000);

describe('the vault on PostgreSQL', () => {
  let svc: ConnectorsService;
  let vault: SecretVault;
  let connector: Connector;
  const field = 'user/u_aaaaaaaaaaaaaaaaaaaa';

  beforeAll(async () => {
    svc = await startConnectorsService({ label: 'conn-vault', allow: ['127.0.0.1'] });
    vault = svc.app.get<SecretVault>(SECRET_VAULT);
    const { connector: created } = await svc.peer.request(Rpc.connectors.create, {
      orgId: ORG,
      name: 'IMAP',
      kind: ConnectorKind.IMAP,
      secret: '',
      settings: { case: 'imap', value: { host: '127.0.0.1', port: 993, security: ImapSecurity.IMPLICIT_TLS, auth: ImapAuth.PER_USER } },
      workloads: ['mail'],
      context: { accessToken: await svc.accessToken() },
    });
    connector = (await svc.app.get<ConnectorRepository>(CONNECTOR_REPOSITORY).get(ORG, created!.id))!;
    await vault.putUserCredentials(connector, [{ field, value: '{"refreshToken":"first-grant"}', expiresAt: null }], false, async () => undefined);
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('replaces a rotated secret only while it still holds the value the caller read (compare-and-set)', async () => {
    // A refresh of an old grant finishing after the user granted again must not bring the old one back.
    expect(await vault.replace(connector, field, '{"refreshToken":"rotated-old"}', '{"refreshToken":"not-what-is-stored"}')).toBe(false);
    expect(await vault.open(connector, field)).toBe('{"refreshToken":"first-grant"}');
    expect(await vault.replace(connector, field, '{"refreshToken":"rotated"}', '{"refreshToken":"first-grant"}')).toBe(true);
    expect(await vault.open(connector, field)).toBe('{"refreshToken":"rotated"}');
  });

  it("keeps the connector's version when user credentials are stored, so other users' cached tokens stay valid", async () => {
    const before = (await svc.app.get<ConnectorRepository>(CONNECTOR_REPOSITORY).get(ORG, connector.id))!.version;
    expect(await vault.putUserCredentials(connector, [{ field: 'user/u_bbbbbbbbbbbbbbbbbbbb', value: '{}', expiresAt: null }], false, async () => undefined)).toBe(true);
    expect((await svc.app.get<ConnectorRepository>(CONNECTOR_REPOSITORY).get(ORG, connector.id))!.version).toBe(before);
    expect(await vault.countUserCredentials(ORG, connector.id)).toBe(2);
  });

  it('stores more user credentials than fit one INSERT on SQL Server (2,100 parameters) in chunks', async () => {
    const many = Array.from({ length: 450 }, (_, i) => ({ field: `user/u_${String(i).padStart(20, 'c')}`, value: `{"n":${i}}`, expiresAt: null }));
    expect(await vault.putUserCredentials(connector, many, true, async () => undefined)).toBe(true);
    expect(await vault.countUserCredentials(ORG, connector.id)).toBe(450);
  });
});

describe('purging a project on PostgreSQL', () => {
  let svc: ConnectorsService;

  beforeAll(async () => {
    svc = await startConnectorsService({ label: 'conn-vault-purge', allow: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('leaves alone a connector whose tag changed after the purge listed it', async () => {
    const create = async (name: string) =>
      (
        await svc.peer.request(Rpc.connectors.create, {
          orgId: ORG,
          name,
          kind: ConnectorKind.IMAP,
          secret: 'master-password-1',
          projectTag: 'wave-1',
          settings: { case: 'imap', value: { host: '127.0.0.1', port: 993, security: ImapSecurity.IMPLICIT_TLS, auth: ImapAuth.MASTER_USER, masterUser: 'ferry' } },
          workloads: ['mail'],
          context: { accessToken: await svc.accessToken() },
        })
      ).connector!.id;
    const [kept, purged] = [await create('re-tagged meanwhile'), await create('still tagged')];
    const repository = svc.app.get<ConnectorRepository>(CONNECTOR_REPOSITORY);
    const listed = await repository.listByProject(ORG, 'wave-1');
    // Between the listing and the purge, an operator moves one connector to another project.
    await svc.peer.request(Rpc.connectors.update, { ref: { orgId: ORG, connectorId: kept, context: { accessToken: await svc.accessToken() } }, projectTag: 'wave-2' });
    expect(await svc.app.get<SecretVault>(SECRET_VAULT).purge(listed, async () => undefined)).toBe(1);
    expect((await repository.get(ORG, kept))?.status).toBe('active');
    expect((await repository.get(ORG, purged))?.status).toBe('credentials-removed');
  });
});

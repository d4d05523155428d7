import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AuditUnavailableError,
  CreateConnectorCommand,
  CreateConnectorUseCase,
  InvalidCommandError,
  ListConnectorsUseCase,
} from '@ferry/connectors/application';
import type { Connector, ConnectorKindName } from '@ferry/connectors/domain';
import { ConnectorKind, Rpc, RpcErrorCode } from '@ferry/contracts';
import { AccessTokenVerifier, authorizeCall } from '@ferry/platform/auth';
import { MessagingClient, RpcException } from '@ferry/platform/messaging';

const KINDS: Record<ConnectorKind, ConnectorKindName | undefined> = {
  [ConnectorKind.UNSPECIFIED]: undefined,
  [ConnectorKind.MICROSOFT_365]: 'microsoft-365',
  [ConnectorKind.GOOGLE_WORKSPACE]: 'google-workspace',
  [ConnectorKind.IMAP]: 'imap',
};

function toMessage(c: Connector) {
  const kind = (Object.entries(KINDS).find(([, name]) => name === c.kind)?.[0] ?? '0') as `${ConnectorKind}`;
  return {
    id: c.id,
    orgId: c.orgId,
    name: c.name,
    kind: Number(kind) as ConnectorKind,
    createdAt: timestampFromDate(c.createdAt),
    secretFingerprint: c.secretFingerprint,
  };
}

/** Serves the connectors RPC subjects: validates, builds a command, delegates. */
@Injectable()
export class ConnectorsRpcHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(CreateConnectorUseCase) private readonly create: CreateConnectorUseCase,
    @Inject(ListConnectorsUseCase) private readonly list: ListConnectorsUseCase,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
  ) {}

  onApplicationBootstrap(): void {
    void this.messaging.serve(Rpc.connectors.create, async (req) => {
      // The gateway checked the token too; a service trusts only what identity signed.
      const claims = await authorizeCall(this.verifier, req.context?.accessToken ?? '', 'connectors.manage', req.orgId.toLowerCase());
      let command: CreateConnectorCommand;
      try {
        command = CreateConnectorCommand.create({
          orgId: req.orgId,
          name: req.name,
          kind: KINDS[req.kind],
          secret: req.secret,
          actorId: claims.accountId,
          sourceAddress: req.context?.sourceAddress ?? '',
          userAgent: req.context?.userAgent ?? '',
        });
      } catch (err) {
        if (err instanceof InvalidCommandError) {
          throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'invalid connector', [...err.violations]);
        }
        throw err;
      }
      try {
        return { connector: toMessage(await this.create.execute(command)) };
      } catch (err) {
        if (err instanceof AuditUnavailableError) throw new RpcException(RpcErrorCode.UNAVAILABLE, err.message);
        throw err;
      }
    });
    void this.messaging.serve(Rpc.connectors.list, async (req) => {
      if (!/^[0-9a-f-]{36}$/i.test(req.orgId)) {
        throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'invalid organisation', [{ field: 'org_id', reason: 'must be a UUID' }]);
      }
      await authorizeCall(this.verifier, req.context?.accessToken ?? '', 'connectors.read', req.orgId.toLowerCase());
      return { connectors: (await this.list.execute(req.orgId.toLowerCase())).map(toMessage) };
    });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { ConnectorKind, ConnectorStatus, Rpc, RpcErrorCode } from '@ferry/contracts';
import type { ConnectorDirectory, ConnectorInfo, ControlCaller } from '@ferry/migration/application';
import type { MailSystem } from '@ferry/migration/domain';
import { MessagingClient, RpcFailure } from '@ferry/platform/messaging';

const SYSTEM: Partial<Record<ConnectorKind, MailSystem>> = {
  [ConnectorKind.GOOGLE_WORKSPACE]: 'google',
  [ConnectorKind.MICROSOFT_365]: 'microsoft',
  [ConnectorKind.IMAP]: 'imap',
};

/**
 * Asks the connectors service (`connectors.v1.rpc.get`) about a connector, forwarding the caller's
 * token: the connectors service verifies it again and applies its own permission (connectors.read)
 * and organisation scope. NOT_FOUND is "no such connector"; other failures propagate as they are.
 */
@Injectable()
export class NatsConnectorDirectory implements ConnectorDirectory {
  constructor(@Inject(MessagingClient) private readonly messaging: MessagingClient) {}

  async connector(orgId: string, connectorId: string, caller: ControlCaller): Promise<ConnectorInfo | null> {
    try {
      const r = await this.messaging.request(Rpc.connectors.get, {
        orgId,
        connectorId,
        context: {
          actorId: caller.accountId,
          accessToken: caller.accessToken,
          sourceAddress: caller.sourceAddress,
          userAgent: caller.userAgent,
        },
      });
      const c = r.connector;
      if (!c) return null;
      return {
        id: c.id,
        system: SYSTEM[c.kind] ?? null,
        workloads: [...c.workloads],
        usable: c.status !== ConnectorStatus.CREDENTIALS_REMOVED,
      };
    } catch (err) {
      if (err instanceof RpcFailure && err.code === RpcErrorCode.NOT_FOUND) return null;
      throw err;
    }
  }
}

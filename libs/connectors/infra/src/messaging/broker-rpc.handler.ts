import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { IssueImapLoginUseCase, IssueTokenUseCase } from '@ferry/connectors/application';
import { Rpc } from '@ferry/contracts';
import { MessagingClient } from '@ferry/platform/messaging';
import { imapSettingsMessage } from './connector.message';
import { asRpc } from './rpc-errors';

/** Serves the token broker's subjects to Ferry services (each request carries a service assertion). */
@Injectable()
export class BrokerRpcHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(IssueTokenUseCase) private readonly issueToken: IssueTokenUseCase,
    @Inject(IssueImapLoginUseCase) private readonly issueImapLogin: IssueImapLoginUseCase,
  ) {}

  onApplicationBootstrap(): void {
    void this.messaging.serve(Rpc.broker.token, (req) =>
      asRpc(async () => {
        const { token, connectorVersion } = await this.issueToken.execute(req);
        return { accessToken: token.accessToken, expiresAt: timestampFromDate(token.expiresAt), granted: [...token.granted], connectorVersion };
      }),
    );
    void this.messaging.serve(Rpc.broker.imapLogin, (req) =>
      asRpc(async () => {
        const login = await this.issueImapLogin.execute(req);
        return { server: imapSettingsMessage(login.server), username: login.username, password: login.password, connectorVersion: login.connectorVersion };
      }),
    );
  }
}

import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  type CallbackSource,
  CompleteConsentUseCase,
  CompleteDelegationUseCase,
  ReadConnectorsUseCase,
  StartConsentUseCase,
  StartDelegationUseCase,
} from '@ferry/connectors/application';
import { type RequestContext, Rpc } from '@ferry/contracts';
import { AccessTokenVerifier } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import { connectorMessage } from './connector.message';
import { rpcCaller } from './rpc-caller';
import { asRpc } from './rpc-errors';

/** Only where an unauthenticated callback came from: it has no token, and nothing else of it is trusted. */
function sourceOf(context: RequestContext | undefined): CallbackSource {
  return { sourceAddress: context?.sourceAddress ?? '', userAgent: context?.userAgent ?? '' };
}

/**
 * Serves admin consent (start, Entra's consent callback, the confirming sign-in's callback) and
 * delegated grants. Starting needs connectors.manage (verified again here); completing is
 * unauthenticated, since a provider's redirect carries no Ferry token: the single-use state (and,
 * for the confirming sign-in and a grant, the PKCE verifier sealed with it; for a grant, the
 * starting browser's binding) is the authority.
 */
@Injectable()
export class OnboardingRpcHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
    @Inject(StartConsentUseCase) private readonly startConsent: StartConsentUseCase,
    @Inject(CompleteConsentUseCase) private readonly completeConsent: CompleteConsentUseCase,
    @Inject(StartDelegationUseCase) private readonly startDelegation: StartDelegationUseCase,
    @Inject(CompleteDelegationUseCase) private readonly completeDelegation: CompleteDelegationUseCase,
    @Inject(ReadConnectorsUseCase) private readonly read: ReadConnectorsUseCase,
  ) {}

  onApplicationBootstrap(): void {
    void this.messaging.serve(Rpc.connectors.startConsent, async (req) => {
      const caller = await rpcCaller(this.verifier, req.orgId, req.context, 'connectors.manage');
      return asRpc(async () => {
        const { connector, consentUrl } = await this.startConsent.execute({ orgId: req.orgId, name: req.name, workloads: req.workloads, projectTag: req.projectTag, caller });
        return { connector: connectorMessage(connector, await this.read.view(connector)), consentUrl };
      });
    });
    void this.messaging.serve(Rpc.connectors.completeConsent, (req) =>
      asRpc(async () => {
        // Not active yet: the gateway sends the browser on to the sign-in that confirms who consented.
        const { connector, continueUrl } = await this.completeConsent.execute({ query: req.query, source: sourceOf(req.context) });
        return { orgId: connector.orgId, connectorId: connector.id, userCredentialCount: 0, continueUrl };
      }),
    );
    void this.messaging.serve(Rpc.connectors.verifyConsent, (req) =>
      asRpc(async () => {
        const connector = await this.completeConsent.verify({ query: req.query, source: sourceOf(req.context) });
        return { orgId: connector.orgId, connectorId: connector.id, userCredentialCount: 0, continueUrl: '' };
      }),
    );
    void this.messaging.serve(Rpc.connectors.startDelegation, async (req) => {
      const ref = req.ref;
      const caller = await rpcCaller(this.verifier, ref?.orgId ?? '', ref?.context, 'connectors.manage');
      return asRpc(() => this.startDelegation.execute({ orgId: ref?.orgId ?? '', connectorId: ref?.connectorId ?? '', loginHint: req.loginHint, caller }));
    });
    void this.messaging.serve(Rpc.connectors.completeDelegation, (req) =>
      asRpc(async () => {
        const { connector, userCredentialCount } = await this.completeDelegation.execute({ query: req.query, browserBinding: req.browserBinding, source: sourceOf(req.context) });
        return { orgId: connector.orgId, connectorId: connector.id, userCredentialCount };
      }),
    );
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { type Connector, userCredentialField } from '@ferry/connectors/domain';
import { safeProviderCode } from '@ferry/providers/core';
import { auditBeforeCommit } from '../caller';
import { OnboardingRefusedError } from '../connectors.errors';
import {
  CLOCK,
  type Clock,
  CONNECTOR_AUDIT_TRAIL,
  CONNECTOR_REPOSITORY,
  type ConnectorAuditTrail,
  type ConnectorRepository,
  FINGERPRINTER,
  type Fingerprinter,
  SECRET_VAULT,
  type SecretVault,
  TOKEN_SOURCE,
  type TokenSource,
} from '../connector.ports';
import { credentialAccess } from '../connectors/credential-access';
import { auditFailures, type CallbackDeps, callbackEntry, type CallbackSource, checkBrowserBinding, single, spendCallbackState } from './onboarding-callback';
import { DELEGATION_PROVIDER, type DelegationProvider, ONBOARDING_STORE, type OnboardingStore, type OnboardingTransaction } from './onboarding.ports';
import { isDelegated } from './start-delegation.usecase';

/** A delegated grant as the vault keeps it: what the tenant adapters' `acquire` reads back. */
export function grantSecret(refreshToken: string): string {
  return JSON.stringify({ refreshToken });
}

/** A provider's redirect after a user's grant, and the browser binding that came with it ('' for none). */
export interface CompleteDelegationInput {
  readonly query: string;
  readonly browserBinding: string;
  readonly source: CallbackSource;
}

/**
 * The provider's redirect after a user's grant: the single-use state, the browser binding the flow
 * was started with, and the PKCE verifier sealed with the state authorise redeeming the code. The
 * binding is checked here, not by the gateway, so that nothing able to publish the completion on the
 * bus can complete a grant outside the browser that started it (login CSRF in reverse). The grant is
 * keyed by the pseudonym of the account in the provider's verified ID token (never by anything in
 * the query), and its refresh token is sealed in the vault as that user's credential, replacing an
 * earlier grant of the same user.
 */
@Injectable()
export class CompleteDelegationUseCase {
  private readonly deps: CallbackDeps;

  constructor(
    @Inject(ONBOARDING_STORE) store: OnboardingStore,
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(SECRET_VAULT) private readonly vault: SecretVault,
    @Inject(TOKEN_SOURCE) private readonly tokens: TokenSource,
    @Inject(DELEGATION_PROVIDER) private readonly delegation: DelegationProvider,
    @Inject(FINGERPRINTER) private readonly fingerprinter: Fingerprinter,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.deps = { store, audit, clock };
  }

  async execute(input: CompleteDelegationInput): Promise<{ connector: Connector; userCredentialCount: number }> {
    const { transaction, params } = await spendCallbackState(this.deps, 'delegation', input.query, input.source);
    return auditFailures(this.deps, 'delegation', transaction, input.source, async () => {
      // First, before the provider's answer is even read: in another browser, nothing of it counts.
      const binding = checkBrowserBinding(transaction.bindingHash, input.browserBinding);
      if (binding !== 'bound') throw new OnboardingRefusedError('other-browser', { binding });
      const error = params.get('error');
      if (error !== null) throw new OnboardingRefusedError(DECLINED.has(error) ? 'declined' : 'invalid-callback', errorDetail(error));
      const code = single(params, 'code');
      if (code === undefined || code.length === 0 || code.length > 4096 || transaction.codeVerifier === null) throw new OnboardingRefusedError('invalid-callback');
      const connector = await this.usable(transaction);
      const grant = await this.delegation.redeem(
        connector,
        { code, codeVerifier: transaction.codeVerifier, scopes: this.tokens.scopesFor(connector, connector.workloads) },
        credentialAccess(this.vault, connector),
      );
      if (!grant.refreshToken) throw new OnboardingRefusedError('no-refresh-token');
      const subject = this.fingerprinter.pseudonym(grant.account.username);
      if (transaction.expectedSubject !== null && transaction.expectedSubject !== subject) throw new OnboardingRefusedError('account-mismatch', { subject });
      const secret = { field: userCredentialField(subject), value: grantSecret(grant.refreshToken), expiresAt: null };
      // Other users' grants do not move the connector's version, so concurrent grants do not collide.
      const granted = callbackEntry('delegation', transaction, 'success', input.source, { subject, startedBy: transaction.startedBy });
      if (!(await this.vault.putUserCredentials(connector, [secret], false, auditBeforeCommit(this.audit, [granted])))) {
        throw new OnboardingRefusedError('connector-changed');
      }
      return { connector, userCredentialCount: await this.vault.countUserCredentials(connector.orgId, connector.id) };
    });
  }

  private async usable(transaction: OnboardingTransaction): Promise<Connector> {
    const connector = await this.connectors.get(transaction.orgId, transaction.connectorId);
    if (!connector || connector.status !== 'active' || !isDelegated(connector)) throw new OnboardingRefusedError('connector-changed');
    return connector;
  }
}

/** OAuth error codes that mean the user (or a policy) said no, rather than a broken exchange. */
const DECLINED = new Set(['access_denied', 'consent_required', 'interaction_required']);

function errorDetail(error: string): Record<string, string> {
  const code = safeProviderCode(error);
  return code ? { providerCode: code } : {};
}

import { Inject, Injectable } from '@nestjs/common';
import { type Connector, hasControlCharacter } from '@ferry/connectors/domain';
import { auditBeforeCommit, type CallerInfo, changeEntry } from '../caller';
import { ConnectorNotFoundError, ConnectorStateError, InvalidCommandError } from '../connectors.errors';
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
import { connectorRef } from '../connectors/connector-ref';
import { credentialAccess } from '../connectors/credential-access';
import { newBrowserBinding, newState, ONBOARDING_TTL_MS, pkcePair, stateHashOf } from './onboarding-callback';
import { DELEGATION_PROVIDER, type DelegationProvider, ONBOARDING_STORE, type OnboardingStore } from './onboarding.ports';

export interface StartDelegationInput {
  readonly orgId: string;
  readonly connectorId: string;
  /** The account the grant is for ('' for whoever signs in): preselected at the provider, and required on the way back. */
  readonly loginHint: string;
  readonly caller: CallerInfo;
}

/** Whether a connector takes per-user OAuth grants. */
export function isDelegated(connector: Connector): boolean {
  return (connector.settings.kind === 'microsoft-365' || connector.settings.kind === 'google-workspace') && connector.settings.auth === 'delegated';
}

/** A started grant: the link to open, and the binding the starting browser must bring back. */
export interface StartedDelegation {
  readonly authorizationUrl: string;
  /** Goes into the starting browser's HttpOnly cookie; only its hash is stored. */
  readonly browserBinding: string;
}

/**
 * Starts one user's delegated grant: the provider's authorization URL with a single-use state and a
 * PKCE S256 challenge (the verifier is stored sealed), asking for the scopes of the connector's
 * workloads, and a browser binding that completing it requires. The service makes the binding
 * (rather than taking one from the caller) so that its randomness never depends on the caller.
 * Audited with who started it; the login hint appears only as a pseudonym.
 */
@Injectable()
export class StartDelegationUseCase {
  constructor(
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(SECRET_VAULT) private readonly vault: SecretVault,
    @Inject(TOKEN_SOURCE) private readonly tokens: TokenSource,
    @Inject(DELEGATION_PROVIDER) private readonly delegation: DelegationProvider,
    @Inject(ONBOARDING_STORE) private readonly store: OnboardingStore,
    @Inject(FINGERPRINTER) private readonly fingerprinter: Fingerprinter,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(input: StartDelegationInput): Promise<StartedDelegation> {
    const { orgId, connectorId } = connectorRef(input.orgId, input.connectorId);
    const hint = input.loginHint.trim().toLowerCase();
    if (hint.length > 254 || hasControlCharacter(hint) || /\s/.test(hint)) throw new InvalidCommandError([{ field: 'loginHint', reason: 'must be a sign-in name (an address)' }]);
    const connector = await this.connectors.get(orgId, connectorId);
    if (!connector) throw new ConnectorNotFoundError();
    if (!isDelegated(connector)) throw new ConnectorStateError('only delegated connectors take per-user grants');
    if (connector.status !== 'active') throw new ConnectorStateError(`the connector is ${connector.status}`);
    const scopes = this.tokens.scopesFor(connector, connector.workloads);
    if (scopes.length === 0) throw new ConnectorStateError('no workload of this connector needs a per-user grant');
    const state = newState();
    const pkce = pkcePair();
    const browser = newBrowserBinding();
    const authorizationUrl = await this.delegation.authorizationUrl(
      connector,
      { state, codeChallenge: pkce.challenge, scopes, loginHint: hint === '' ? null : hint },
      credentialAccess(this.vault, connector),
    );
    const now = this.clock.now();
    const expectedSubject = hint === '' ? null : this.fingerprinter.pseudonym(hint);
    await auditBeforeCommit(this.audit, [
      changeEntry(input.caller, orgId, connectorId, 'connector.delegation.started', expectedSubject ? { subject: expectedSubject } : {}),
    ])();
    await this.store.insert({
      stateHash: stateHashOf(state),
      kind: 'delegation',
      orgId,
      connectorId,
      codeVerifier: pkce.verifier,
      expectedSubject,
      bindingHash: browser.hash,
      startedBy: input.caller.accountId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ONBOARDING_TTL_MS),
    });
    this.store.purgeExpired(now).catch(() => undefined);
    return { authorizationUrl, browserBinding: browser.binding };
  }
}

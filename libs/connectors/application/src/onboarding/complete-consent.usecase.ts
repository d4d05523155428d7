import { Inject, Injectable } from '@nestjs/common';
import type { Connector, MicrosoftSettings } from '@ferry/connectors/domain';
import { ProviderError, safeProviderCode } from '@ferry/providers/core';
import { auditBeforeCommit } from '../caller';
import { OnboardingRefusedError } from '../connectors.errors';
import { CLOCK, type Clock, CONNECTOR_AUDIT_TRAIL, CONNECTOR_REPOSITORY, type ConnectorAuditTrail, type ConnectorRepository } from '../connector.ports';
import { canGrantAdminConsent } from './consent-admin-roles';
import { auditFailures, type CallbackDeps, callbackEntry, type CallbackSource, newState, pkcePair, single, spendCallbackState, stateHashOf } from './onboarding-callback';
import { INSTALLATION_APP, type InstallationApp, ONBOARDING_STORE, type OnboardingStore } from './onboarding.ports';

/** How long the verification sign-in link stays valid: the administrator is at the browser already. */
export const CONSENT_VERIFY_TTL_MS = 10 * 60_000;

/** Where Entra's admin-consent redirect leads: the connector waits for the verifying sign-in. */
export interface ConsentContinuation {
  readonly connector: Connector;
  /** The OIDC sign-in at the named tenant that the same browser must go through next. */
  readonly continueUrl: string;
}

/** Whether a connector is still the pending admin-consent connector a flow was started for. */
function isPendingConsent(connector: Connector | null): connector is Connector & { settings: MicrosoftSettings } {
  return connector !== null && connector.status === 'pending-consent' && connector.settings.kind === 'microsoft-365' && connector.settings.auth === 'admin-consent';
}

/**
 * Entra's redirect after admin consent. The query arrives through a browser and is not signed: the
 * tenant it names is anyone's claim (tenant ids are public). So nothing is activated here. The
 * single-use state names the organisation and the pending connector; a tenant bound to another
 * organisation is refused at once; otherwise the answer is a continuation: an OIDC sign-in with the
 * installation app at that tenant's own authority, with a fresh single-use state and PKCE bound to
 * this flow. Only an account of the named tenant can sign in there.
 *
 * `verify` takes Entra's redirect after that sign-in. The code is redeemed with the installation app
 * at the named tenant, with the PKCE verifier sealed with the flow's state; the verified ID token must
 * name that tenant and a user holding a directory role that can grant tenant-wide admin consent. Then
 * the tenant must still be held by no other organisation and give the app an app-only token, and the
 * connector turns active in the transaction that binds the tenant to its organisation.
 */
@Injectable()
export class CompleteConsentUseCase {
  private readonly deps: CallbackDeps;

  constructor(
    @Inject(ONBOARDING_STORE) private readonly store: OnboardingStore,
    @Inject(INSTALLATION_APP) private readonly app: InstallationApp,
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.deps = { store, audit, clock };
  }

  async execute(input: { query: string; source: CallbackSource }): Promise<ConsentContinuation> {
    const { transaction, params } = await spendCallbackState(this.deps, 'consent', input.query, input.source);
    return auditFailures(this.deps, 'consent', transaction, input.source, async () => {
      const tenantId = this.tenantOf(params);
      const connector = await this.connectors.get(transaction.orgId, transaction.connectorId);
      if (!isPendingConsent(connector)) throw new OnboardingRefusedError('connector-changed');
      // Checked before anyone is asked to sign in; checked again (and settled by the store) on activation.
      if (await this.store.tenantHeldElsewhere(connector.orgId, tenantId)) throw new OnboardingRefusedError('tenant-held-elsewhere', { tenantId });
      const state = newState();
      const pkce = pkcePair();
      // Built before anything is stored: a link that cannot be made leaves no transaction behind.
      const continueUrl = this.app.verificationUrl(tenantId, { state, codeChallenge: pkce.challenge });
      const now = this.clock.now();
      await this.store.insert({
        stateHash: stateHashOf(state),
        kind: 'consent-verify',
        orgId: transaction.orgId,
        connectorId: transaction.connectorId,
        codeVerifier: pkce.verifier,
        expectedSubject: tenantId,
        bindingHash: null,
        startedBy: transaction.startedBy,
        createdAt: now,
        expiresAt: new Date(now.getTime() + CONSENT_VERIFY_TTL_MS),
      });
      return { connector, continueUrl };
    });
  }

  async verify(input: { query: string; source: CallbackSource }): Promise<Connector> {
    const { transaction, params } = await spendCallbackState(this.deps, 'consent-verify', input.query, input.source);
    return auditFailures(this.deps, 'consent-verify', transaction, input.source, async () => {
      const tenantId = transaction.expectedSubject ?? '';
      const code = this.codeOf(params);
      // Spent transactions keep no verifier; a spent one never gets here, but a row without one is refused.
      if (!transaction.codeVerifier || tenantId === '') throw new OnboardingRefusedError('expired-or-used');
      const connector = await this.connectors.get(transaction.orgId, transaction.connectorId);
      if (!isPendingConsent(connector)) throw new OnboardingRefusedError('connector-changed');
      const signIn = await this.app.verifySignIn(tenantId, { code, codeVerifier: transaction.codeVerifier });
      if (signIn.tenantId.toLowerCase() !== tenantId.toLowerCase()) throw new OnboardingRefusedError('tenant-mismatch', { tenantId });
      if (!canGrantAdminConsent(signIn.directoryRoles)) throw new OnboardingRefusedError('not-an-admin', { tenantId });
      if (await this.store.tenantHeldElsewhere(connector.orgId, tenantId)) throw new OnboardingRefusedError('tenant-held-elsewhere', { tenantId });
      const settings: MicrosoftSettings = { ...connector.settings, tenantId };
      await this.app.verifyConsent(settings);
      const next: Connector = { ...connector, settings, status: 'active', version: connector.version + 1, updatedAt: this.clock.now() };
      const granted = callbackEntry('consent-verify', transaction, 'success', input.source, { tenantId, startedBy: transaction.startedBy });
      const activation = await this.store.activateConsent(next, connector.version, auditBeforeCommit(this.audit, [granted]));
      if (activation === 'tenant-held-elsewhere') throw new OnboardingRefusedError('tenant-held-elsewhere', { tenantId });
      if (activation === 'connector-changed') throw new OnboardingRefusedError('connector-changed');
      return next;
    });
  }

  /** The authorization code, or the refusal Entra's error answer means (its machine code only). */
  private codeOf(params: URLSearchParams): string {
    const error = params.get('error');
    if (error !== null) {
      const providerCode = safeProviderCode(error);
      throw new OnboardingRefusedError('declined', providerCode ? { providerCode } : {});
    }
    const code = single(params, 'code');
    if (code === undefined || code.length === 0 || code.length > 4096) throw new OnboardingRefusedError('invalid-callback');
    return code;
  }

  private tenantOf(params: URLSearchParams): string {
    try {
      return this.app.readConsentCallback(params).tenantId;
    } catch (err) {
      if (err instanceof ProviderError && err.code === 'not-authorized') throw new OnboardingRefusedError('declined', err.details.providerCode ? { providerCode: err.details.providerCode } : {});
      if (err instanceof ProviderError && err.code === 'invalid-input') throw new OnboardingRefusedError('invalid-callback');
      throw err;
    }
  }
}

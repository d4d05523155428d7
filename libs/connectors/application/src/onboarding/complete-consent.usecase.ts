import { Inject, Injectable } from '@nestjs/common';
import type { Connector, MicrosoftSettings } from '@ferry/connectors/domain';
import { ProviderError } from '@ferry/providers/core';
import { auditBeforeCommit } from '../caller';
import { OnboardingRefusedError } from '../connectors.errors';
import { CLOCK, type Clock, CONNECTOR_AUDIT_TRAIL, CONNECTOR_REPOSITORY, type ConnectorAuditTrail, type ConnectorRepository } from '../connector.ports';
import { auditFailures, type CallbackDeps, callbackEntry, type CallbackSource, spendCallbackState } from './onboarding-callback';
import { INSTALLATION_APP, type InstallationApp, ONBOARDING_STORE, type OnboardingStore } from './onboarding.ports';

/**
 * Entra's redirect after admin consent. The query arrives through a browser and is not signed, so
 * nothing in it is trusted beyond what is checked: the single-use state names the organisation and
 * the pending connector; the tenant it names must not be bound to another organisation, and must
 * really have granted the app (an app-only token is issued there) before the connector turns active.
 * The connector turns active in the same transaction that binds the tenant to the organisation.
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

  async execute(input: { query: string; source: CallbackSource }): Promise<Connector> {
    const { transaction, params } = await spendCallbackState(this.deps, 'consent', input.query, input.source);
    return auditFailures(this.deps, 'consent', transaction, input.source, async () => {
      const tenantId = this.tenantOf(params);
      const connector = await this.connectors.get(transaction.orgId, transaction.connectorId);
      if (!connector || connector.status !== 'pending-consent' || connector.settings.kind !== 'microsoft-365' || connector.settings.auth !== 'admin-consent') {
        throw new OnboardingRefusedError('connector-changed');
      }
      // Checked before Entra is asked anything; the store's constraint settles a race past this check.
      if (await this.store.tenantHeldElsewhere(connector.orgId, tenantId)) throw new OnboardingRefusedError('tenant-held-elsewhere', { tenantId });
      const settings: MicrosoftSettings = { ...connector.settings, tenantId };
      await this.app.verifyConsent(settings);
      const next: Connector = { ...connector, settings, status: 'active', version: connector.version + 1, updatedAt: this.clock.now() };
      const granted = callbackEntry('consent', transaction, 'success', input.source, { tenantId, startedBy: transaction.startedBy });
      const activation = await this.store.activateConsent(next, connector.version, auditBeforeCommit(this.audit, [granted]));
      if (activation === 'tenant-held-elsewhere') throw new OnboardingRefusedError('tenant-held-elsewhere', { tenantId });
      if (activation === 'connector-changed') throw new OnboardingRefusedError('connector-changed');
      return next;
    });
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

import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type Connector, type ConnectorWorkload, UUID_PATTERN, validateName, validateProjectTag, validateWorkloads, type Violation } from '@ferry/connectors/domain';
import { auditBeforeCommit, type CallerInfo, changeEntry } from '../caller';
import { InvalidCommandError } from '../connectors.errors';
import { CLOCK, type Clock, CONNECTOR_AUDIT_TRAIL, type ConnectorAuditTrail } from '../connector.ports';
import { newState, ONBOARDING_TTL_MS, stateHashOf } from './onboarding-callback';
import { INSTALLATION_APP, type InstallationApp, ONBOARDING_STORE, type OnboardingStore } from './onboarding.ports';

export interface StartConsentInput {
  readonly orgId: string;
  readonly name: string;
  readonly workloads: readonly string[];
  /** '' for none. */
  readonly projectTag: string;
  readonly caller: CallerInfo;
}

/**
 * Creates a Microsoft 365 connector that waits for an administrator's consent to the installation's
 * multi-tenant app, and the single-use link to send that administrator (valid 30 minutes). Nobody
 * types a secret or a tenant id: the tenant comes back with the consent.
 */
@Injectable()
export class StartConsentUseCase {
  constructor(
    @Inject(ONBOARDING_STORE) private readonly store: OnboardingStore,
    @Inject(INSTALLATION_APP) private readonly app: InstallationApp,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(input: StartConsentInput): Promise<{ connector: Connector; consentUrl: string }> {
    const projectTag = input.projectTag === '' ? null : input.projectTag;
    const violations: Violation[] = [
      ...(UUID_PATTERN.test(input.orgId) ? [] : [{ field: 'orgId', reason: 'must be a UUID' }]),
      ...validateName(input.name),
      ...validateWorkloads(input.workloads),
      ...validateProjectTag(projectTag),
    ];
    if (violations.length > 0) throw new InvalidCommandError(violations);
    const settings = this.app.consentSettings();
    const now = this.clock.now();
    const connector: Connector = {
      id: randomUUID(),
      orgId: input.orgId.toLowerCase(),
      name: input.name.trim(),
      kind: 'microsoft-365',
      settings,
      workloads: input.workloads as ConnectorWorkload[],
      projectTag,
      status: 'pending-consent',
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const state = newState();
    // Built before anything is stored: a link that cannot be made leaves no pending connector behind.
    const consentUrl = this.app.consentUrl(state);
    await this.store.insertWithConnector(
      connector,
      { stateHash: stateHashOf(state), kind: 'consent', orgId: connector.orgId, connectorId: connector.id, codeVerifier: null, expectedSubject: null, bindingHash: null, startedBy: input.caller.accountId, createdAt: now, expiresAt: new Date(now.getTime() + ONBOARDING_TTL_MS) },
      auditBeforeCommit(this.audit, [changeEntry(input.caller, connector.orgId, connector.id, 'connector.created', { kind: connector.kind, auth: 'admin-consent' })]),
    );
    // Housekeeping rides on starts; a failure here must not fail the start.
    this.store.purgeExpired(now).catch(() => undefined);
    return { connector, consentUrl };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { IssuedToken } from '@ferry/providers/core';
import { AuditUnavailableError, BrokerDeniedError, InvalidCommandError } from '../connectors.errors';
import {
  CONNECTOR_AUDIT_TRAIL,
  CONNECTOR_REPOSITORY,
  type ConnectorAuditTrail,
  type ConnectorRepository,
  FINGERPRINTER,
  type Fingerprinter,
  SECRET_VAULT,
  SERVICE_AUTHENTICATOR,
  type SecretVault,
  type ServiceAuthenticator,
  TOKEN_SOURCE,
  type TokenSource,
} from '../connector.ports';
import { credentialAccess } from '../connectors/credential-access';
import { admit, serviceEntry } from './broker-request';
import { TokenCache } from './token-cache';

export const BROKER_TOKEN_CACHE = Symbol('BrokerTokenCache');

export interface IssueTokenInput {
  readonly serviceToken: string;
  readonly orgId: string;
  readonly connectorId: string;
  readonly scopes: readonly string[];
  readonly subject: string;
}

export interface IssuedForService {
  readonly token: IssuedToken;
  readonly connectorVersion: number;
  readonly cached: boolean;
}

const MAX_SCOPES = 32;

/**
 * The token broker: a Ferry service that proved who it is gets a short-lived token for a connector of
 * the organisation its work belongs to, limited to the workloads both the connector and the service's
 * grant allow. Tokens are cached until shortly before expiry and refreshed single-flight; each token's
 * first handover to a service is audited, and a token whose handover cannot be audited is not handed over.
 */
@Injectable()
export class IssueTokenUseCase {
  constructor(
    @Inject(SERVICE_AUTHENTICATOR) private readonly authenticator: ServiceAuthenticator,
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(SECRET_VAULT) private readonly vault: SecretVault,
    @Inject(TOKEN_SOURCE) private readonly tokens: TokenSource,
    @Inject(FINGERPRINTER) private readonly fingerprinter: Fingerprinter,
    @Inject(CONNECTOR_AUDIT_TRAIL) private readonly audit: ConnectorAuditTrail,
    @Inject(BROKER_TOKEN_CACHE) private readonly cache: TokenCache,
  ) {}

  async execute(input: IssueTokenInput): Promise<IssuedForService> {
    if (input.scopes.length > MAX_SCOPES || input.scopes.some((s) => s.length === 0 || s.length > 256)) {
      throw new InvalidCommandError([{ field: 'scopes', reason: `at most ${MAX_SCOPES} scopes of 1-256 characters` }]);
    }
    const { service, grant, connector, subject } = await admit({ authenticator: this.authenticator, connectors: this.connectors, audit: this.audit }, input, 'token');
    const workloads = connector.workloads.filter((w) => grant.workloads.includes(w));
    const allowed = this.tokens.scopesFor(connector, workloads);
    const requested = input.scopes.length === 0 ? [...allowed] : [...new Set(input.scopes)];
    const outside = requested.filter((s) => !allowed.includes(s));
    if (outside.length > 0 || requested.length === 0) {
      const reason = requested.length === 0 ? `no workload of this connector is open to ${service}` : `scopes outside what ${service} may use on this connector: ${outside.join(' ').slice(0, 300)}`;
      await this.audit.record(serviceEntry(service, connector, 'connector.token.denied', 'denied', { reason: 'scope' })).catch(() => undefined);
      throw new BrokerDeniedError(reason);
    }
    requested.sort();
    const appOnly = connector.settings.kind === 'microsoft-365' && connector.settings.auth !== 'delegated';
    const actAs = appOnly ? null : subject;
    const pseudonym = actAs ? this.fingerprinter.pseudonym(actAs) : null;
    const key = `${connector.id}:${connector.version}:${pseudonym ?? ''}:${requested.join(' ')}`;
    const { token, cached } = await this.cache.get(
      key,
      service,
      () => this.tokens.acquire(connector, { scopes: requested, subject: actAs, subjectPseudonym: pseudonym }, credentialAccess(this.vault, connector)),
      // Concurrent requests of this service wait for this audit: a handover that cannot be audited does not happen.
      (issued) =>
        this.audit
          .record(
            serviceEntry(service, connector, 'connector.token.issued', 'success', {
              scopes: requested.join(' ').slice(0, 500),
              ...(pseudonym && { subject: pseudonym }),
              expiresAt: issued.expiresAt.toISOString(),
            }),
          )
          .catch(() => {
            throw new AuditUnavailableError('the audit trail is unavailable; no token was issued');
          }),
    );
    return { token, connectorVersion: connector.version, cached };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { type Connector, type SecretAgePolicy, secretWarnings, userCredentialWarning } from '@ferry/connectors/domain';

const DAY_MS = 24 * 60 * 60 * 1000;
import { ConnectorNotFoundError } from '../connectors.errors';
import { CLOCK, type Clock, CONNECTOR_REPOSITORY, type ConnectorRepository, SECRET_VAULT, type SecretVault } from '../connector.ports';
import type { ConnectorView } from './connector-view';

export const SECRET_AGE_POLICY = Symbol('SecretAgePolicy');

/** Reads one organisation's connectors with their secrets' metadata and warnings (expired, expiring, old). */
@Injectable()
export class ReadConnectorsUseCase {
  constructor(
    @Inject(CONNECTOR_REPOSITORY) private readonly connectors: ConnectorRepository,
    @Inject(SECRET_VAULT) private readonly vault: SecretVault,
    @Inject(SECRET_AGE_POLICY) private readonly policy: SecretAgePolicy,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(orgId: string): Promise<ConnectorView[]> {
    const all = await this.connectors.list(orgId.toLowerCase());
    return Promise.all(all.map((c) => this.view(c)));
  }

  async get(orgId: string, id: string): Promise<ConnectorView> {
    const connector = await this.connectors.get(orgId.toLowerCase(), id.toLowerCase());
    if (!connector) throw new ConnectorNotFoundError();
    return this.view(connector);
  }

  async view(connector: Connector): Promise<ConnectorView> {
    const now = this.clock.now();
    const ageLimit = new Date(now.getTime() - this.policy.maxAgeDays * DAY_MS);
    const [secrets, userCredentialCount, oldUserCredentials] = await Promise.all([
      this.vault.metadata(connector.orgId, connector.id),
      this.vault.countUserCredentials(connector.orgId, connector.id),
      this.vault.countUserCredentialsOlderThan(connector.orgId, connector.id, ageLimit),
    ]);
    const users = userCredentialWarning(oldUserCredentials, userCredentialCount, this.policy);
    return { connector, secrets, warnings: [...secretWarnings(secrets, now, this.policy), ...(users ? [users] : [])], userCredentialCount };
  }
}

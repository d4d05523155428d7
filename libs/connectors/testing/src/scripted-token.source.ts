import type { Clock, CredentialAccess, TokenRequest, TokenSource } from '@ferry/connectors/application';
import { type Connector, type ConnectorWorkload, primarySecretField } from '@ferry/connectors/domain';
import { type IssuedToken, ProviderError } from '@ferry/providers/core';

/** The scope the fake token source assigns to each workload. */
export const FAKE_SCOPES: Readonly<Record<ConnectorWorkload, string>> = {
  mail: 'fake.mail',
  calendar: 'fake.calendar',
  contacts: 'fake.contacts',
  files: 'fake.files',
  directory: 'fake.directory',
  freebusy: 'fake.freebusy',
};

/**
 * A TokenSource that issues numbered tokens for `ttlMs`. Like a provider adapter it opens the
 * connector's primary secret through the credentials it is handed and fails without one. A test may
 * hold calls at `gate` (to overlap requests) or make them fail with `failWith`.
 */
export class ScriptedTokenSource implements TokenSource {
  readonly requests: { connectorId: string; request: TokenRequest }[] = [];
  ttlMs = 60 * 60_000;
  failWith: Error | null = null;
  gate: Promise<void> | null = null;

  constructor(private readonly clock: Clock) {}

  scopesFor(_connector: Connector, workloads: readonly string[]): readonly string[] {
    return workloads.flatMap((w) =>
      Object.hasOwn(FAKE_SCOPES, w) ? [FAKE_SCOPES[w as ConnectorWorkload]] : [],
    );
  }

  async acquire(
    connector: Connector,
    request: TokenRequest,
    credentials: CredentialAccess,
  ): Promise<IssuedToken> {
    this.requests.push({ connectorId: connector.id, request });
    const n = this.requests.length;
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    const field = primarySecretField(connector.settings);
    if (field && (await credentials.open(field)) === null)
      throw new ProviderError('invalid-credentials', 'the connector has no credential');
    return {
      accessToken: `fake-access-token-${n}`,
      expiresAt: new Date(this.clock.now().getTime() + this.ttlMs),
      granted: [...request.scopes],
    };
  }
}

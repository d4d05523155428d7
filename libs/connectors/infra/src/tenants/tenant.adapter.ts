import { ConnectorStateError, type CredentialAccess, type InspectedCredentials, type TokenRequest, type UserLoginSample } from '@ferry/connectors/application';
import type { Connector, ConnectorSettings } from '@ferry/connectors/domain';
import type { ConnectionReport, DelegatedGrant, IssuedToken } from '@ferry/providers/core';

/** What the connectors service needs from one kind of tenant; one implementation per provider. */
export interface TenantAdapter<S extends ConnectorSettings = ConnectorSettings> {
  inspect(settings: S, secret: string | null): Promise<InspectedCredentials>;
  acquire(connector: Connector & { settings: S }, request: TokenRequest, credentials: CredentialAccess): Promise<IssuedToken>;
  scopesFor(settings: S, workloads: readonly string[]): readonly string[];
  test(connector: Connector & { settings: S }, credentials: CredentialAccess, samples: readonly UserLoginSample[], sampleMailbox: string | null): Promise<ConnectionReport>;
}

/** A stored secret a provider call needs; its absence is a state the operator fixes (rotate or import). */
export async function required(credentials: CredentialAccess, field: string): Promise<string> {
  const value = await credentials.open(field);
  if (value === null) throw new ConnectorStateError(`the connector has no ${field} stored`);
  return value;
}

/** A delegated grant's start, as a tenant adapter needs it: the registered redirect URI included. */
export interface DelegationStart {
  readonly redirectUri: string;
  readonly state: string;
  readonly codeChallenge: string;
  readonly scopes: readonly string[];
  readonly loginHint: string | null;
}

/** A delegated grant's code to redeem, with the verifier and the redirect URI it was issued for. */
export interface DelegationCode {
  readonly redirectUri: string;
  readonly code: string;
  readonly codeVerifier: string;
  readonly scopes: readonly string[];
}

/** A tenant whose delegated connectors take per-user OAuth grants. */
export interface DelegatingTenant<S extends ConnectorSettings = ConnectorSettings> {
  authorizationUrl(connector: Connector & { settings: S }, start: DelegationStart, credentials: CredentialAccess): Promise<string>;
  redeem(connector: Connector & { settings: S }, code: DelegationCode, credentials: CredentialAccess): Promise<DelegatedGrant>;
}

/**
 * A sealed JSON credential with the string fields `keys`. JSON.parse's own errors quote their input,
 * which here is a secret, so a malformed value becomes a state error with Ferry's words only.
 */
export function parseStoredCredential<K extends string>(text: string, keys: readonly K[]): Record<K, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const record = value as Record<string, unknown> | undefined;
  if (!record || typeof record !== 'object' || keys.some((k) => typeof record[k] !== 'string')) {
    throw new ConnectorStateError('a stored credential of this connector is unreadable: store it again');
  }
  return record as Record<K, string>;
}

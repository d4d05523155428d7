import { ImapFlow } from 'imapflow';
import type { DestinationPolicy, ResolveAll, ResolvedDestination } from '@ferry/platform/net';
import { ProviderError } from '@ferry/providers/core';
import { DeadlineExceeded, withDeadline } from './deadline';
import { imapClientOptions } from './imap-client-options';
import { type ImapEndpoint, validateImapEndpoint } from './imap-endpoint';
import { isRouteFailure, toImapProviderError } from './imap-errors';
import { type ImapLogin, validateImapLogin } from './imap-login';

/** How {@link openImapSession} may connect. */
export interface ImapSessionOptions {
  /** The SSRF guard: the host's every address is checked before any socket is opened. */
  readonly policy: DestinationPolicy;
  /** Bounds name resolution, TCP, TLS, greeting and login together (default 20 s). */
  readonly timeoutMs?: number;
  /** Resolver override, for tests. */
  readonly lookup?: ResolveAll;
}

/** One connection attempt's outcome; the TLS version is known even when the login was refused. */
export type ImapSessionAttempt =
  | { readonly ok: true; readonly session: ImapFlow; readonly tlsVersion: string }
  | { readonly ok: false; readonly error: ProviderError; readonly tlsVersion?: string };

const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * Opens a logged-in imapflow session. The host is resolved and checked by `policy` first (loopback,
 * private and link-local addresses are refused unless allow-listed), the socket goes to a checked address,
 * and the certificate is verified against the configured host name: TLS 1.2+, no way to turn verification
 * off. In `starttls` mode the connection is upgraded before the login is sent, or refused.
 *
 * The caller owns the session and must `logout()` it. Its `error` event is handled (failures surface as
 * rejected commands and the `close` event), so an idle session that breaks cannot crash the process.
 * @throws ProviderError `invalid-input`, `destination-refused`, `unreachable` (network, TLS, timeout),
 *   `invalid-credentials` or `provider-error`; messages name the endpoint, never the login.
 */
export async function openImapSession(
  endpoint: ImapEndpoint,
  login: ImapLogin,
  options: ImapSessionOptions,
): Promise<ImapFlow> {
  const attempt = await attemptImapSession(endpoint, login, options);
  if (!attempt.ok) throw attempt.error;
  return attempt.session;
}

/** {@link openImapSession} without the throw, for connection tests that report the TLS version either way. */
export async function attemptImapSession(
  endpoint: ImapEndpoint,
  login: ImapLogin,
  options: ImapSessionOptions,
): Promise<ImapSessionAttempt> {
  const valid = validateImapEndpoint(endpoint);
  const credentials = validateImapLogin(login);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let destination: ResolvedDestination;
  try {
    destination = await withDeadline(
      options.policy.resolveDestination(valid.host, { lookup: options.lookup }),
      timeoutMs,
    );
  } catch (err) {
    return {
      ok: false,
      error: toImapProviderError(err, valid, { timedOut: err instanceof DeadlineExceeded, timeoutMs }),
    };
  }
  let outcome: ConnectOutcome | undefined;
  // A host with IPv6 and IPv4 addresses may be reachable on only one family: try the next on a refusal.
  for (const { address } of destination.addresses) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    outcome = await connectOnce(valid, address, credentials, remaining, timeoutMs);
    if (outcome.ok || !outcome.tryNext) break;
  }
  // Only when the time ran out before the first address was tried.
  if (!outcome) {
    return { ok: false, error: toImapProviderError(undefined, valid, { timedOut: true, timeoutMs }) };
  }
  const { tryNext: _tryNext, ...attempt } = outcome;
  return attempt;
}

type ConnectOutcome = ImapSessionAttempt & { readonly tryNext?: boolean };

async function connectOnce(
  endpoint: ImapEndpoint,
  address: string,
  login: ImapLogin,
  timeoutMs: number,
  /** The caller's whole limit, which errors name (`timeoutMs` is what is left of it). */
  limitMs: number,
): Promise<ConnectOutcome> {
  const client = new ImapFlow(imapClientOptions(endpoint, address, login, timeoutMs));
  client.on('error', () => undefined);
  let timedOut = false;
  // imapflow bounds the connect and the greeting; this bounds STARTTLS and the login as well.
  const timer = setTimeout(() => {
    timedOut = true;
    client.close();
  }, timeoutMs);
  try {
    await client.connect();
    const tlsVersion = client.tls ? client.tls.version : undefined;
    // doSTARTTLS/secure already guarantee it; a session without TLS must never be handed out regardless.
    if (!tlsVersion) {
      client.close();
      return {
        ok: false,
        error: new ProviderError(
          'unreachable',
          `IMAP server ${endpoint.host}:${endpoint.port}: the connection is not encrypted`,
        ),
      };
    }
    return { ok: true, session: client, tlsVersion };
  } catch (err) {
    client.close();
    const error = toImapProviderError(err, endpoint, { timedOut, timeoutMs: limitMs });
    const tlsVersion = client.tls ? client.tls.version : undefined;
    return {
      ok: false,
      error,
      ...(tlsVersion ? { tlsVersion } : {}),
      tryNext: !timedOut && isRouteFailure(err),
    };
  } finally {
    clearTimeout(timer);
  }
}

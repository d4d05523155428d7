import { DestinationRefusedError } from '@ferry/platform/net';
import { ProviderError, safeProviderCode } from '@ferry/providers/core';
import type { ImapEndpoint } from './imap-endpoint';

/** What imapflow and Node attach to their errors; read defensively, any field may be absent. */
interface ImapFailure {
  readonly code?: unknown;
  readonly authenticationFailed?: unknown;
  readonly tlsFailed?: unknown;
  readonly serverResponseCode?: unknown;
  readonly response?: unknown;
  readonly message?: unknown;
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
]);
const TIMEOUTS = new Set(['ETIMEDOUT', 'ETIMEOUT', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);
const CLOSED = new Set([
  'ECONNRESET',
  'EPIPE',
  'NoConnection',
  'EConnectionClosed',
  'ClosedAfterConnectTLS',
  'ClosedAfterConnectText',
]);
const NO_ROUTE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EADDRNOTAVAIL']);

/** Node's codes for a certificate chain that does not end at a trusted CA. */
export function isUntrustedCertificate(code: string | undefined): boolean {
  return code !== undefined && UNTRUSTED.has(code);
}

/** Failures where another address of the same host may still work. */
export function isRouteFailure(err: unknown): boolean {
  const code = (err as ImapFailure | undefined)?.code;
  return typeof code === 'string' && (code === 'ECONNREFUSED' || NO_ROUTE.has(code));
}

/**
 * Maps an imapflow, Node or SSRF-policy failure to a {@link ProviderError} whose message names the
 * endpoint and the kind of failure only. The server's own text is never copied (a server can echo the
 * login it was sent); its response code goes to `providerCode`.
 * @param timedOut Ferry's own deadline closed the connection.
 */
export function toImapProviderError(
  err: unknown,
  endpoint: ImapEndpoint,
  { timedOut = false, timeoutMs }: { timedOut?: boolean; timeoutMs?: number } = {},
): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof DestinationRefusedError) return new ProviderError('destination-refused', err.message);
  const failure = (typeof err === 'object' && err !== null ? err : {}) as ImapFailure;
  const code = typeof failure.code === 'string' ? failure.code : undefined;
  const where = `IMAP server ${endpoint.host}:${endpoint.port}`;
  const providerCode = safeProviderCode(failure.serverResponseCode) ?? safeProviderCode(code);
  const details = providerCode === undefined ? {} : { providerCode };
  const unreachable = (reason: string) => new ProviderError('unreachable', `${where}: ${reason}`, details);

  if (timedOut || (code !== undefined && TIMEOUTS.has(code))) {
    return unreachable(`no answer within ${timeoutMs === undefined ? 'the time limit' : `${timeoutMs} ms`}`);
  }
  if (failure.authenticationFailed === true) return authenticationError(failure, where, details);
  if (isUntrustedCertificate(code)) {
    return unreachable('certificate not trusted (add the CA that issued it to the connector)');
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return unreachable('certificate does not match the host name');
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return unreachable('certificate expired or not yet valid');
  }
  if (code === 'CERT_REVOKED') return unreachable('certificate revoked');
  if (code === 'STARTTLS_INJECTION')
    return unreachable('data was injected before the TLS handshake (possible attack)');
  if (failure.tlsFailed === true && code === undefined && /STARTTLS/.test(String(failure.message))) {
    return unreachable('the server did not offer STARTTLS (Ferry never logs in without TLS)');
  }
  if (failure.tlsFailed === true || code?.startsWith('ERR_SSL_') || code?.startsWith('ERR_TLS_')) {
    return unreachable('TLS handshake failed (no common TLS 1.2+ version or cipher, or not a TLS port)');
  }
  if (code === 'ECONNREFUSED') return unreachable('connection refused');
  if (code !== undefined && NO_ROUTE.has(code)) return unreachable('no route to the host');
  if (code !== undefined && CLOSED.has(code)) return unreachable('the server closed the connection');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return unreachable('the host name did not resolve');
  return new ProviderError('provider-error', `${where}: the server's answer could not be used`, details);
}

function authenticationError(
  failure: ImapFailure,
  where: string,
  details: { providerCode?: string },
): ProviderError {
  if (failure.serverResponseCode === 'UNAVAILABLE') {
    return new ProviderError(
      'provider-error',
      `${where}: the server could not check the login right now`,
      details,
    );
  }
  // A server's NO (with or without a response code) judged the login; anything else was decided locally,
  // e.g. LOGINDISABLED or no login mechanism in common.
  if (failure.serverResponseCode !== undefined || failure.response) {
    return new ProviderError('invalid-credentials', `${where}: the server refused the login`, details);
  }
  return new ProviderError(
    'provider-error',
    `${where}: the server offers no login method Ferry can use`,
    details,
  );
}

import { ProviderError, safeProviderCode } from '@ferry/providers/core';

/** What imapflow attaches to a failed command; read defensively, any field may be absent. */
interface ImapFlowFailure {
  readonly code?: unknown;
  readonly responseStatus?: unknown;
  readonly serverResponseCode?: unknown;
  readonly throttleReset?: unknown;
}

/** imapflow's and Node's codes for a connection that is gone or unusable. */
const CONNECTION = new Set([
  'NoConnection',
  'EConnectionClosed',
  'StateLogout',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ETIMEOUT',
  'UnexpectedTag',
  'MissingTag',
]);
/** Answers too large for the limits `IMAP_LIMITS` sets; the connection is closed after them. */
const OVERSIZED = new Set([
  'LineTooLarge',
  'LiteralTooLarge',
  'ResponseTooLarge',
  'TooManyResponses',
  'TooManyTokens',
]);

function failureOf(err: unknown): ImapFlowFailure {
  return typeof err === 'object' && err !== null ? err : {};
}

/** A tagged NO or BAD: the server refused one command and the session is still fine. */
export function isServerRefusal(err: unknown): boolean {
  const status = failureOf(err).responseStatus;
  return status === 'NO' || status === 'BAD';
}

/**
 * Maps an imapflow failure to a {@link ProviderError} whose message Ferry wrote: the server's text, the
 * command as sent and imapflow's own messages are never copied (they can quote folder names, and a server
 * can echo what it was sent); a response code goes to `providerCode`. Errors that are not imapflow's
 * (ProviderError, an abort, Ferry's own) pass through unchanged.
 */
export function toImapCommandError(err: unknown): unknown {
  if (err instanceof ProviderError || !(err instanceof Error) || err.name === 'AbortError') return err;
  const failure = failureOf(err);
  const code = typeof failure.code === 'string' ? failure.code : undefined;
  const response = safeProviderCode(failure.serverResponseCode);
  const providerCode = response ?? safeProviderCode(code);
  const details = providerCode === undefined ? {} : { providerCode };
  if (code === 'ETHROTTLE') {
    const resetMs = typeof failure.throttleReset === 'number' ? failure.throttleReset : undefined;
    return new ProviderError('throttled', 'IMAP server throttled the command', {
      ...details,
      ...(resetMs === undefined ? {} : { retryAfterSeconds: Math.ceil(resetMs / 1000) }),
    });
  }
  if (isServerRefusal(err)) {
    if (response === 'LIMIT')
      return new ProviderError('throttled', 'IMAP server refused the command: over a limit', details);
    if (response === 'NOPERM')
      return new ProviderError('not-authorized', 'IMAP server refused the command: no permission', details);
    if (response === 'AUTHENTICATIONFAILED' || response === 'AUTHORIZATIONFAILED') {
      return new ProviderError('invalid-credentials', 'IMAP server refused the login', details);
    }
    // UNAVAILABLE, SERVERBUG and the like pass for now; ProviderError retries every provider-error a few times.
    return new ProviderError('provider-error', 'IMAP server refused the command', details);
  }
  if (code !== undefined && CONNECTION.has(code))
    return new ProviderError('unreachable', 'IMAP connection lost', details);
  if (code !== undefined && OVERSIZED.has(code)) {
    return new ProviderError('provider-error', "IMAP server's answer exceeded Ferry's size limits", details);
  }
  return new ProviderError('provider-error', "IMAP server's answer could not be used", details);
}

import { ProviderError, safeProviderCode, statusError } from '@ferry/providers/core';
import type { GmailMethod } from './gmail-quota';

/** Headers as gaxios (a `Headers`) or Node (a record) hand them over. */
export type AnswerHeaders = Headers | Readonly<Record<string, string | string[] | undefined>>;

function retryAfterHeader(headers: AnswerHeaders | undefined): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get('retry-after') ?? undefined;
  const value = headers['retry-after'];
  return Array.isArray(value) ? value[0] : value;
}

/** Google's machine reason (`error.errors[0].reason`, else `error.status`), only when it looks like a code. */
export function gmailReason(body: unknown): string | undefined {
  const error = (body as { error?: { errors?: { reason?: unknown }[]; status?: unknown } } | null | undefined)
    ?.error;
  return safeProviderCode(error?.errors?.[0]?.reason) ?? safeProviderCode(error?.status);
}

/**
 * The ProviderError for a Gmail answer that is not a success, classified as the streaming transport
 * classifies answers (429 and Google's rate-limit 403s throttled, 401, 403, 408 and 5xx), except that
 * the other 4xx answers are `invalid-input`: nobody should retry a 404 or a refused message. The
 * message names the method, the status and Google's reason code only: Google's own text can quote
 * label names, addresses or ids sent to it.
 */
export function gmailFailure(
  method: GmailMethod,
  status: number,
  headers: AnswerHeaders | undefined,
  reason: string | undefined,
): ProviderError {
  const retryAfter = retryAfterHeader(headers);
  const classified = statusError(
    'Gmail',
    status,
    new Headers(retryAfter === undefined ? {} : { 'retry-after': retryAfter }),
    reason,
  );
  const code =
    status >= 400 && status < 500 && classified.code === 'provider-error' ? 'invalid-input' : classified.code;
  return new ProviderError(
    code,
    `Gmail ${method} answered ${status}${classified.details.providerCode ? ` (${classified.details.providerCode})` : ''}`,
    classified.details,
  );
}

/** An answer's status when `error` is googleapis' (gaxios') failure for one, else undefined. */
export function answerStatus(error: unknown): number | undefined {
  const status = (error as { response?: { status?: unknown } } | null | undefined)?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Maps whatever a googleapis call threw to a Ferry-written error. gaxios' own errors are never passed
 * on: their message quotes Google's text and their config holds the Authorization header.
 */
export function gaxiosFailure(method: GmailMethod, error: unknown): Error {
  const status = answerStatus(error);
  if (status !== undefined) {
    const response = (error as { response: { headers?: AnswerHeaders; data?: unknown } }).response;
    return gmailFailure(method, status, response.headers, gmailReason(response.data));
  }
  // No answer: the outbound fetch's ProviderError (SSRF refusal, network, deadline) is the cause.
  for (
    let current: unknown = error, depth = 0;
    current instanceof Error && depth < 5;
    current = current.cause, depth++
  ) {
    if (current instanceof ProviderError) return current;
  }
  if (error instanceof Error && error.name === 'AbortError')
    return new ProviderError('unreachable', `Gmail ${method} was aborted`);
  return new ProviderError('unreachable', `Gmail ${method} failed without an answer`);
}

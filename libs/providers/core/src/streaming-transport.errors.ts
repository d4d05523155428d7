import { ProviderError, safeProviderCode } from './provider-error';
import type { StreamingResponse } from './streaming-transport';

/** How much of an error answer is read for its vendor code: error bodies are small JSON documents. */
const ERROR_BODY_BYTES = 16 * 1024;

/** Google's reasons for a 403 that means "slow down", not "not allowed". */
const GOOGLE_RATE_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'dailyLimitExceeded',
  'quotaExceeded',
]);

/**
 * Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date, clamped to a day;
 * undefined when absent or unreadable.
 */
export function retryAfterFrom(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  const seconds = /^\d{1,9}$/.test(value) ? Number(value) : Math.ceil((Date.parse(value) - now) / 1000);
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), 86_400) : undefined;
}

/**
 * The vendor's machine code from an error body: Graph `{"error":{"code"}}`, Google
 * `{"error":{"errors":[{"reason"}],"status"}}`, OAuth `{"error":"invalid_grant"}`. Never free text.
 */
export function vendorErrorCode(body: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const error = (json as { error?: unknown }).error;
  if (typeof error === 'string') return safeProviderCode(error);
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; status?: unknown; errors?: unknown };
  const first = Array.isArray(e.errors) ? (e.errors[0] as { reason?: unknown } | undefined) : undefined;
  return (
    safeProviderCode(typeof e.code === 'string' ? e.code : undefined) ??
    safeProviderCode(first?.reason) ??
    safeProviderCode(e.status)
  );
}

/**
 * A non-2xx answer as a ProviderError naming only the host: 429, a 503 with Retry-After and Google's
 * rate-limit 403s are `throttled` (with `retryAfterSeconds` when given), 401 `invalid-credentials`,
 * other 403s `not-authorized`, 408/502/504 and a bare 503 `unreachable`, anything else
 * `provider-error`; `details.status` and the vendor code (`providerCode`) let callers tell 404 from 409.
 */
export function statusError(
  host: string,
  status: number,
  headers: Headers,
  vendorCode?: string,
): ProviderError {
  const code = safeProviderCode(vendorCode);
  const retryAfter = retryAfterFrom(headers.get('retry-after'));
  const details = { status, ...(code ? { providerCode: code } : {}) };
  const said = `${host} answered ${status}${code ? ` (${code})` : ''}`;
  const withRetry = retryAfter === undefined ? details : { ...details, retryAfterSeconds: retryAfter };
  if (
    status === 429 ||
    (status === 503 && retryAfter !== undefined) ||
    (status === 403 && code !== undefined && GOOGLE_RATE_REASONS.has(code))
  ) {
    return new ProviderError('throttled', said, withRetry);
  }
  if (status === 401)
    return new ProviderError('invalid-credentials', `${said}: the access token was rejected`, details);
  if (status === 403) return new ProviderError('not-authorized', `${said}: a permission is missing`, details);
  if (status === 408 || status === 502 || status === 503 || status === 504)
    return new ProviderError('unreachable', said, details);
  return new ProviderError('provider-error', said, details);
}

/**
 * Reads at most a few KiB of a non-2xx streamed answer for its vendor code, releases the rest (the
 * body is destroyed) and returns the ProviderError `statusError` makes of it.
 */
export async function responseError(res: StreamingResponse, url: string | URL): Promise<ProviderError> {
  const host = new URL(String(url)).host;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      const bytes = chunk as Buffer;
      chunks.push(bytes.subarray(0, ERROR_BODY_BYTES - size));
      size += bytes.length;
      if (size >= ERROR_BODY_BYTES) break;
    }
  } catch {
    // A body that fails mid-read still has a status worth reporting.
  } finally {
    res.body.destroy();
  }
  return statusError(host, res.status, res.headers, vendorErrorCode(Buffer.concat(chunks).toString('utf8')));
}

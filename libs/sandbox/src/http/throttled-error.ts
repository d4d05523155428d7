import type { LimitName } from '../throttle/limits';
import type { VendorError, Vendor } from './vendor-error';
import { googleError, graphError, oauthError } from './vendor-errors';

/**
 * The 429/403 each service answers when a budget is spent, with the Retry-After it documents.
 * Graph (learn.microsoft.com/graph/throttling): 429 with Retry-After in seconds; Outlook names the
 * exhausted mailbox limit in the message. Gmail (developers.google.com/gmail/api/guides/handle-errors):
 * per-user 429 `userRateLimitExceeded` ("User-rate limit exceeded"; the quota page names the reason),
 * per-project 403 `rateLimitExceeded`.
 * Drive and Calendar (their "resolve errors" guides): 403 `userRateLimitExceeded` per user,
 * 429 `rateLimitExceeded` per project.
 */
export function throttledError(vendor: Vendor, limit: LimitName, reason: 'rate' | 'concurrency' | 'upload', retryAfterS: number, now: number): VendorError {
  const headers = { 'retry-after': String(retryAfterS) };
  if (vendor === 'graph') {
    if (limit === 'graph.mailbox') {
      const which = reason === 'concurrency' ? 'MailboxConcurrency' : reason === 'upload' ? 'IncomingBytes' : 'RequestCount';
      return graphError(429, 'ApplicationThrottled', `Application is over its ${which} limit.`, headers);
    }
    if (limit === 'graph.drive') return graphError(429, 'activityLimitReached', 'The request has been throttled', headers);
    return graphError(429, 'TooManyRequests', 'Too many requests.', headers);
  }
  if (vendor === 'google') {
    const retryAt = new Date(now + retryAfterS * 1000).toISOString();
    const opts = { domain: 'usageLimits', headers };
    if (limit === 'gmail.user') return googleError(429, 'userRateLimitExceeded', `User-rate limit exceeded.  Retry after ${retryAt}`, opts);
    if (limit.endsWith('.user')) return googleError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', opts);
    if (limit === 'gmail.project') return googleError(403, 'rateLimitExceeded', 'Rate Limit Exceeded', opts);
    return googleError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', opts);
  }
  return oauthError(429, 'temporarily_unavailable', 'Too many requests.');
}

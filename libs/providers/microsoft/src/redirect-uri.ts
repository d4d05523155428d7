import { ProviderError } from '@ferry/providers/core';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * A redirect URI Entra will send a code or a consent answer to: https (http only on loopback, as
 * Entra allows for local development), without credentials, query or fragment (the answer's
 * parameters are appended to it, and Entra matches registered URIs exactly).
 * @throws ProviderError `invalid-input`, never echoing the value
 */
export function redirectUriOf(value: unknown): URL {
  let url: URL;
  try {
    if (typeof value !== 'string' || value.length > 2048) throw new Error('not a string');
    url = new URL(value);
  } catch {
    throw new ProviderError('invalid-input', 'redirectUri must be an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ProviderError('invalid-input', 'redirectUri must be https (http only on loopback)');
  }
  if (url.username || url.password || url.search || url.hash)
    throw new ProviderError('invalid-input', 'redirectUri must have no credentials, query or fragment');
  return url;
}

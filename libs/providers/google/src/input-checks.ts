import { ProviderError } from '@ferry/providers/core';

// A pragmatic address shape (local@domain.tld): enough to refuse junk before it reaches Google, which
// does the authoritative check. Bounded so a hostile value cannot make the pattern slow.
const ADDRESS =
  /^[^\s@"<>()[\]\\,;:]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const SCOPE_URL = /^https:\/\/[A-Za-z0-9.-]+\/[A-Za-z0-9._/-]*$/;

/** Refuses a value that is not a mailbox address, naming the field only (the value is a user address). */
export function requireAddress(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > 320 || !ADDRESS.test(value)) {
    throw new ProviderError('invalid-input', `${field} must be an email address`);
  }
  return value;
}

/** Refuses an empty scope list or a scope that is not an https scope URL (openid/email/profile allowed where `oidc`). */
export function requireScopes(field: string, scopes: unknown, oidc = false): readonly string[] {
  if (!Array.isArray(scopes) || scopes.length === 0 || scopes.length > 50) {
    throw new ProviderError('invalid-input', `${field} must list 1 to 50 scopes`);
  }
  scopes.forEach((scope: unknown, i) => {
    const named = oidc && (scope === 'openid' || scope === 'email' || scope === 'profile');
    if (typeof scope !== 'string' || scope.length > 300 || (!named && !SCOPE_URL.test(scope))) {
      throw new ProviderError('invalid-input', `${field}[${i}] is not a Google scope URL`);
    }
  });
  return scopes as readonly string[];
}

/** An absolute https URL without credentials or fragment; the message names the field, never the value. */
export function requireHttpsUrl(field: string, value: unknown): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ProviderError('invalid-input', `${field} must be an absolute https URL`);
  }
  if (typeof value !== 'string' || url.protocol !== 'https:') {
    throw new ProviderError('invalid-input', `${field} must be an absolute https URL`);
  }
  if (url.username || url.password || url.hash) {
    throw new ProviderError('invalid-input', `${field} must not carry credentials or a fragment`);
  }
  return url;
}

import type { Request } from 'express';

/**
 * The cookie that ties a delegated grant to the browser that started it. `__Host-`: only this origin,
 * over https, may set it (no sibling subdomain can plant one); HttpOnly; Lax, since the provider's
 * redirect back is a top-level cross-site navigation.
 */
export const DELEGATION_BINDING_COOKIE = '__Host-ferry-delegation';
/** As long as the link is valid. */
const MAX_AGE_S = 30 * 60;
const ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Lax';
/** The connectors service's bindings: 32 random bytes, base64url. Anything else is not set as a cookie. */
const BINDING = /^[A-Za-z0-9_-]{43}$/;
/** Longer cookie values are not passed on (the service would refuse them anyway). */
const MAX_FORWARDED = 128;

/** Whether the service's binding can go into a cookie as it is. */
export function isBrowserBinding(value: string): boolean {
  return BINDING.test(value);
}

/** The Set-Cookie value holding a flow's browser binding (made by the connectors service, which keeps its hash). */
export function bindingCookie(binding: string): string {
  if (!isBrowserBinding(binding)) throw new Error('not a browser binding');
  return `${DELEGATION_BINDING_COOKIE}=${binding}; Max-Age=${MAX_AGE_S}; ${ATTRIBUTES}`;
}

export const CLEAR_BINDING_COOKIE = `${DELEGATION_BINDING_COOKIE}=; Max-Age=0; ${ATTRIBUTES}`;

/**
 * The binding cookie the request carries, as received, or '' without one. The gateway does not judge
 * it: the connectors service compares it with the flow's, and refuses (and audits) a missing or wrong one.
 */
export function browserBindingOf(req: Request): string {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== DELEGATION_BINDING_COOKIE) continue;
    return part.slice(eq + 1).trim().slice(0, MAX_FORWARDED);
  }
  return '';
}

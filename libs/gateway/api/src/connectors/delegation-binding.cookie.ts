import { createHash, timingSafeEqual } from 'node:crypto';
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

/** The binding of a flow: derived from its state, so the gateway keeps nothing and the cookie is not the state. */
function bindingOf(state: string): string {
  return createHash('sha256').update(`ferry-delegation-binding\0${state}`, 'utf8').digest('base64url');
}

/** The Set-Cookie value binding the flow whose authorization URL carries `state`. */
export function bindingCookie(state: string): string {
  return `${DELEGATION_BINDING_COOKIE}=${bindingOf(state)}; Max-Age=${MAX_AGE_S}; ${ATTRIBUTES}`;
}

export const CLEAR_BINDING_COOKIE = `${DELEGATION_BINDING_COOKIE}=; Max-Age=0; ${ATTRIBUTES}`;

/** Whether the request carries the binding of `state`: it came back to the browser that started the flow. */
export function boundToThisBrowser(req: Request, state: string): boolean {
  const expected = Buffer.from(bindingOf(state));
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== DELEGATION_BINDING_COOKIE) continue;
    const given = Buffer.from(part.slice(eq + 1).trim().slice(0, 64));
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
  }
  return false;
}

import type { Violations } from '../input-checks';

/** Pending-step and refresh tokens are 43 base64url characters; allow some slack, refuse anything else unhashed. */
const OPAQUE_TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/** Checks an opaque token's shape (never its value) and records a violation for `field`. */
export function checkOpaqueToken(value: unknown, field: string, violations: Violations): string {
  if (typeof value !== 'string' || value.length === 0) violations.add(field, 'required');
  else if (!OPAQUE_TOKEN.test(value)) violations.add(field, 'malformed');
  return typeof value === 'string' ? value : '';
}

/** A TOTP code: 6 digits, spaces allowed between them as authenticator apps show them. */
export function checkTotpCode(value: unknown, field: string, violations: Violations): string {
  const code = typeof value === 'string' ? value.replace(/\s/g, '') : '';
  if (!/^\d{6}$/.test(code)) violations.add(field, 'must be 6 digits');
  return code;
}

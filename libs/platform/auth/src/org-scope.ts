const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether the text is a UUID (any version, either case). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Whether the token's organisation is the requested one; UUIDs compare case-insensitively. */
export function sameOrg(tokenOrg: string | null, requestedOrg: string): boolean {
  return tokenOrg !== null && isUuid(requestedOrg) && tokenOrg.toLowerCase() === requestedOrg.toLowerCase();
}

/** Installation-wide permissions: they hold without, and regardless of, an organisation. */
export function isPlatformPermission(permission: string): boolean {
  return permission.startsWith('platform.');
}

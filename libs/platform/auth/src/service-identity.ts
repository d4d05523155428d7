/** The only signature algorithm of service tokens (ECDSA P-256 with SHA-256). */
export const SERVICE_TOKEN_ALGORITHM = 'ES256';

/** The JWS `typ` of service tokens, so no other kind of JWT (an access token, say) passes for one. */
export const SERVICE_TOKEN_TYPE = 'ferry-svc+jwt';

/** How long a service token is valid: short, since a captured one is a bearer credential until then. */
export const SERVICE_TOKEN_LIFETIME_SECONDS = 300;

/**
 * A Ferry service name: 1-32 of `a-z 0-9 -`, not starting with `-` (so it can name a file and a
 * command-line argument unambiguously). It is what `svc:<name>` principals and trust files are keyed by.
 */
export const SERVICE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Whether `name` is a valid {@link SERVICE_NAME_PATTERN service name}. */
export function isServiceName(name: unknown): name is string {
  return typeof name === 'string' && SERVICE_NAME_PATTERN.test(name);
}

const PRINCIPAL_PREFIX = 'svc:';

/**
 * The principal naming a service in tokens: `svc:<name>`, used as `iss`/`sub` by the caller and as the
 * `aud` a receiving service expects (e.g. `servicePrincipal('connectors')` is `svc:connectors`).
 * @throws Error when `name` is not a valid service name.
 */
export function servicePrincipal(name: string): string {
  if (!isServiceName(name)) throw new Error(`service name must match ${SERVICE_NAME_PATTERN.source}`);
  return `${PRINCIPAL_PREFIX}${name}`;
}

/** The service a `svc:<name>` principal names, or undefined when it is not one. */
export function serviceOfPrincipal(principal: unknown): string | undefined {
  if (typeof principal !== 'string' || !principal.startsWith(PRINCIPAL_PREFIX)) return undefined;
  const name = principal.slice(PRINCIPAL_PREFIX.length);
  return isServiceName(name) ? name : undefined;
}

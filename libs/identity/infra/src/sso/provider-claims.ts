import type { ProviderAssertion } from '@ferry/identity/application';
import { reject } from './sso-rejection';

/** Verified ID token claims (signature, issuer, audience, nonce and expiry already checked). */
export type IdTokenClaims = Readonly<Record<string, unknown>>;

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** `name`, else given + family name, else a neutral label: never the address, which is not kept. */
function displayNameOf(claims: IdTokenClaims, fallback: string): string {
  const full = [text(claims['given_name']), text(claims['family_name'])].filter((p) => p !== null).join(' ');
  return text(claims['name']) ?? (full || fallback);
}

function issuerOf(claims: IdTokenClaims): string {
  return text(claims['iss']) ?? reject('claims');
}

/**
 * An Entra ID v2.0 ID token as Ferry's assertion. The user is `tid:oid` (immutable, unlike the UPN);
 * `tid` must be the tenant the flow started with. Groups come from the app registration's groups
 * claim; when a user has too many for a token Entra sends a Graph pointer (`_claim_names`) instead,
 * which is refused rather than read as "no groups".
 */
export function entraAssertion(claims: IdTokenClaims, expectedTenantId: string): ProviderAssertion {
  const issuer = issuerOf(claims);
  const tid = text(claims['tid'])?.toLowerCase() ?? reject('claims');
  if (tid !== expectedTenantId.toLowerCase()) reject('tenant');
  const oid = text(claims['oid'])?.toLowerCase() ?? reject('claims');
  const userPrincipal =
    text(claims['preferred_username']) ?? text(claims['upn']) ?? text(claims['email']) ?? reject('claims');
  const groups = claims['groups'];
  let groupIds: string[] = [];
  if (groups !== undefined) {
    if (!Array.isArray(groups) || !groups.every((g): g is string => typeof g === 'string')) reject('claims');
    groupIds = groups;
  } else {
    const names = claims['_claim_names'];
    if (claims['hasgroups'] === true || (typeof names === 'object' && names !== null && 'groups' in names))
      reject('groups-overage');
  }
  return {
    identity: { issuer, subject: `${tid}:${oid}` },
    tenantId: tid,
    hostedDomain: null,
    userPrincipal,
    groups: groupIds,
    displayName: displayNameOf(claims, 'Entra ID user'),
  };
}

/**
 * A Google ID token as Ferry's assertion. The user is `sub`; the email is used only when Google
 * verified it. `hd` is present for Workspace accounts only. Google ID tokens carry no groups: mapping
 * Google groups to roles needs the Directory API through a connector (issue 6), so groups are empty.
 */
export function googleAssertion(claims: IdTokenClaims): ProviderAssertion {
  const issuer = issuerOf(claims);
  const sub = text(claims['sub']) ?? reject('claims');
  const email = text(claims['email']) ?? reject('claims');
  if (claims['email_verified'] !== true) reject('unverified-email');
  return {
    identity: { issuer, subject: sub },
    tenantId: null,
    hostedDomain: text(claims['hd'])?.toLowerCase() ?? null,
    userPrincipal: email,
    groups: [],
    displayName: displayNameOf(claims, 'Google user'),
  };
}

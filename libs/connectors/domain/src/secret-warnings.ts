/** A stored secret as operators see it: metadata only. */
export interface SecretMetadata {
  readonly field: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly fingerprint: string;
}

export type SecretWarningCode = 'expired' | 'expires-soon' | 'older-than-max-age';

export interface SecretWarning {
  readonly field: string;
  readonly code: SecretWarningCode;
  readonly message: string;
}

/** When a secret deserves a warning; set by the operator (FERRY_SECRET_MAX_AGE_DAYS, FERRY_SECRET_EXPIRY_WARNING_DAYS). */
export interface SecretAgePolicy {
  readonly maxAgeDays: number;
  readonly expiryWarningDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const TEMPORARY =
  'Prefer temporary credentials for a migration: tag the connector with its project and purge the project\u2019s credentials when it completes.';

/** Warnings for expired, soon-expiring and old secrets, most urgent first. */
export function secretWarnings(secrets: readonly SecretMetadata[], now: Date, policy: SecretAgePolicy): SecretWarning[] {
  const out: SecretWarning[] = [];
  for (const s of secrets) {
    if (s.expiresAt && s.expiresAt.getTime() <= now.getTime()) {
      out.push({ field: s.field, code: 'expired', message: `${s.field} expired on ${day(s.expiresAt)}: rotate it, or the connector stops working` });
    } else if (s.expiresAt && s.expiresAt.getTime() - now.getTime() <= policy.expiryWarningDays * DAY_MS) {
      out.push({ field: s.field, code: 'expires-soon', message: `${s.field} expires on ${day(s.expiresAt)}: rotate it before then` });
    }
    const ageDays = Math.floor((now.getTime() - s.createdAt.getTime()) / DAY_MS);
    if (ageDays >= policy.maxAgeDays) {
      out.push({ field: s.field, code: 'older-than-max-age', message: `${s.field} is ${ageDays} days old (limit ${policy.maxAgeDays}): rotate it. ${TEMPORARY}` });
    }
  }
  const rank: Record<SecretWarningCode, number> = { expired: 0, 'expires-soon': 1, 'older-than-max-age': 2 };
  return out.sort((a, b) => rank[a.code] - rank[b.code]);
}

/**
 * One warning for a connector's per-user credentials (IMAP logins, delegated grants) older than the
 * policy allows, counted rather than listed: there may be thousands, and each is keyed by a pseudonym.
 */
export function userCredentialWarning(older: number, total: number, policy: SecretAgePolicy): SecretWarning | null {
  if (older <= 0) return null;
  return {
    field: 'user-credentials',
    code: 'older-than-max-age',
    message: `${older} of ${total} user credentials are older than ${policy.maxAgeDays} days: import the users again or ask them to grant access again. ${TEMPORARY}`,
  };
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

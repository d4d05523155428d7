import {
  baseServiceSchema,
  defaultedVar,
  integerValue,
  optionalVar,
  patternValue,
  readableFileValue,
  stringValue,
  withDatabase,
} from '@ferry/platform/config';
import { z } from 'zod';

const httpsUrl = (what: string) => patternValue(/^https:\/\/[^\s]{1,500}$/, `an https:// URL (${what})`);

/**
 * The identity service's settings: the base, its database, the key-encryption key that seals TOTP
 * secrets and signing keys, token and session lifetimes, argon2id cost, the first platform admin,
 * and the OIDC clients for single sign-on. Secrets are read from files, never from variables.
 */
export const configSchema = withDatabase(baseServiceSchema).extend({
  FERRY_KEK_PROVIDER: z.enum(['local', 'azure-keyvault']).default('local'),
  FERRY_KEK_FILE: z.string().min(1).optional(),
  FERRY_KEK_CREATE_IF_MISSING: z.enum(['true', 'false']).optional(),
  FERRY_KEK_AZURE_KEY_ID: z.url().optional(),
  FERRY_KEK_AZURE_ALGORITHM: z.string().min(1).optional(),

  FERRY_ACCESS_TOKEN_TTL_S: defaultedVar(integerValue({ min: 60, max: 900, unit: 'seconds' }), 300),
  FERRY_SESSION_IDLE_TIMEOUT_S: defaultedVar(integerValue({ min: 300, max: 86_400, unit: 'seconds' }), 1800),
  FERRY_SESSION_ABSOLUTE_TIMEOUT_S: defaultedVar(integerValue({ min: 900, max: 7 * 86_400, unit: 'seconds' }), 43_200),
  FERRY_SIGNING_KEY_ROTATION_DAYS: defaultedVar(integerValue({ min: 1, max: 365, unit: 'days' }), 30),

  // Floors are OWASP's / ASVS 5.0's argon2id minimum (19 MiB, 2 passes, 1 lane).
  FERRY_ARGON2_MEMORY_KIB: defaultedVar(integerValue({ min: 19_456, max: 1_048_576, unit: 'KiB' }), 65_536),
  FERRY_ARGON2_ITERATIONS: defaultedVar(integerValue({ min: 2, max: 10 }), 3),
  FERRY_ARGON2_PARALLELISM: defaultedVar(integerValue({ min: 1, max: 8 }), 1),
  FERRY_ARGON2_CONCURRENCY: defaultedVar(integerValue({ min: 1, max: 32 }), 2),

  FERRY_TOTP_ISSUER: defaultedVar(patternValue(/^[A-Za-z0-9 ._-]{1,40}$/, '1-40 letters, digits, spaces, . _ -'), 'Ferry'),
  FERRY_BOOTSTRAP_ADMIN_LOGIN: optionalVar(stringValue()),
  FERRY_BOOTSTRAP_ADMIN_PASSWORD_FILE: optionalVar(readableFileValue()),

  FERRY_SSO_REDIRECT_URI: optionalVar(patternValue(/^https?:\/\/[^\s]{1,500}$/, 'an http(s) URL ending in /api/v1/auth/sso/callback')),
  FERRY_SSO_ENTRA_AUTHORITY: defaultedVar(httpsUrl('the Entra authority'), 'https://login.microsoftonline.com'),
  FERRY_SSO_ENTRA_CLIENT_ID: optionalVar(stringValue()),
  FERRY_SSO_ENTRA_CLIENT_SECRET_FILE: optionalVar(readableFileValue()),
  FERRY_SSO_GOOGLE_ISSUER: defaultedVar(httpsUrl('the Google issuer'), 'https://accounts.google.com'),
  FERRY_SSO_GOOGLE_DISCOVERY_URL: optionalVar(httpsUrl('where Google discovery is served, if not at the issuer')),
  FERRY_SSO_GOOGLE_CLIENT_ID: optionalVar(stringValue()),
  FERRY_SSO_GOOGLE_CLIENT_SECRET_FILE: optionalVar(readableFileValue()),
});
export type IdentityConfig = z.infer<typeof configSchema>;

import { baseServiceSchema, defaultedVar, enumValue, integerValue, optionalVar, patternValue, readableFileValue, serviceTrustDirField, withDatabase } from '@ferry/platform/config';
import { z } from 'zod';

const httpsOrigin = (what: string) => patternValue(/^https:\/\/[^\s/]{1,253}\/?$/, `an https:// origin (${what})`);
const list = (what: string) => patternValue(/^[A-Za-z0-9.:/,_ -]{1,4000}$/, `a comma-separated list of ${what}`);

/**
 * The connectors service's settings: the base, its database, its key-encryption key, the trusted keys
 * of the services its token broker serves, the outbound SSRF allow/deny lists, Google's endpoints,
 * when secrets get warnings, and onboarding (the gateway's callback URL and the installation's own
 * multi-tenant Entra app for admin consent; how they combine is checked by loadInstallationApp).
 */
export const configSchema = withDatabase(baseServiceSchema).extend({
  // How these combine (e.g. the Azure key id when the provider is azure-keyvault) is checked by
  // readKeyProviderConfig when the vault starts.
  FERRY_KEK_PROVIDER: z.enum(['local', 'azure-keyvault']).default('local'),
  FERRY_KEK_FILE: z.string().min(1).optional(),
  FERRY_KEK_CREATE_IF_MISSING: z.enum(['true', 'false']).optional(),
  FERRY_KEK_AZURE_KEY_ID: z.url().optional(),
  FERRY_KEK_AZURE_ALGORITHM: z.string().min(1).optional(),

  FERRY_SERVICE_TRUST_DIR: serviceTrustDirField(),
  FERRY_OUTBOUND_ALLOW: optionalVar(list('host names, IP addresses or CIDR blocks')),
  FERRY_OUTBOUND_DENY: optionalVar(list('IP addresses or CIDR blocks (e.g. the cluster service CIDR)')),
  FERRY_GOOGLE_API_ROOT: defaultedVar(httpsOrigin('the Google APIs root'), 'https://www.googleapis.com/'),
  FERRY_GOOGLE_AUTH_URI: defaultedVar(patternValue(/^https:\/\/[^\s]{1,500}$/, 'an https:// URL'), 'https://accounts.google.com/o/oauth2/v2/auth'),
  FERRY_GOOGLE_TOKEN_URI: defaultedVar(patternValue(/^https:\/\/[^\s]{1,500}$/, 'an https:// URL'), 'https://oauth2.googleapis.com/token'),
  FERRY_SECRET_MAX_AGE_DAYS: defaultedVar(integerValue({ min: 1, max: 3650, unit: 'days' }), 90),
  FERRY_SECRET_EXPIRY_WARNING_DAYS: defaultedVar(integerValue({ min: 1, max: 365, unit: 'days' }), 14),

  FERRY_CONNECTORS_CALLBACK_URL: optionalVar(patternValue(/^https:\/\/[^\s?#@]{1,500}$/, "the gateway's public https:// base URL, without query or fragment")),
  FERRY_MICROSOFT_APP_CLIENT_ID: optionalVar(patternValue(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'the application (client) id, a GUID')),
  FERRY_MICROSOFT_APP_CERTIFICATE_FILE: optionalVar(readableFileValue()),
  FERRY_MICROSOFT_APP_KEY_FILE: optionalVar(readableFileValue()),
  FERRY_MICROSOFT_APP_SECRET_FILE: optionalVar(readableFileValue()),
  FERRY_MICROSOFT_APP_CLOUD: defaultedVar(enumValue(['global', 'usgov', 'usgov-dod', 'china', 'custom']), 'global'),
  FERRY_MICROSOFT_APP_AUTHORITY_HOST: optionalVar(httpsOrigin('the Entra ID authority host, with cloud custom')),
  FERRY_MICROSOFT_APP_GRAPH_ORIGIN: optionalVar(httpsOrigin('the Microsoft Graph origin, with cloud custom')),
});

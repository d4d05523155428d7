import { UUID_PATTERN, type Violation } from './violation';

export type MicrosoftAuthMode = 'certificate' | 'client-secret' | 'admin-consent' | 'delegated';
export type MicrosoftCloudName = 'global' | 'usgov' | 'usgov-dod' | 'china' | 'custom';
export type GoogleAuthMode = 'service-account' | 'delegated';
export type ImapSecurityMode = 'implicit-tls' | 'starttls';
export type ImapAuthMode = 'per-user' | 'master-user';

/** A Microsoft 365 connector's non-secret settings. */
export interface MicrosoftSettings {
  readonly kind: 'microsoft-365';
  readonly auth: MicrosoftAuthMode;
  /** Empty until consent arrives, for admin-consent connectors. */
  readonly tenantId: string;
  readonly clientId: string;
  readonly cloud: MicrosoftCloudName;
  /** Only for cloud `custom`. */
  readonly endpoints?: { readonly authorityHost: string; readonly graphOrigin: string };
  /** The certificate's public part, for certificate authentication. */
  readonly certificate?: { readonly pem: string; readonly thumbprintSha256: string; readonly notAfter: string };
}

/** A Google Workspace connector's non-secret settings. The admin user is PII and is sealed, not here. */
export interface GoogleSettings {
  readonly kind: 'google-workspace';
  readonly auth: GoogleAuthMode;
  readonly customerId: string;
  /** From the service-account key: the id an admin authorises for domain-wide delegation. */
  readonly serviceAccountClientId?: string;
  readonly oauthClientId?: string;
}

/** An IMAP connector's non-secret settings. */
export interface ImapSettings {
  readonly kind: 'imap';
  readonly host: string;
  readonly port: number;
  readonly security: ImapSecurityMode;
  readonly auth: ImapAuthMode;
  readonly masterUser?: string;
  readonly masterSeparator?: string;
  readonly caCertificatePem?: string;
}

export type ConnectorSettings = MicrosoftSettings | GoogleSettings | ImapSettings;
export type ConnectorKindName = ConnectorSettings['kind'];
export const CONNECTOR_KINDS: readonly ConnectorKindName[] = ['microsoft-365', 'google-workspace', 'imap'];

const HOST_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const IPV6_PATTERN = /^[0-9a-f:.]{2,45}$/i;
const CUSTOMER_ID_PATTERN = /^C[0-9a-z]{5,20}$|^my_customer$/;
const OAUTH_CLIENT_ID_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;
const MASTER_USER_PATTERN = /^[^\s\p{Cc}]{1,128}$/u;
const MAX_PEM_BYTES = 16 * 1024;
/** Dovecot-style `user<sep>master`: one printable ASCII punctuation character, never a control or a letter. */
const MASTER_SEPARATOR_PATTERN = /^[!-/:-@[-`{-~]$/;
const MICROSOFT_AUTH: readonly MicrosoftAuthMode[] = ['certificate', 'client-secret', 'admin-consent', 'delegated'];
const GOOGLE_AUTH: readonly GoogleAuthMode[] = ['service-account', 'delegated'];
const IMAP_AUTH: readonly ImapAuthMode[] = ['per-user', 'master-user'];

/** Checks the fields every kind needs; secrets and endpoint reachability are checked elsewhere. */
export function validateSettings(settings: ConnectorSettings): Violation[] {
  switch (settings.kind) {
    case 'microsoft-365':
      return validateMicrosoft(settings);
    case 'google-workspace':
      return validateGoogle(settings);
    case 'imap':
      return validateImap(settings);
  }
}

function validateMicrosoft(s: MicrosoftSettings): Violation[] {
  const v: Violation[] = [];
  // Settings arrive from the wire: an unknown mode would leave primarySecretField without an answer.
  if (!MICROSOFT_AUTH.includes(s.auth)) v.push({ field: 'microsoft.auth', reason: `one of ${MICROSOFT_AUTH.join(', ')}` });
  if (s.auth !== 'admin-consent' && !UUID_PATTERN.test(s.tenantId)) v.push({ field: 'microsoft.tenantId', reason: 'must be the tenant id (a GUID)' });
  if (s.auth !== 'admin-consent' && !UUID_PATTERN.test(s.clientId)) v.push({ field: 'microsoft.clientId', reason: "must be the app registration's client id (a GUID)" });
  if (!['global', 'usgov', 'usgov-dod', 'china', 'custom'].includes(s.cloud)) v.push({ field: 'microsoft.cloud', reason: 'one of global, usgov, usgov-dod, china, custom' });
  if (s.cloud === 'custom') {
    if (!s.endpoints || !isHttpsOrigin(s.endpoints.authorityHost)) v.push({ field: 'microsoft.authorityHost', reason: 'an https origin is required for a custom cloud' });
    if (!s.endpoints || !isHttpsOrigin(s.endpoints.graphOrigin)) v.push({ field: 'microsoft.graphOrigin', reason: 'an https origin is required for a custom cloud' });
  } else if (s.endpoints) {
    v.push({ field: 'microsoft.cloud', reason: 'endpoints may be given only with cloud custom' });
  }
  if (s.auth === 'certificate' && !s.certificate) v.push({ field: 'microsoft.certificatePem', reason: 'required for certificate authentication' });
  if (s.certificate && Buffer.byteLength(s.certificate.pem) > MAX_PEM_BYTES) v.push({ field: 'microsoft.certificatePem', reason: `at most ${MAX_PEM_BYTES} bytes` });
  return v;
}

function validateGoogle(s: GoogleSettings): Violation[] {
  const v: Violation[] = [];
  if (!GOOGLE_AUTH.includes(s.auth)) v.push({ field: 'google.auth', reason: `one of ${GOOGLE_AUTH.join(', ')}` });
  if (!CUSTOMER_ID_PATTERN.test(s.customerId)) v.push({ field: 'google.customerId', reason: 'must be the Workspace customer id (e.g. C01abc2de)' });
  if (s.auth === 'delegated' && !OAUTH_CLIENT_ID_PATTERN.test(s.oauthClientId ?? '')) v.push({ field: 'google.oauthClientId', reason: 'required for delegated connectors' });
  return v;
}

function validateImap(s: ImapSettings): Violation[] {
  const v: Violation[] = [];
  if (!HOST_PATTERN.test(s.host) && !(s.host.includes(':') && IPV6_PATTERN.test(s.host))) v.push({ field: 'imap.host', reason: 'must be a host name or IP address' });
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) v.push({ field: 'imap.port', reason: 'must be 1-65535' });
  if (s.security !== 'implicit-tls' && s.security !== 'starttls') v.push({ field: 'imap.security', reason: 'one of implicit-tls, starttls' });
  if (!IMAP_AUTH.includes(s.auth)) v.push({ field: 'imap.auth', reason: `one of ${IMAP_AUTH.join(', ')}` });
  if (s.auth === 'master-user' && !MASTER_USER_PATTERN.test(s.masterUser ?? '')) v.push({ field: 'imap.masterUser', reason: 'required for master-user login (1-128 characters, no spaces)' });
  if (s.masterSeparator !== undefined && !MASTER_SEPARATOR_PATTERN.test(s.masterSeparator)) v.push({ field: 'imap.masterSeparator', reason: 'one punctuation character' });
  if (s.caCertificatePem !== undefined) {
    if (Buffer.byteLength(s.caCertificatePem) > MAX_PEM_BYTES) v.push({ field: 'imap.caCertificatePem', reason: `at most ${MAX_PEM_BYTES} bytes` });
    else if (!/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/.test(s.caCertificatePem.trim())) v.push({ field: 'imap.caCertificatePem', reason: 'must be a PEM certificate' });
  }
  return v;
}

function isHttpsOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' && u.origin === value.replace(/\/$/, '') && !u.username && !u.password;
  } catch {
    return false;
  }
}

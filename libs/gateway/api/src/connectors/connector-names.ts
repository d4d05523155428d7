import { ConnectorKind, ConnectorStatus, GoogleAuth, ImapAuth, ImapSecurity, MicrosoftAuth } from '@ferry/contracts';

// The API names enum values in kebab-case; the bus carries the proto enums. One table per enum, so a
// value added to the proto and not here shows as "unspecified" rather than as a wrong name.

export const KIND = { 'microsoft-365': ConnectorKind.MICROSOFT_365, 'google-workspace': ConnectorKind.GOOGLE_WORKSPACE, imap: ConnectorKind.IMAP } as const;
export const STATUS = { active: ConnectorStatus.ACTIVE, 'pending-consent': ConnectorStatus.PENDING_CONSENT, 'credentials-removed': ConnectorStatus.CREDENTIALS_REMOVED } as const;
/** admin-consent is shown but not accepted on create: those connectors come from the consent flow. */
export const MICROSOFT_AUTH = {
  certificate: MicrosoftAuth.CERTIFICATE,
  'client-secret': MicrosoftAuth.CLIENT_SECRET,
  'admin-consent': MicrosoftAuth.ADMIN_CONSENT,
  delegated: MicrosoftAuth.DELEGATED,
} as const;
export const GOOGLE_AUTH = { 'service-account': GoogleAuth.SERVICE_ACCOUNT, delegated: GoogleAuth.DELEGATED } as const;
export const IMAP_SECURITY = { 'implicit-tls': ImapSecurity.IMPLICIT_TLS, starttls: ImapSecurity.STARTTLS } as const;
export const IMAP_AUTH = { 'per-user': ImapAuth.PER_USER, 'master-user': ImapAuth.MASTER_USER } as const;

export type KindName = keyof typeof KIND;
export const KIND_NAMES = Object.keys(KIND) as [KindName, ...KindName[]];

/** The API name of a proto enum value, or `unspecified` for a value this table does not know. */
export function nameOf<T extends Record<string, number>>(table: T, value: number): keyof T | 'unspecified' {
  return (Object.keys(table) as (keyof T)[]).find((k) => table[k] === value) ?? 'unspecified';
}

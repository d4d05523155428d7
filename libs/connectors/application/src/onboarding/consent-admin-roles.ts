/**
 * Template ids of the Entra built-in directory roles that can grant tenant-wide admin consent
 * (Microsoft Entra built-in roles reference). They arrive in an ID token's `wids` claim when the app
 * registration's optional claims ask for it. Application Administrator and Cloud Application
 * Administrator cannot consent to Microsoft Graph application permissions; they are accepted because
 * the check proves who confirms the consent (an administrator of the tenant), while the app-only
 * token that follows proves what the tenant granted.
 */
export const CONSENT_ADMIN_ROLES: ReadonlySet<string> = new Set([
  '62e90394-69f5-4237-9190-012177145e10', // Global Administrator
  'e8611ab8-c189-46e8-94e1-60213ab1f814', // Privileged Role Administrator
  '158c047a-c907-4556-b7ef-446551a6b5f7', // Cloud Application Administrator
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', // Application Administrator
]);

/** Whether any of the given role template ids can grant tenant-wide admin consent. */
export function canGrantAdminConsent(directoryRoles: readonly string[]): boolean {
  return directoryRoles.some((r) => CONSENT_ADMIN_ROLES.has(r.toLowerCase()));
}

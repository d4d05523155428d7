import type { EntraApp, MicrosoftTenant } from '../state/directory';

/**
 * The `groups` claim Entra adds to ID tokens when the app registration asks for it
 * (`groupMembershipClaims`): the object ids of the user's groups. Without the setting, or for a
 * user in no group, there is no claim at all. Simplified: no overage (`_claim_names`) past 200 groups.
 */
export function entraGroupsClaim(
  tenant: MicrosoftTenant,
  app: EntraApp,
  userId: string,
): { groups?: string[] } {
  const setting = app.groupMembershipClaims ?? 'None';
  if (setting === 'None') return {};
  const groups = [...tenant.groups.values()].filter((g) => g.members.has(userId)).map((g) => g.id);
  return groups.length > 0 ? { groups } : {};
}

import { parseFields } from '../partial-response';
import type { DriveFile, DrivePermission } from './drive.model';
import type { DriveTenantStore } from './drive.store';

/** Fields Drive returns for a permission when `fields` is not given. */
export const PERMISSION_DEFAULT_FIELDS = parseFields(
  'kind,id,type,emailAddress,domain,role,allowFileDiscovery',
);

/** A `drive#permission`; shared-drive items carry `permissionDetails` saying where a grant comes from. */
export function permissionResource(
  store: DriveTenantStore,
  p: DrivePermission,
  file?: DriveFile,
  inheritedFrom?: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: 'drive#permission',
    id: p.id,
    type: p.type,
    role: p.role,
    deleted: false,
    pendingOwner: false,
  };
  if (p.emailAddress) {
    out['emailAddress'] = p.emailAddress;
    const u = store.tenant.users.get(p.emailAddress);
    const g = store.tenant.groups.get(p.emailAddress);
    out['displayName'] = u ? `${u.givenName} ${u.familyName}` : (g?.name ?? p.emailAddress);
  }
  if (p.domain) {
    out['domain'] = p.domain;
    out['displayName'] = p.domain;
  }
  if (p.allowFileDiscovery !== undefined) out['allowFileDiscovery'] = p.allowFileDiscovery;
  if (file?.driveId) {
    out['permissionDetails'] = [
      {
        permissionType: inheritedFrom === file.driveId || (file.isRoot ?? false) ? 'member' : 'file',
        role: p.role,
        inherited: inheritedFrom !== undefined,
        ...(inheritedFrom ? { inheritedFrom } : {}),
      },
    ];
  }
  return out;
}

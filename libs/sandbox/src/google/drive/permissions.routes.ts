import { sendEmpty, sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import { googleError } from '../../http/vendor-errors';
import { googlePage } from '../paging';
import { applyFields, parseFields } from '../partial-response';
import {
  boolParam,
  DRIVE_SCOPES,
  driveRoute,
  fieldsOf,
  insufficientFilePermissions,
  readMetadata,
  visibleFile,
} from './drive-http';
import type { DrivePermission, PermissionRole, PermissionType } from './drive.model';
import { anyonePermission, atLeast, domainPermission, userPermission } from './drive.store';
import type { DriveState } from './drive.state';
import { PERMISSION_DEFAULT_FIELDS, permissionResource } from './permission.resource';

const ROLES = new Set<PermissionRole>([
  'owner',
  'organizer',
  'fileOrganizer',
  'writer',
  'commenter',
  'reader',
]);
const TYPES = new Set<PermissionType>(['user', 'group', 'domain', 'anyone']);
const LIST_DEFAULT_FIELDS = parseFields(
  'kind,nextPageToken,permissions(kind,id,type,emailAddress,domain,role,allowFileDiscovery)',
);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const invalidSharing = (message: string) =>
  googleError(400, 'invalidSharingRequest', `Bad Request. User message: "${message}"`);
const permissionNotFound = (id: string) =>
  googleError(404, 'notFound', `Permission not found: ${id}.`, {
    location: 'permissionId',
    locationType: 'parameter',
  });

/** permissions.list / get / create / update / delete on files and folders (My Drive and shared drives). */
export function permissionRoutes(state: DriveState): Route[] {
  return [
    driveRoute(
      'GET',
      '/drive/v3/files/:fileId/permissions',
      'permissions.list',
      DRIVE_SCOPES.read,
      (req, res) => {
        const caller = state.caller(req);
        const file = visibleFile(caller, req, req.params['fileId']);
        if (!atLeast(caller.store.roleOf(caller.user, file), 'writer')) throw insufficientFilePermissions();
        const all = caller.store
          .effectivePermissions(file)
          .map((e) => permissionResource(caller.store, e.permission, file, e.inheritedFrom));
        const { page, nextPageToken } = googlePage(all, req, 'pageSize', 100, 100);
        sendJson(
          res,
          200,
          applyFields(
            { kind: 'drive#permissionList', permissions: page, ...(nextPageToken ? { nextPageToken } : {}) },
            fieldsOf(req) ?? LIST_DEFAULT_FIELDS,
          ),
        );
      },
    ),
    driveRoute(
      'GET',
      '/drive/v3/files/:fileId/permissions/:permissionId',
      'permissions.get',
      DRIVE_SCOPES.read,
      (req, res) => {
        const caller = state.caller(req);
        const file = visibleFile(caller, req, req.params['fileId']);
        const found = caller.store
          .effectivePermissions(file)
          .find((e) => e.permission.id === req.params['permissionId']);
        if (!found) throw permissionNotFound(req.params['permissionId'] ?? '');
        sendJson(
          res,
          200,
          applyFields(
            permissionResource(caller.store, found.permission, file, found.inheritedFrom),
            fieldsOf(req) ?? PERMISSION_DEFAULT_FIELDS,
          ),
        );
      },
    ),
    driveRoute(
      'POST',
      '/drive/v3/files/:fileId/permissions',
      'permissions.create',
      DRIVE_SCOPES.write,
      async (req, res) => {
        const caller = state.caller(req);
        const { store, user } = caller;
        const file = visibleFile(caller, req, req.params['fileId']);
        const body = await readMetadata(req);
        if (!atLeast(store.roleOf(user, file), 'writer')) throw insufficientFilePermissions();
        const type = body['type'];
        const role = body['role'];
        if (type === undefined)
          throw googleError(400, 'required', 'The permission type field is required.', {
            location: 'permission.type',
            locationType: 'other',
          });
        if (role === undefined)
          throw googleError(400, 'required', 'The permission role field is required.', {
            location: 'permission.role',
            locationType: 'other',
          });
        if (typeof type !== 'string' || !TYPES.has(type as PermissionType))
          throw googleError(400, 'invalid', 'Invalid Value', {
            location: 'permission.type',
            locationType: 'other',
          });
        if (typeof role !== 'string' || !ROLES.has(role as PermissionRole))
          throw googleError(400, 'invalid', 'Invalid Value', {
            location: 'permission.role',
            locationType: 'other',
          });
        const r = role as PermissionRole;
        if ((r === 'organizer' || r === 'fileOrganizer') && !file.driveId)
          throw invalidSharing('Organizer roles apply only to shared drive items.');
        if (r === 'owner' && file.driveId) throw invalidSharing('Shared drive items cannot have an owner.');
        if (r === 'owner' && !boolParam(req, 'transferOwnership')) {
          throw googleError(
            403,
            'forbidden',
            "The transferOwnership parameter must be enabled when the permission role is 'owner'.",
            { location: 'transferOwnership', locationType: 'parameter' },
          );
        }
        if (r === 'owner' && store.roleOf(user, file) !== 'owner') throw insufficientFilePermissions();
        let permission: DrivePermission;
        if (type === 'user' || type === 'group') {
          const email = body['emailAddress'];
          if (typeof email !== 'string' || !EMAIL.test(email))
            throw invalidSharing('A valid emailAddress is required for user and group permissions.');
          if (
            type === 'group' &&
            !store.tenant.groups.has(email.toLowerCase()) &&
            email.toLowerCase().endsWith(`@${store.tenant.domain}`)
          )
            throw invalidSharing(`No group ${email} exists in the domain.`);
          permission = userPermission(email, r, type);
        } else if (type === 'domain') {
          const domain = body['domain'];
          if (typeof domain !== 'string' || domain.length === 0)
            throw invalidSharing('A domain is required for domain permissions.');
          permission = domainPermission(domain.toLowerCase(), r, body['allowFileDiscovery'] === true);
        } else {
          permission = anyonePermission(r, body['allowFileDiscovery'] === true);
        }
        const before = store.audience(file);
        const target =
          file.isRoot && file.driveId
            ? (store.drives.get(file.driveId)?.permissions ?? file.permissions)
            : file.permissions;
        const existing = target.find((p) => p.id === permission.id);
        if (existing) existing.role = r;
        else target.push(permission);
        if (r === 'owner' && permission.emailAddress) {
          // Ownership transfer: the previous owner stays on as a writer.
          const previous = file.owner;
          file.owner = permission.emailAddress;
          for (const p of target)
            if (p.role === 'owner' && p.emailAddress !== permission.emailAddress) p.role = 'writer';
          if (previous && !target.some((p) => p.emailAddress === previous))
            target.push(userPermission(previous, 'writer'));
        }
        // sendNotificationEmail defaults to true for users and groups; the sandbox only counts them.
        if ((type === 'user' || type === 'group') && boolParam(req, 'sendNotificationEmail', true))
          store.notificationsSent++;
        store.touchWithAudience(file, before);
        sendJson(
          res,
          200,
          applyFields(
            permissionResource(store, existing ?? permission, file),
            fieldsOf(req) ?? PERMISSION_DEFAULT_FIELDS,
          ),
        );
      },
    ),
    driveRoute(
      'PATCH',
      '/drive/v3/files/:fileId/permissions/:permissionId',
      'permissions.update',
      DRIVE_SCOPES.write,
      async (req, res) => {
        const caller = state.caller(req);
        const file = visibleFile(caller, req, req.params['fileId']);
        const body = await readMetadata(req);
        if (!atLeast(caller.store.roleOf(caller.user, file), 'writer')) throw insufficientFilePermissions();
        const permission = file.permissions.find((p) => p.id === req.params['permissionId']);
        if (!permission) throw permissionNotFound(req.params['permissionId'] ?? '');
        const role = body['role'];
        if (typeof role !== 'string' || !ROLES.has(role as PermissionRole) || role === 'owner')
          throw googleError(400, 'invalid', 'Invalid Value', {
            location: 'permission.role',
            locationType: 'other',
          });
        if (permission.role === 'owner')
          throw invalidSharing("The owner's role cannot be changed; transfer ownership instead.");
        const before = caller.store.audience(file);
        permission.role = role as PermissionRole;
        caller.store.touchWithAudience(file, before);
        sendJson(
          res,
          200,
          applyFields(
            permissionResource(caller.store, permission, file),
            fieldsOf(req) ?? PERMISSION_DEFAULT_FIELDS,
          ),
        );
      },
    ),
    driveRoute(
      'DELETE',
      '/drive/v3/files/:fileId/permissions/:permissionId',
      'permissions.delete',
      DRIVE_SCOPES.write,
      (req, res) => {
        const caller = state.caller(req);
        const file = visibleFile(caller, req, req.params['fileId']);
        if (!atLeast(caller.store.roleOf(caller.user, file), 'writer')) throw insufficientFilePermissions();
        const target =
          file.isRoot && file.driveId
            ? (caller.store.drives.get(file.driveId)?.permissions ?? [])
            : file.permissions;
        const index = target.findIndex((p) => p.id === req.params['permissionId']);
        if (index < 0) throw permissionNotFound(req.params['permissionId'] ?? '');
        if (target[index]?.role === 'owner')
          throw googleError(403, 'cannotDeletePermission', 'The owner of a file cannot be removed.');
        const before = caller.store.audience(file);
        target.splice(index, 1);
        caller.store.touchWithAudience(file, before);
        sendEmpty(res, 204);
      },
    ),
  ];
}

import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import { googlePage } from '../paging';
import { applyFields, parseFields } from '../partial-response';
import { boolParam, DRIVE_SCOPES, driveRoute, fieldsOf, readMetadata, type DriveCaller } from './drive-http';
import { driveRootId } from './drive-ids';
import { EXPORT_FORMATS, userResource } from './drive-file.resource';
import { evaluate, parseQuery } from './drive-query';
import type { SharedDrive } from './drive.model';
import { addSharedDrive, atLeast, userPermission } from './drive.store';
import type { DriveState } from './drive.state';

const DRIVE_DEFAULT_FIELDS = parseFields('kind,id,name');
const DRIVES_LIST_DEFAULT_FIELDS = parseFields('kind,nextPageToken,drives(kind,id,name)');
/** A Workspace user's pooled storage as about.get reports it (the sandbox does not enforce it). */
const STORAGE_LIMIT = 5 * 1024 ** 4;
const MAX_UPLOAD = 5 * 1024 ** 4;

function driveResource(caller: DriveCaller, drive: SharedDrive): Record<string, unknown> {
  const root = caller.store.get(drive.id);
  const role = root ? caller.store.roleOf(caller.user, root) : undefined;
  const organizer = role === 'organizer';
  return {
    kind: 'drive#drive',
    id: drive.id,
    name: drive.name,
    createdTime: new Date(drive.createdTime).toISOString(),
    hidden: drive.hidden,
    colorRgb: '#4285f4',
    themeId: 'abacus',
    backgroundImageLink: 'https://ssl.gstatic.com/team_drive_themes/abacus_background.jpg',
    capabilities: {
      canAddChildren: atLeast(role, 'writer'),
      canComment: atLeast(role, 'commenter'),
      canCopy: true,
      canDeleteDrive: organizer,
      canDownload: true,
      canEdit: atLeast(role, 'writer'),
      canListChildren: role !== undefined,
      canManageMembers: organizer,
      canReadRevisions: atLeast(role, 'commenter'),
      canRename: organizer,
      canRenameDrive: organizer,
      canShare: atLeast(role, 'fileOrganizer'),
      canTrashChildren: atLeast(role, 'fileOrganizer'),
      canDeleteChildren: organizer,
    },
    restrictions: {
      adminManagedRestrictions: false,
      copyRequiresWriterPermission: false,
      domainUsersOnly: false,
      driveMembersOnly: false,
      sharingFoldersRequiresOrganizerPermission: false,
    },
  };
}

const driveNotFound = (id: string) =>
  googleError(404, 'notFound', `Shared drive not found: ${id}`, {
    location: 'driveId',
    locationType: 'parameter',
  });

/** Shared drives the caller may see: as a member, or all of them for an admin using useDomainAdminAccess. */
function drivesOf(caller: DriveCaller, req: SandboxRequest): SharedDrive[] {
  const admin = boolParam(req, 'useDomainAdminAccess');
  if (admin && !caller.store.tenant.users.get(caller.user)?.isAdmin)
    throw googleError(
      403,
      'insufficientAdministratorPrivileges',
      'The user does not have sufficient administrator privileges.',
    );
  return [...caller.store.drives.values()].filter((d) => {
    const root = caller.store.get(d.id);
    return root !== undefined && (admin || caller.store.roleOf(caller.user, root) !== undefined);
  });
}

/** about.get, drives.list / get / create. */
export function aboutAndDriveRoutes(state: DriveState): Route[] {
  return [
    driveRoute('GET', '/drive/v3/about', 'about.get', DRIVE_SCOPES.read, (req, res) => {
      const caller = state.caller(req);
      const mask = fieldsOf(req);
      if (!mask)
        throw googleError(400, 'required', "The 'fields' parameter is required for this method.", {
          location: 'fields',
          locationType: 'parameter',
        });
      let usage = 0;
      let trash = 0;
      for (const f of caller.store.all()) {
        if (f.owner !== caller.user || !f.content) continue;
        usage += f.content.size;
        if (f.trashed) trash += f.content.size;
      }
      const body = {
        kind: 'drive#about',
        user: userResource(caller.store, caller.user, caller.user),
        storageQuota: {
          limit: String(STORAGE_LIMIT),
          usage: String(usage),
          usageInDrive: String(usage),
          usageInDriveTrash: String(trash),
        },
        maxUploadSize: String(MAX_UPLOAD),
        appInstalled: false,
        canCreateDrives: true,
        canCreateTeamDrives: true,
        exportFormats: EXPORT_FORMATS,
        importFormats: {
          'text/plain': ['application/vnd.google-apps.document'],
          'text/csv': ['application/vnd.google-apps.spreadsheet'],
        },
        maxImportSizes: {
          'application/vnd.google-apps.document': '10485760',
          'application/vnd.google-apps.spreadsheet': '104857600',
        },
        folderColorPalette: ['#ac725e', '#d06b64', '#f83a22', '#fa573c', '#ff7537', '#4986e7'],
      };
      sendJson(res, 200, applyFields(body, mask));
    }),
    driveRoute('GET', '/drive/v3/drives', 'drives.list', DRIVE_SCOPES.drives, (req, res) => {
      const caller = state.caller(req);
      const q = req.query.get('q');
      const tree = q ? parseQuery(q) : undefined;
      const aliases = { me: caller.user, root: '' };
      const drives = drivesOf(caller, req).filter(
        (d) =>
          !tree ||
          evaluate(
            tree,
            {
              name: d.name,
              mimeType: '',
              modifiedTime: d.createdTime,
              createdTime: d.createdTime,
              trashed: false,
              starred: false,
              parents: [],
              owners: [],
              writers: [],
              readers: [],
              sharedWithMe: false,
              properties: {},
              appProperties: {},
            },
            aliases,
          ),
      );
      const { page, nextPageToken } = googlePage(drives, req, 'pageSize', 10, 100);
      const body = {
        kind: 'drive#driveList',
        drives: page.map((d) => driveResource(caller, d)),
        ...(nextPageToken ? { nextPageToken } : {}),
      };
      sendJson(res, 200, applyFields(body, fieldsOf(req) ?? DRIVES_LIST_DEFAULT_FIELDS));
    }),
    driveRoute('GET', '/drive/v3/drives/:driveId', 'drives.get', DRIVE_SCOPES.drives, (req, res) => {
      const caller = state.caller(req);
      const id = req.params['driveId'] ?? '';
      const drive = drivesOf(caller, req).find((d) => d.id === id);
      if (!drive) throw driveNotFound(id);
      sendJson(res, 200, applyFields(driveResource(caller, drive), fieldsOf(req) ?? DRIVE_DEFAULT_FIELDS));
    }),
    driveRoute('POST', '/drive/v3/drives', 'drives.create', [DRIVE_SCOPES.write[0]], async (req, res) => {
      const caller = state.caller(req);
      const requestId = req.query.get('requestId');
      if (!requestId)
        throw googleError(400, 'required', 'Required parameter: requestId', {
          location: 'requestId',
          locationType: 'parameter',
        });
      const body = await readMetadata(req);
      const name = body['name'];
      if (typeof name !== 'string' || name.trim() === '' || name.length > 500)
        throw googleError(400, 'invalid', 'Invalid Value', { location: 'drive.name', locationType: 'other' });
      // requestId makes creation idempotent: the drive id derives from it, and a repeat is a 409.
      const id = driveRootId(`${caller.store.tenant.customerId}/request/${requestId}`);
      if (caller.store.drives.has(id))
        throw googleError(409, 'duplicate', 'A shared drive with this requestId already exists.');
      const drive: SharedDrive = {
        id,
        name,
        createdTime: caller.store.now(),
        hidden: false,
        permissions: [userPermission(caller.user, 'organizer')],
      };
      addSharedDrive(caller.store, drive);
      sendJson(res, 200, applyFields(driveResource(caller, drive), fieldsOf(req) ?? DRIVE_DEFAULT_FIELDS));
    }),
  ];
}

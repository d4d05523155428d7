import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import { pageSizeOf } from '../paging';
import { applyFields, parseFields, type FieldMask } from '../partial-response';
import {
  badRequest,
  boolParam,
  DRIVE_SCOPES,
  driveRoute,
  fieldsOf,
  invalidParam,
  type DriveCaller,
} from './drive-http';
import { FILE_DEFAULT_FIELDS, fileResource } from './drive-file.resource';
import type { DriveState } from './drive.state';

const LIST_DEFAULT_FIELDS = parseFields(
  'kind,nextPageToken,newStartPageToken,changes(kind,changeType,type,time,removed,fileId,driveId,file(kind,id,name,mimeType))',
);

/**
 * The shared drive a changes request is scoped to, if any (member-only, and only for callers that
 * declare shared-drive support).
 */
function driveScope(caller: DriveCaller, req: SandboxRequest): string | undefined {
  const driveId = req.query.get('driveId') ?? req.query.get('teamDriveId') ?? undefined;
  if (driveId === undefined) return undefined;
  if (!boolParam(req, 'supportsAllDrives') && !boolParam(req, 'supportsTeamDrives'))
    throw badRequest(
      'The supportsAllDrives parameter must be set to true when driveId is specified.',
      'supportsAllDrives',
    );
  const root = caller.store.get(driveId);
  if (!root?.isRoot || caller.store.roleOf(caller.user, root) === undefined)
    throw googleError(404, 'notFound', `Shared drive not found: ${driveId}`, {
      location: 'driveId',
      locationType: 'parameter',
    });
  return driveId;
}

/**
 * The token Drive rejects: unparsable, from the future, invalidated through the inspection API, or
 * a `stale-delta` fault. Drive documents no expiry for change tokens, so none is simulated by age.
 */
function checkToken(caller: DriveCaller, req: SandboxRequest, token: string | null): number {
  if (!token)
    throw googleError(400, 'required', 'Required parameter: pageToken', {
      location: 'pageToken',
      locationType: 'parameter',
    });
  const n = /^\d{1,15}$/.test(token) ? Number(token) : NaN;
  const floor = caller.store.staleBefore.get(caller.user) ?? 1;
  if (req.staleDelta || Number.isNaN(n) || n < floor || n > caller.store.nextChangeId)
    throw invalidParam('pageToken');
  return n;
}

/** changes.getStartPageToken and changes.list for the acting user (or one shared drive). */
export function changeRoutes(state: DriveState): Route[] {
  return [
    driveRoute(
      'GET',
      '/drive/v3/changes/startPageToken',
      'changes.getStartPageToken',
      DRIVE_SCOPES.read,
      (req, res) => {
        const caller = state.caller(req);
        driveScope(caller, req);
        sendJson(
          res,
          200,
          applyFields(
            { kind: 'drive#startPageToken', startPageToken: String(caller.store.nextChangeId) },
            fieldsOf(req) ?? true,
          ),
        );
      },
    ),
    driveRoute('GET', '/drive/v3/changes', 'changes.list', DRIVE_SCOPES.read, async (req, res) => {
      const caller = state.caller(req);
      const { store, user } = caller;
      const from = checkToken(caller, req, req.query.get('pageToken'));
      const driveId = driveScope(caller, req);
      const allDrives =
        boolParam(req, 'includeItemsFromAllDrives') || boolParam(req, 'includeTeamDriveItems');
      const includeRemoved = boolParam(req, 'includeRemoved', true);
      const restrictToMyDrive = boolParam(req, 'restrictToMyDrive');
      const spaces = req.query.get('spaces');
      if (
        spaces !== null &&
        !spaces.split(',').every((s) => ['drive', 'appDataFolder', 'photos'].includes(s.trim()))
      )
        throw invalidParam('spaces');
      const size = pageSizeOf(req, 'pageSize', 100, 1000);
      const mask = fieldsOf(req);
      const changeMask = mask?.has('*') ? true : mask?.get('changes');
      const fileMask: FieldMask | true | undefined =
        mask === undefined ? FILE_DEFAULT_FIELDS : changeMask === true ? true : changeMask?.get('file');
      const changes: Record<string, unknown>[] = [];
      let next: number | undefined;
      const end = store.nextChangeId;
      for (let id = from; id < end; id++) {
        const c = store.change(id);
        if (!c || store.superseded(c)) continue;
        const inScope = driveId
          ? c.driveId === driveId
          : c.driveId === undefined || (allDrives && !restrictToMyDrive);
        if (!inScope) continue;
        const live = store.get(c.fileId);
        if (live?.isRoot) continue;
        const base = {
          kind: 'drive#change',
          changeType: 'file',
          type: 'file',
          time: new Date(c.time).toISOString(),
          fileId: c.fileId,
          ...(c.driveId ? { driveId: c.driveId } : {}),
        };
        if (live && store.roleOf(user, live) !== undefined) {
          changes.push({ ...base, removed: false, file: await fileResource(store, user, live, fileMask) });
        } else {
          const gone = store.anyFile(c.fileId);
          const sawIt =
            store.sawBefore(c, user) ||
            (gone !== undefined && !live && store.roleOf(user, gone) !== undefined);
          if (!sawIt || !includeRemoved) continue;
          changes.push({ ...base, removed: true });
        }
        if (changes.length >= size) {
          next = id + 1;
          break;
        }
      }
      // The page that reaches the end of the log carries the token for the next sync instead.
      const tail =
        next === undefined || next >= end
          ? { newStartPageToken: String(end) }
          : { nextPageToken: String(next) };
      sendJson(
        res,
        200,
        applyFields({ kind: 'drive#changeList', ...tail, changes }, mask ?? LIST_DEFAULT_FIELDS),
      );
    }),
  ];
}

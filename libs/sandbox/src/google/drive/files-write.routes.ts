import type { ServerResponse } from 'node:http';
import { sendEmpty, sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import { applyFields } from '../partial-response';
import {
  checkMask,
  DRIVE_SCOPES,
  driveRoute,
  fieldsOf,
  insufficientFilePermissions,
  readMetadata,
  visibleFile,
  type DriveCaller,
} from './drive-http';
import { FILE_DEFAULT_FIELDS, FILE_FIELDS, fileResource } from './drive-file.resource';
import { isFolder, type DriveFile } from './drive.model';
import { atLeast, newFile, userPermission } from './drive.store';
import type { DriveState } from './drive.state';
import { createFile, updateFile, writableParent } from './file-metadata';

/** Answers with the file as `fields` (or Drive's defaults) asks. */
export async function sendFile(
  res: ServerResponse,
  req: SandboxRequest,
  caller: DriveCaller,
  file: DriveFile,
  status = 200,
): Promise<void> {
  const given = fieldsOf(req);
  checkMask(given, FILE_FIELDS);
  const mask = given ?? FILE_DEFAULT_FIELDS;
  sendJson(res, status, applyFields(await fileResource(caller.store, caller.user, file, mask), mask));
}

/** Checks `fields` before any mutation, so a bad mask changes nothing. */
export function checkFileMask(req: SandboxRequest): void {
  checkMask(fieldsOf(req), FILE_FIELDS);
}

/** Permanent deletion rights: the owner in My Drive, organizers (and content managers) in a shared drive. */
function canDelete(caller: DriveCaller, file: DriveFile): boolean {
  const role = caller.store.roleOf(caller.user, file);
  return !file.isRoot && (file.driveId ? atLeast(role, 'fileOrganizer') : role === 'owner');
}

/** files.create (metadata only), files.update (metadata), files.delete, files.copy, files.emptyTrash. */
export function fileWriteRoutes(state: DriveState): Route[] {
  return [
    driveRoute('POST', '/drive/v3/files', 'files.create', DRIVE_SCOPES.write, async (req, res) => {
      const caller = state.caller(req);
      checkFileMask(req);
      const meta = await readMetadata(req);
      await sendFile(res, req, caller, createFile(caller, req, meta));
    }),
    driveRoute('POST', '/drive/v3/files/:fileId/copy', 'files.copy', DRIVE_SCOPES.write, async (req, res) => {
      const caller = state.caller(req);
      checkFileMask(req);
      const source = visibleFile(caller, req, req.params['fileId']);
      const meta = await readMetadata(req);
      if (isFolder(source))
        throw googleError(403, 'cannotCopyFile', 'This file cannot be copied by the user.');
      const parents = Array.isArray(meta['parents']) ? meta['parents'] : undefined;
      const parentId =
        typeof parents?.[0] === 'string'
          ? parents[0]
          : (source.parents.find(
              (p) =>
                caller.store.get(p) &&
                atLeast(caller.store.roleOf(caller.user, caller.store.get(p) as DriveFile), 'writer'),
            ) ?? 'root');
      const parent = writableParent(caller, req, parentId);
      const now = caller.store.now();
      const copy = newFile(
        {
          id: caller.store.newFileId(),
          name: typeof meta['name'] === 'string' ? meta['name'] : `Copy of ${source.name}`,
          mimeType: source.mimeType,
          parents: [parent.id],
          ...(parent.driveId
            ? { driveId: parent.driveId }
            : { owner: caller.user, permissions: [userPermission(caller.user, 'owner')] }),
          properties: { ...source.properties },
          appProperties: { ...source.appProperties },
          lastModifyingUser: caller.user,
        },
        now,
      );
      // Content sources are immutable, so the copy shares the original's bytes.
      if (source.content) copy.content = source.content;
      if (source.contentSeed) copy.contentSeed = source.contentSeed;
      if (source.md5) copy.md5 = source.md5;
      if (typeof meta['description'] === 'string') copy.description = meta['description'];
      caller.store.add(copy, now);
      await sendFile(res, req, caller, copy);
    }),
    driveRoute('PATCH', '/drive/v3/files/:fileId', 'files.update', DRIVE_SCOPES.update, async (req, res) => {
      const caller = state.caller(req);
      checkFileMask(req);
      const file = visibleFile(caller, req, req.params['fileId']);
      const meta = await readMetadata(req);
      updateFile(caller, req, file, meta);
      await sendFile(res, req, caller, file);
    }),
    driveRoute('DELETE', '/drive/v3/files/trash', 'files.emptyTrash', DRIVE_SCOPES.write, (req, res) => {
      const caller = state.caller(req);
      const mine = [...caller.store.all()].filter(
        (f) => f.explicitlyTrashed && f.owner === caller.user && !f.driveId,
      );
      for (const f of mine) if (caller.store.get(f.id)) caller.store.delete(f);
      sendEmpty(res, 204);
    }),
    driveRoute('DELETE', '/drive/v3/files/:fileId', 'files.delete', DRIVE_SCOPES.write, (req, res) => {
      const caller = state.caller(req);
      const file = visibleFile(caller, req, req.params['fileId']);
      if (!canDelete(caller, file)) throw insufficientFilePermissions();
      caller.store.delete(file);
      sendEmpty(res, 204);
    }),
  ];
}

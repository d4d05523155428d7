import type { ContentSource } from '../../content/content-source';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import { badRequest, invalidParam, notFoundFile, visibleFile, type DriveCaller } from './drive-http';
import { isFolder, type DriveFile } from './drive.model';
import { atLeast, newFile, userPermission, type DriveTenantStore } from './drive.store';

/** Fields a client may set on create (others in the body are Drive's 403 fieldNotWritable). */
const CREATE_WRITABLE = new Set([
  'kind',
  'id',
  'name',
  'mimeType',
  'parents',
  'description',
  'starred',
  'trashed',
  'properties',
  'appProperties',
  'createdTime',
  'modifiedTime',
  'viewedByMeTime',
  'originalFilename',
  'folderColorRgb',
  'writersCanShare',
  'copyRequiresWriterPermission',
  'contentHints',
  'driveId',
  'teamDriveId',
]);
const UPDATE_WRITABLE = new Set([
  'kind',
  'name',
  'mimeType',
  'description',
  'starred',
  'trashed',
  'properties',
  'appProperties',
  'modifiedTime',
  'viewedByMeTime',
  'originalFilename',
  'folderColorRgb',
  'writersCanShare',
  'copyRequiresWriterPermission',
  'contentHints',
]);

const notWritable = (message = 'The resource body includes fields which are not directly writable.') =>
  googleError(403, 'fieldNotWritable', message);
export const cannotAddParent = () =>
  googleError(
    403,
    'cannotAddParent',
    'Increasing the number of parents is not allowed. A file can only have one parent.',
  );

/** Uploaded content, with the MD5 the upload stream computed on the way in. */
export interface LandedContent {
  readonly source: ContentSource;
  readonly md5: string;
  readonly mimeType?: string;
}

function str(meta: Record<string, unknown>, key: string, max = 32_767): string | undefined {
  const v = meta[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > max) throw invalidParam(key, `Invalid value for ${key}.`);
  return v;
}

function time(meta: Record<string, unknown>, key: string): number | undefined {
  const v = str(meta, key, 64);
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T/.test(v))
    throw invalidParam(key, `Invalid value for ${key}: ${v.slice(0, 40)}`);
  return t;
}

function bool(meta: Record<string, unknown>, key: string): boolean | undefined {
  const v = meta[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidParam(key, `Invalid value for ${key}.`);
  return v;
}

/** Merges `properties`/`appProperties` as Drive does: a null value deletes the key. */
function mergeProps(target: Record<string, string>, value: unknown, key: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParam(key, `Invalid value for ${key}.`);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null) delete target[k];
    else if (typeof v === 'string' && Buffer.byteLength(k) + Buffer.byteLength(v) <= 124) target[k] = v;
    else
      throw googleError(
        400,
        'invalidProperty',
        `Invalid property ${k.slice(0, 40)}: the key and value together must be at most 124 bytes.`,
      );
  }
}

/** A folder the caller may add children to (`root` = their My Drive). */
export function writableParent(caller: DriveCaller, req: SandboxRequest, id: string): DriveFile {
  let parent: DriveFile;
  try {
    parent = visibleFile(caller, req, id);
  } catch {
    throw notFoundFile(id);
  }
  if (!isFolder(parent)) throw badRequest('The specified parent is not a folder.', 'parents');
  if (!atLeast(caller.store.roleOf(caller.user, parent), 'writer'))
    throw googleError(
      403,
      'insufficientParentPermissions',
      'Insufficient permissions for the specified parent.',
    );
  return parent;
}

/** Builds a new item from a create body (metadata-only, or with uploaded content). */
export function createFile(
  caller: DriveCaller,
  req: SandboxRequest,
  meta: Record<string, unknown>,
  content?: LandedContent,
): DriveFile {
  const { store, user } = caller;
  for (const key of Object.keys(meta)) if (!CREATE_WRITABLE.has(key)) throw notWritable();
  const parentIds = meta['parents'];
  if (
    parentIds !== undefined &&
    (!Array.isArray(parentIds) || !parentIds.every((p) => typeof p === 'string'))
  )
    throw invalidParam('parents', 'Invalid value for parents.');
  if (Array.isArray(parentIds) && parentIds.length > 1) throw cannotAddParent();
  const parent = writableParent(caller, req, parentIds?.[0] ?? 'root');
  let id = str(meta, 'id', 200);
  if (id !== undefined) {
    if (!store.generatedIds.delete(id))
      throw googleError(400, 'fileIdNotUsable', 'The provided file ID is not usable.', {
        location: 'file.id',
        locationType: 'other',
      });
  } else {
    id = store.newFileId();
  }
  const now = caller.store.now();
  const mimeType = str(meta, 'mimeType', 255) ?? content?.mimeType ?? 'application/octet-stream';
  const file = newFile(
    {
      id,
      name: str(meta, 'name', 32_767) ?? 'Untitled',
      mimeType,
      parents: [parent.id],
      ...(parent.driveId
        ? { driveId: parent.driveId }
        : { owner: user, permissions: [userPermission(user, 'owner')] }),
      lastModifyingUser: user,
    },
    now,
  );
  applyCommon(file, meta);
  file.createdTime = time(meta, 'createdTime') ?? now;
  file.modifiedTime = time(meta, 'modifiedTime') ?? now;
  // Simplified conversion: content uploaded as a Google-native type is accepted but not kept.
  if (content && !mimeType.startsWith('application/vnd.google-apps.')) setContent(file, content);
  if (bool(meta, 'trashed')) {
    file.trashed = true;
    file.explicitlyTrashed = true;
    file.trashedTime = now;
  }
  return store.add(file, now);
}

function applyCommon(file: DriveFile, meta: Record<string, unknown>): void {
  const name = str(meta, 'name', 32_767);
  if (name !== undefined) file.name = name;
  const description = str(meta, 'description', 32_767);
  if (description !== undefined) file.description = description;
  const starred = bool(meta, 'starred');
  if (starred !== undefined) file.starred = starred;
  mergeProps(file.properties, meta['properties'], 'properties');
  mergeProps(file.appProperties, meta['appProperties'], 'appProperties');
}

export function setContent(file: DriveFile, content: LandedContent): void {
  file.content = content.source;
  file.md5 = Promise.resolve(content.md5);
  delete file.contentSeed;
}

/** Sets or clears `trashed` on an item and, as Drive does, on everything under a folder. */
export function setTrashed(store: DriveTenantStore, file: DriveFile, trashed: boolean): void {
  const now = store.now();
  file.trashed = trashed;
  file.explicitlyTrashed = trashed;
  if (trashed) file.trashedTime = now;
  else delete file.trashedTime;
  const walk = (folder: DriveFile) => {
    for (const child of store.children(folder.id)) {
      if (child.explicitlyTrashed) continue;
      child.trashed = trashed;
      if (trashed) child.trashedTime = now;
      else delete child.trashedTime;
      store.touch(child, { modified: false });
      walk(child);
    }
  };
  walk(file);
}

/** Applies an update body (and new content); `parents` must go through add/removeParents. */
export function updateFile(
  caller: DriveCaller,
  req: SandboxRequest,
  file: DriveFile,
  meta: Record<string, unknown>,
  content?: LandedContent,
): void {
  const { store, user } = caller;
  if ('parents' in meta)
    throw notWritable(
      'The parents field is not directly writable in update requests. Use the addParents and removeParents parameters instead.',
    );
  for (const key of Object.keys(meta)) if (!UPDATE_WRITABLE.has(key)) throw notWritable();
  const role = store.roleOf(user, file);
  if (!atLeast(role, 'writer'))
    throw googleError(
      403,
      'insufficientFilePermissions',
      'The user does not have sufficient permissions for this file.',
    );
  const trashed = bool(meta, 'trashed');
  const canTrash = file.driveId ? atLeast(role, 'fileOrganizer') : role === 'owner';
  if (trashed !== undefined && trashed !== file.trashed && !canTrash)
    throw googleError(
      403,
      'insufficientFilePermissions',
      'The user does not have sufficient permissions for this file.',
    );
  const mimeType = str(meta, 'mimeType', 255);
  if (mimeType !== undefined && mimeType !== file.mimeType) {
    if (isFolder(file) || mimeType.startsWith('application/vnd.google-apps.'))
      throw badRequest('The mimeType of this item cannot be changed to or from a Google type.', 'mimeType');
    file.mimeType = mimeType;
  }
  const modifiedTime = time(meta, 'modifiedTime');
  applyCommon(file, meta);
  if (content) {
    if (isFolder(file) || file.mimeType.startsWith('application/vnd.google-apps.'))
      throw badRequest('Media upload is not supported for this item.', 'uploadType');
    setContent(file, content);
    if (content.mimeType && mimeType === undefined && content.mimeType !== 'application/octet-stream')
      file.mimeType = content.mimeType;
  }
  movePerParams(caller, req, file);
  if (trashed !== undefined && trashed !== file.trashed) setTrashed(store, file, trashed);
  store.touch(file, { by: user });
  if (modifiedTime !== undefined) file.modifiedTime = modifiedTime;
}

const listParam = (req: SandboxRequest, name: string): string[] =>
  (req.query.get(name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `addParents`/`removeParents`: Drive allows one parent per item, within the same drive. */
function movePerParams(caller: DriveCaller, req: SandboxRequest, file: DriveFile): void {
  const add = listParam(req, 'addParents');
  const remove = listParam(req, 'removeParents');
  if (add.length === 0 && remove.length === 0) return;
  const rootId = caller.store.root(caller.user).id;
  const resolve = (id: string) => (id === 'root' ? rootId : id);
  const removeIds = new Set(remove.map(resolve));
  const next = file.parents.filter((p) => !removeIds.has(p));
  for (const id of add) {
    const parent = writableParent(caller, req, id);
    if ((parent.driveId ?? '') !== (file.driveId ?? ''))
      throw badRequest(
        'Moving items between My Drive and shared drives is not supported by the sandbox.',
        'addParents',
      );
    for (
      let p: DriveFile | undefined = parent;
      p;
      p = p.parents[0] ? caller.store.get(p.parents[0]) : undefined
    ) {
      if (p.id === file.id)
        throw badRequest('The parent would create a cycle in the folder graph.', 'addParents');
    }
    if (!next.includes(parent.id)) next.push(parent.id);
  }
  if (next.length > 1) throw cannotAddParent();
  caller.store.move(file, next);
}

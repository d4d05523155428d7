import { isRecord, readJson } from '../../http/body';
import { sendEmpty, sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import { decodeSkipToken, encodeSkipToken, linkWith, selectFields, topOf } from '../odata';
import { accessDenied, DRIVE_READ, DRIVE_WRITE, invalidRequest, itemNotFound, type DriveTarget } from './drive-access';
import { conflictBehaviorOf, DRIVE_PREFIXES, driveRoute, itemRoutes, type ConflictBehavior, type DriveApi } from './drive-api';
import type { ItemRecord } from './drive.store';
import { invalidNameReason, renamed } from './drive-names';

const badJson = (m: string) => graphError(400, 'invalidRequest', m);

export function nameConflict(name: string) {
  return graphError(409, 'nameAlreadyExists', `The specified item name already exists. Name: ${name}`);
}

/**
 * Applies a conflict behavior for `name` in `parent`: the name to use, and for `replace` the item
 * that gives way. `ignoreId` is the item being renamed or moved (its own name is no conflict).
 */
export function placeName(api: DriveApi, t: DriveTarget, parent: ItemRecord, name: string, behavior: ConflictBehavior, ignoreId?: string): { name: string; replaces?: ItemRecord } {
  const reason = invalidNameReason(name);
  if (reason) throw invalidRequest(`The name '${name.slice(0, 300)}' is not valid: ${reason}.`);
  const existing = api.store.childNamed(t.drive, parent, name);
  if (!existing || existing.id === ignoreId) return { name };
  if (behavior === 'fail') throw nameConflict(name);
  if (behavior === 'replace') return { name, replaces: existing };
  for (let n = 1; ; n++) {
    const candidate = renamed(name, n);
    if (!api.store.childNamed(t.drive, parent, candidate)) return { name: candidate };
  }
}

/** `If-Match`: a stale eTag (or cTag) refuses the change with 412, as OneDrive does. */
export function checkIfMatch(req: SandboxRequest, item: ItemRecord): void {
  const header = req.raw.headers['if-match'];
  if (header === undefined || header === '*') return;
  const eTag = `"{${item.tag}},${item.version}"`;
  const cTag = `"c:{${item.tag}},${item.contentVersion}"`;
  if (header !== eTag && header !== cTag) throw graphError(412, 'resourceModified', 'ETag does not match current item\'s value');
}

/** Deleted items no longer need their uploaded bytes: hand them back to the retention budget. */
export function releaseContent(api: DriveApi, removed: readonly ItemRecord[]): void {
  for (const it of removed) {
    if (it.content) api.ctx.retention.release(it.content);
    it.content = undefined;
  }
}

export async function sendItem(api: DriveApi, req: SandboxRequest, res: Parameters<typeof sendJson>[0], t: DriveTarget, item: ItemRecord, status = 200): Promise<void> {
  const body = { '@odata.context': `${api.ctx.origin()}/v1.0/$metadata#drives('${t.drive.id}')/items/$entity`, ...(await api.views.item(t, item)) };
  sendJson(res, status, selectFields(body, req));
}

export async function listChildren(api: DriveApi, req: SandboxRequest, res: Parameters<typeof sendJson>[0], t: DriveTarget, item: ItemRecord): Promise<void> {
  if (!item.folder) throw itemNotFound();
  const all = api.store.children(t.drive, item);
  const top = topOf(req, { defaultTop: 200, maxTop: 1000 });
  const offset = decodeSkipToken(req.query.get('$skiptoken'));
  const page = await Promise.all(all.slice(offset, offset + top).map(async (c) => selectFields(await api.views.item(t, c), req)));
  const origin = api.ctx.origin();
  const body: Record<string, unknown> = { '@odata.context': `${origin}/v1.0/$metadata#drives('${t.drive.id}')/items('${item.id}')/children`, value: page };
  if (req.query.get('$count') === 'true') body['@odata.count'] = all.length;
  if (offset + top < all.length) body['@odata.nextLink'] = linkWith(req, origin, { $skiptoken: encodeSkipToken(offset + top) });
  sendJson(res, 200, body);
}

/** POST children: creates a folder (the only item this endpoint creates without content). */
export async function createChild(api: DriveApi, req: SandboxRequest, res: Parameters<typeof sendJson>[0], t: DriveTarget, parent: ItemRecord): Promise<void> {
  if (!parent.folder) throw itemNotFound();
  const body = await readJson(req.raw, badJson);
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  const name = body['name'];
  if (typeof name !== 'string') throw invalidRequest("The property 'name' is required.");
  if (!isRecord(body['folder'])) throw invalidRequest("Only folders can be created here: include the 'folder' facet, or upload content with PUT .../content.");
  const placed = placeName(api, t, parent, name, conflictBehaviorOf(body['@microsoft.graph.conflictBehavior'], 'fail'));
  const now = api.ctx.clock.now();
  if (placed.replaces) releaseContent(api, api.store.remove(t.drive, placed.replaces, now));
  const item = api.store.add(t.drive, parent, { name: placed.name, folder: true, at: now, by: api.access.actor(req) });
  if (typeof body['description'] === 'string') item.description = body['description'].slice(0, 1024);
  await sendItem(api, req, res, t, item, 201);
}

/** PATCH: rename (`name`), move (`parentReference.id` or `.path`), `description`. */
export async function updateItem(api: DriveApi, req: SandboxRequest, res: Parameters<typeof sendJson>[0], t: DriveTarget, item: ItemRecord): Promise<void> {
  const body = await readJson(req.raw, badJson);
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  checkIfMatch(req, item);
  const now = api.ctx.clock.now();
  let target = item.parentId ? t.drive.items.get(item.parentId) : undefined;
  const ref = body['parentReference'];
  if (ref !== undefined) {
    if (!isRecord(ref)) throw invalidRequest("'parentReference' must be an object.");
    if (ref['driveId'] !== undefined && ref['driveId'] !== t.drive.id) throw graphError(400, 'notSupported', 'Moving items between drives is not supported by this call; copy the item instead.');
    if (typeof ref['id'] === 'string') target = api.access.item(t, ref['id']);
    else if (typeof ref['path'] === 'string') {
      const m = /^\/drive(?:s\/[^/]+)?\/root:(.*)$/.exec(ref['path']);
      if (!m) throw invalidRequest(`Invalid parentReference path '${ref['path'].slice(0, 200)}'.`);
      target = api.store.atPath(t.drive, api.store.root(t.drive), (m[1] ?? '').split('/').filter(Boolean));
      if (!target) throw itemNotFound();
    }
  }
  if (!item.parentId) {
    if (body['name'] !== undefined || ref !== undefined) throw accessDenied('The root folder cannot be renamed or moved.');
  }
  if (target && !target.folder) throw invalidRequest('The destination is not a folder.');
  if (target && item.folder && api.store.isWithin(t.drive, target, item)) throw invalidRequest('A folder cannot be moved into itself or one of its subfolders.');
  const newName = body['name'] === undefined ? item.name : body['name'];
  if (typeof newName !== 'string') throw invalidRequest("'name' must be a string.");
  const description = body['description'];
  if (description !== undefined && description !== null && typeof description !== 'string') throw invalidRequest("'description' must be a string.");
  if (target && (target.id !== item.parentId || newName !== item.name)) {
    const behavior = conflictBehaviorOf(req.query.get('@microsoft.graph.conflictBehavior') ?? body['@microsoft.graph.conflictBehavior'], 'fail');
    const placed = placeName(api, t, target, newName, behavior, item.id);
    if (placed.replaces) releaseContent(api, api.store.remove(t.drive, placed.replaces, now));
    if (target.id !== item.parentId) api.store.move(t.drive, item, target, now);
    if (placed.name !== item.name) api.store.rename(t.drive, item, placed.name);
  }
  if (typeof description === 'string') item.description = description.slice(0, 1024);
  else if (description === null) item.description = undefined;
  api.store.touch(t.drive, item, now, api.access.actor(req), false);
  await sendItem(api, req, res, t, item);
}

export function deleteItem(api: DriveApi, req: SandboxRequest, res: Parameters<typeof sendJson>[0], t: DriveTarget, item: ItemRecord): void {
  if (!item.parentId) throw accessDenied('The root folder cannot be deleted.');
  checkIfMatch(req, item);
  releaseContent(api, api.store.remove(t.drive, item, api.ctx.clock.now()));
  sendEmpty(res, 204);
}

/** Drives, items and children addressed by id. */
export function driveItemRoutes(api: DriveApi): Route[] {
  const drives = (req: SandboxRequest) => {
    const t = api.access.target(req);
    return { '@odata.context': `${api.ctx.origin()}/v1.0/$metadata#drives`, value: [selectFields(api.views.drive(t), req)] };
  };
  return [
    ...DRIVE_PREFIXES.map((prefix) =>
      driveRoute(api, 'GET', prefix, 'graph.drive.get', DRIVE_READ, (req, res) => {
        const t = api.access.target(req);
        sendJson(res, 200, selectFields({ '@odata.context': `${api.ctx.origin()}/v1.0/$metadata#drives/$entity`, ...api.views.drive(t) }, req));
      }),
    ),
    // A user has one OneDrive; `/drives` lists just it (document libraries of sites are out of scope).
    driveRoute(api, 'GET', '/v1.0/users/:user/drives', 'graph.drive.list', DRIVE_READ, (req, res) => sendJson(res, 200, drives(req))),
    driveRoute(api, 'GET', '/v1.0/me/drives', 'graph.drive.list', DRIVE_READ, (req, res) => sendJson(res, 200, drives(req))),
    ...itemRoutes(api, 'GET', '/children', 'graph.drive.children.list', DRIVE_READ, listChildren),
    ...itemRoutes(api, 'POST', '/children', 'graph.drive.children.create', DRIVE_WRITE, createChild),
    ...itemRoutes(api, 'GET', '', 'graph.drive.items.get', DRIVE_READ, (a, req, res, t, item) => sendItem(a, req, res, t, item)),
    ...itemRoutes(api, 'PATCH', '', 'graph.drive.items.update', DRIVE_WRITE, updateItem),
    ...itemRoutes(api, 'DELETE', '', 'graph.drive.items.delete', DRIVE_WRITE, deleteItem),
  ];
}

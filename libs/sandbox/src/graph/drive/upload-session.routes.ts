import type { ServerResponse } from 'node:http';
import { BodyTooLargeError, isRecord, readBody, readJson } from '../../http/body';
import { sendEmpty, sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import { DRIVE_WRITE, invalidRequest, itemNotFound, type DriveTarget } from './drive-access';
import { conflictBehaviorOf, drain, itemRoutes, type Addressed, type DriveApi } from './drive-api';
import { nameConflict, placeName, sendItem } from './drive-items.routes';
import type { UploadSession } from './upload-session.store';

/** Every fragment but the last must be a multiple of 320 KiB ... */
export const FRAGMENT_MULTIPLE = 320 * 1024;
/** ... and at most 60 MiB (the SDKs cap their slices at exactly this). */
export const FRAGMENT_MAX_BYTES = 60 * 1024 * 1024;

const badJson = (m: string) => graphError(400, 'invalidRequest', m);
const iso = (ms: number) => new Date(ms).toISOString();

function uploadUrl(api: DriveApi, s: UploadSession): string {
  const token = api.signer.sign({ s: s.id });
  return `${api.ctx.origin()}/_api/v2.0/drives/${encodeURIComponent(s.driveId)}/items/${s.parentId}/uploadSession?guid=${s.id}&tempauth=${token}`;
}

/** POST .../createUploadSession: for a new file (parent + name) or to replace an existing one. */
export async function createUploadSession(api: DriveApi, req: SandboxRequest, res: ServerResponse, t: DriveTarget, at: Addressed): Promise<void> {
  const body = await readJson(req.raw, badJson);
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  const props = body['item'] ?? {};
  if (!isRecord(props)) throw invalidRequest("'item' must be an object.");
  const behavior = conflictBehaviorOf(props['@microsoft.graph.conflictBehavior'], 'replace');
  const fileSize = props['fileSize'];
  if (fileSize !== undefined && (typeof fileSize !== 'number' || !Number.isInteger(fileSize) || fileSize < 0)) throw invalidRequest("'fileSize' must be a non-negative integer.");
  const description = typeof props['description'] === 'string' ? props['description'].slice(0, 1024) : undefined;
  let parentId: string;
  let name: string;
  let targetId: string | undefined;
  if (at.kind === 'new') {
    parentId = at.parent.id;
    name = placeName(api, t, at.parent, at.name, behavior).name;
  } else if (at.item.folder) {
    // items/{folder-id}/createUploadSession names the new file in the body.
    if (typeof props['name'] !== 'string') throw invalidRequest("Name the new file in 'item.name', or address it by path.");
    parentId = at.item.id;
    name = placeName(api, t, at.item, props['name'], behavior).name;
  } else {
    const p = at.item.parentId;
    const parent = p ? t.drive.items.get(p) : undefined;
    if (!p || !parent) throw itemNotFound();
    parentId = p;
    name = at.item.name;
    // An existing file is replaced, unless the caller asked to fail or to keep both.
    if (behavior === 'replace') targetId = at.item.id;
    else name = placeName(api, t, parent, at.item.name, behavior).name;
  }
  const s = api.sessions.open({
    tenantId: t.tenant.tenantId,
    driveId: t.drive.id,
    parentId,
    name,
    ...(targetId ? { targetId } : {}),
    behavior,
    ...(description !== undefined ? { description } : {}),
    by: api.access.actor(req),
    ...(typeof fileSize === 'number' ? { size: fileSize } : {}),
  });
  sendJson(res, 200, { '@odata.context': `${api.ctx.origin()}/v1.0/$metadata#microsoft.graph.uploadSession`, uploadUrl: uploadUrl(api, s), expirationDateTime: iso(s.expiresAt), nextExpectedRanges: ['0-'] });
}

function sessionOf(api: DriveApi, req: SandboxRequest): UploadSession {
  const claims = api.signer.verify(req.query.get('tempauth'));
  if (!claims || typeof claims['s'] !== 'string' || claims['s'] !== req.query.get('guid')) throw graphError(401, 'unauthenticated', 'The upload URL is not valid.');
  const s = api.sessions.get(claims['s']);
  if (!s) throw itemNotFound('The upload session was not found; it may have expired, completed or been cancelled.');
  return s;
}

function status(s: UploadSession): Record<string, unknown> {
  return { expirationDateTime: iso(s.expiresAt), nextExpectedRanges: [`${s.received}-${s.size !== undefined ? s.size - 1 : ''}`] };
}

/** Checks a fragment's Content-Range against the session before any byte is read. */
function checkFragment(req: SandboxRequest, s: UploadSession): { start: number; end: number; total: number } {
  const header = req.raw.headers['content-range'];
  const m = header ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim()) : null;
  if (!m) throw invalidRequest("The Content-Range header is missing or malformed; expected 'bytes {start}-{end}/{total}'.");
  const start = Number(m[1]);
  const end = Number(m[2]);
  const total = Number(m[3]);
  const length = end - start + 1;
  if (end < start || end >= total) throw graphError(416, 'invalidRange', `The range ${start}-${end} is not within a file of ${total} bytes.`);
  if (s.size !== undefined && total !== s.size) throw invalidRequest(`The total size ${total} in Content-Range differs from the session's file size ${s.size}.`);
  const declared = req.raw.headers['content-length'];
  if (declared !== undefined && Number(declared) !== length) throw invalidRequest(`Content-Length ${declared} does not match the Content-Range length ${length}.`);
  if (start !== s.received) throw graphError(416, 'invalidRange', `Fragments must be uploaded in order; the next expected range starts at byte ${s.received}.`);
  if (length > FRAGMENT_MAX_BYTES) throw invalidRequest(`A fragment may carry at most 60 MiB (${FRAGMENT_MAX_BYTES} bytes); this one has ${length}.`);
  // OneDrive documents that other sizes cause errors committing some files; the sandbox refuses them up front.
  if (end + 1 < total && length % FRAGMENT_MULTIPLE !== 0) throw invalidRequest(`Each fragment except the last must be a multiple of 320 KiB (327,680 bytes); this one has ${length} bytes.`);
  return { start, end, total };
}

async function putFragment(api: DriveApi, req: SandboxRequest, res: ServerResponse): Promise<void> {
  let s: UploadSession;
  let range: { start: number; end: number; total: number };
  try {
    s = sessionOf(api, req);
    range = checkFragment(req, s);
    if (range.end + 1 === range.total && !s.targetId && s.behavior === 'fail') {
      const parent = api.store.drives.get(s.driveId)?.items.get(s.parentId);
      if (parent && parent.children?.has(s.name.toLowerCase())) throw nameConflict(s.name);
    }
  } catch (e) {
    drain(req);
    throw e;
  }
  const length = range.end - range.start + 1;
  let bytes: Buffer;
  try {
    // A fragment is capped at 60 MiB by the API, so reading it whole is within that cap.
    bytes = await readBody(req.raw, length);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw invalidRequest(`The body is longer than the Content-Range length ${length}.`);
    throw e;
  }
  if (bytes.length !== length) throw invalidRequest(`The body has ${bytes.length} bytes; Content-Range announced ${length}.`);
  s.size = range.total;
  api.sessions.accept(s, bytes);
  if (s.received < range.total) {
    sendJson(res, 202, status(s));
    return;
  }
  api.sessions.close(s, 'completed');
  await commit(api, req, res, s);
}

async function commit(api: DriveApi, req: SandboxRequest, res: ServerResponse, s: UploadSession): Promise<void> {
  const content = await s.content;
  const tenant = api.ctx.directory.microsoftTenant(s.tenantId);
  const drive = api.store.drives.get(s.driveId);
  const owner = drive && tenant?.users.get(drive.ownerId);
  const parent = drive && api.store.item(drive, s.parentId);
  if (!tenant || !drive || !owner || !parent) throw itemNotFound('The destination folder no longer exists.');
  const t: DriveTarget = { tenant, drive, owner };
  const now = api.ctx.clock.now();
  const existing = s.targetId ? api.store.item(drive, s.targetId) : api.store.childNamed(drive, parent, s.name);
  let name = s.name;
  if (existing && !s.targetId && s.behavior !== 'replace') name = placeName(api, t, parent, s.name, s.behavior).name;
  else if (existing && !existing.folder) {
    if (existing.content) api.ctx.retention.release(existing.content);
    api.store.replaceContent(drive, existing, content, s.hash.digest(), now, s.by);
    if (s.description !== undefined) existing.description = s.description;
    await sendItem(api, req, res, t, existing, 200);
    return;
  } else if (existing?.folder) throw nameConflict(s.name);
  const item = api.store.add(drive, parent, { name, folder: false, content, quickXorHash: s.hash.digest(), at: now, by: s.by });
  if (s.description !== undefined) item.description = s.description;
  await sendItem(api, req, res, t, item, 201);
}

/** createUploadSession under every drive prefix, plus the session's own pre-authenticated URL. */
export function uploadSessionRoutes(api: DriveApi): Route[] {
  const sessionRoute = (method: string, operation: string, handler: (req: SandboxRequest, res: ServerResponse) => Promise<void> | void): Route => ({
    vendor: 'graph',
    method,
    pattern: '/_api/v2.0/drives/:drive/items/:item/uploadSession',
    operation,
    // Pre-authenticated like SharePoint's upload URLs. Simplified: an Authorization header, which the
    // real service rejects here, is ignored (clients on one host cannot avoid sending it).
    preAuthenticated: true,
    handler,
  });
  return [
    ...itemRoutes(api, 'POST', '/createUploadSession', 'graph.drive.uploadSession.create', DRIVE_WRITE, (a, req, res, t, item) => createUploadSession(a, req, res, t, { kind: 'item', item })),
    sessionRoute('PUT', 'graph.drive.uploadSession.put', (req, res) => putFragment(api, req, res)),
    sessionRoute('GET', 'graph.drive.uploadSession.get', (req, res) => sendJson(res, 200, status(sessionOf(api, req)))),
    sessionRoute('DELETE', 'graph.drive.uploadSession.delete', (req, res) => {
      api.sessions.close(sessionOf(api, req), 'cancelled');
      sendEmpty(res, 204);
    }),
  ];
}

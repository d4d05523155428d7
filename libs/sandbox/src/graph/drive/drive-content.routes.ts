import type { ServerResponse } from 'node:http';
import { parseRange, sendEmpty, sendStream } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import { DRIVE_READ, DRIVE_WRITE, invalidRequest, itemNotFound, type DriveTarget } from './drive-access';
import { conflictBehaviorOf, drain, itemRoutes, type Addressed, type DriveApi } from './drive-api';
import { checkIfMatch, placeName, sendItem } from './drive-items.routes';
import type { ItemRecord } from './drive.store';
import { mimeTypeOf } from './drive-names';
import { QuickXorHash } from './quick-xor-hash';

/** The simple-upload limit: "PUT .../content" takes files up to 250 MB; larger need a session. */
export const SIMPLE_UPLOAD_MAX_BYTES = 250 * 1024 * 1024;

/** GET .../content: like the real service, a 302 to a short-lived pre-authenticated URL. */
export function redirectToDownload(api: DriveApi, _req: SandboxRequest, res: ServerResponse, t: DriveTarget, item: ItemRecord): void {
  if (item.folder) throw invalidRequest('Only files have content to download.');
  sendEmpty(res, 302, { location: api.views.downloadUrl(t.drive, item) });
}

async function* tapped(body: AsyncIterable<Buffer>, hash: QuickXorHash, limit: number): AsyncIterable<Buffer> {
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.length;
    // Past the limit, keep draining (so the 413 can be written) but stop hashing and keeping.
    if (seen > limit) continue;
    hash.update(chunk);
    yield chunk;
  }
  if (seen > limit) throw graphError(413, 'invalidRequest', `The request body exceeds the ${limit / 1024 / 1024} MB simple-upload limit; use an upload session.`);
}

/** PUT .../content: creates or replaces a file with the streamed body (the simple upload). */
export async function putContent(api: DriveApi, req: SandboxRequest, res: ServerResponse, t: DriveTarget, at: Addressed): Promise<void> {
  const declared = Number(req.raw.headers['content-length'] ?? '0');
  if (declared > SIMPLE_UPLOAD_MAX_BYTES) {
    drain(req);
    throw graphError(413, 'invalidRequest', `The request body exceeds the ${SIMPLE_UPLOAD_MAX_BYTES / 1024 / 1024} MB simple-upload limit; use an upload session.`);
  }
  let parent: ItemRecord;
  let existing: ItemRecord | undefined;
  let name: string;
  try {
    if (at.kind === 'item') {
      if (at.item.folder) throw invalidRequest('Cannot upload content to a folder.');
      checkIfMatch(req, at.item);
      existing = at.item;
      name = at.item.name;
      const p = at.item.parentId ? t.drive.items.get(at.item.parentId) : undefined;
      if (!p) throw itemNotFound();
      parent = p;
      const behavior = conflictBehaviorOf(req.query.get('@microsoft.graph.conflictBehavior'), 'replace');
      if (behavior !== 'replace') {
        const placed = placeName(api, t, parent, name, behavior);
        existing = undefined;
        name = placed.name;
      }
    } else {
      parent = at.parent;
      const placed = placeName(api, t, parent, at.name, conflictBehaviorOf(req.query.get('@microsoft.graph.conflictBehavior'), 'replace'));
      name = placed.name;
      existing = placed.replaces;
      if (existing?.folder) throw graphError(409, 'nameAlreadyExists', `A folder named ${name} already exists.`);
    }
  } catch (e) {
    drain(req);
    throw e;
  }
  const hash = new QuickXorHash();
  const content = await api.ctx.retention.collect(tapped(req.raw, hash, SIMPLE_UPLOAD_MAX_BYTES));
  const now = api.ctx.clock.now();
  const by = api.access.actor(req);
  if (existing) {
    if (existing.content) api.ctx.retention.release(existing.content);
    api.store.replaceContent(t.drive, existing, content, hash.digest(), now, by);
    await sendItem(api, req, res, t, existing, 200);
    return;
  }
  const item = api.store.add(t.drive, parent, { name, folder: false, content, quickXorHash: hash.digest(), at: now, by });
  await sendItem(api, req, res, t, item, 201);
}

/**
 * The pre-authenticated download URL: bytes with single-range support (206 + Content-Range,
 * 416 with `bytes *\/size` when unsatisfiable), streamed from the content source.
 */
function downloadRoute(api: DriveApi): Route {
  return {
    vendor: 'graph',
    method: 'GET',
    pattern: '/_layouts/15/download.aspx',
    operation: 'graph.drive.download',
    // The tempauth token in the URL is the credential.
    preAuthenticated: true,
    handler: async (req, res) => {
      const claims = api.signer.verify(req.query.get('tempauth'));
      if (!claims || typeof claims['d'] !== 'string' || typeof claims['i'] !== 'string' || typeof claims['e'] !== 'number') throw graphError(401, 'unauthenticated', 'The download URL is not valid.');
      if (claims['e'] < api.ctx.clock.now()) throw graphError(401, 'unauthenticated', 'The download URL has expired; request the item again for a new one.');
      const drive = api.store.drives.get(claims['d']);
      const item = drive ? api.store.item(drive, claims['i']) : undefined;
      const content = item?.content;
      if (!drive || !item || !content) throw itemNotFound();
      if (!content.readable) throw graphError(404, 'itemNotFound', 'The sandbox kept only this upload\'s digest (it was over the content retention budget).');
      const headers: Record<string, string> = { 'content-type': mimeTypeOf(item.name), 'accept-ranges': 'bytes', etag: `"{${item.tag}},${item.version}"` };
      const range = parseRange(req.raw.headers.range, content.size);
      if (range === 'unsatisfiable') {
        sendEmpty(res, 416, { 'content-range': `bytes */${content.size}` });
        return;
      }
      if (range) {
        await sendStream(res, 206, content.open(range.start, range.end), { ...headers, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${content.size}` });
        return;
      }
      await sendStream(res, 200, content.open(), { ...headers, 'content-length': String(content.size) });
    },
  };
}

export function driveContentRoutes(api: DriveApi): Route[] {
  return [
    ...itemRoutes(api, 'GET', '/content', 'graph.drive.content.get', DRIVE_READ, redirectToDownload),
    ...itemRoutes(api, 'PUT', '/content', 'graph.drive.content.put', DRIVE_WRITE, (a, req, res, t, item) => putContent(a, req, res, t, { kind: 'item', item }), true),
    downloadRoute(api),
  ];
}

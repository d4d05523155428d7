import type { ServerResponse } from 'node:http';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import { DRIVE_READ, DRIVE_WRITE, itemNotFound, type DriveTarget } from './drive-access';
import { DRIVE_PREFIXES, driveRoute, type Addressed, type AddressedHandler, type DriveApi, type ItemHandler } from './drive-api';
import { redirectToDownload, putContent } from './drive-content.routes';
import { createChild, deleteItem, listChildren, placeName, sendItem, updateItem } from './drive-items.routes';
import type { ItemRecord } from './drive.store';
import { invite, listPermissions } from './drive-permissions.routes';
import { createUploadSession } from './upload-session.routes';

/** `root:/a/b.txt:/content` -> base, path segments and suffix. */
export function parseColonPath(rest: string): { baseId: string | undefined; segments: string[]; suffix: string } | undefined {
  const m = /^(?:root|items\/([^/:]+)):(.*)$/.exec(rest);
  if (!m) return undefined;
  const remainder = m[2] ?? '';
  // Names cannot contain ':', so the first one after the base closes the path.
  const colon = remainder.indexOf(':');
  const path = colon < 0 ? remainder : remainder.slice(0, colon);
  const suffix = colon < 0 ? '' : remainder.slice(colon + 1);
  return { baseId: m[1], segments: path.split('/').filter(Boolean), suffix: suffix === '/' ? '' : suffix };
}

/** Uploads by path create missing parent folders, as OneDrive does; other calls need the path to exist. */
function resolve(api: DriveApi, req: SandboxRequest, t: DriveTarget, baseId: string | undefined, segments: readonly string[], createParents: boolean): Addressed {
  const base = api.access.item(t, baseId);
  if (segments.length === 0) return { kind: 'item', item: base };
  let parent: ItemRecord | undefined = base;
  for (const s of segments.slice(0, -1)) {
    if (!parent?.folder) throw itemNotFound();
    const next: ItemRecord | undefined = api.store.childNamed(t.drive, parent, s);
    if (!next && createParents) {
      const name = placeName(api, t, parent, s, 'fail').name;
      parent = api.store.add(t.drive, parent, { name, folder: true, at: api.ctx.clock.now(), by: api.access.actor(req) });
    } else parent = next;
  }
  if (!parent?.folder) throw itemNotFound();
  const name = segments[segments.length - 1] ?? '';
  const item = api.store.childNamed(t.drive, parent, name);
  return item ? { kind: 'item', item } : { kind: 'new', parent, name };
}

const existing = (handler: ItemHandler): AddressedHandler => (api, req, res, t, at) => {
  if (at.kind === 'new') throw itemNotFound();
  return handler(api, req, res, t, at.item);
};

/** What each method and suffix does on a path-addressed item. */
const HANDLERS: Readonly<Record<string, AddressedHandler>> = {
  'GET ': existing((a, req, res, t, item) => sendItem(a, req, res, t, item)),
  'GET /children': existing(listChildren),
  'GET /content': existing(redirectToDownload),
  'GET /permissions': existing(listPermissions),
  'POST /children': existing(createChild),
  'POST /createUploadSession': createUploadSession,
  'POST /invite': existing(invite),
  'PUT /content': putContent,
  'PATCH ': existing(updateItem),
  'DELETE ': existing(deleteItem),
};

/**
 * Path addressing (`/drives/{id}/root:/folder/file.txt:` and `/items/{id}:/name:/content`):
 * registered after the id routes as a catch-all per method, parsed here.
 */
export function drivePathRoutes(api: DriveApi): Route[] {
  const methods = [
    ['GET', DRIVE_READ],
    ['POST', DRIVE_WRITE],
    ['PUT', DRIVE_WRITE],
    ['PATCH', DRIVE_WRITE],
    ['DELETE', DRIVE_WRITE],
  ] as const;
  return DRIVE_PREFIXES.flatMap((prefix) =>
    methods.map(([method, auth]) =>
      driveRoute(
        api,
        method,
        `${prefix}/*rest`,
        `graph.drive.path.${method.toLowerCase()}`,
        auth,
        (req: SandboxRequest, res: ServerResponse) => {
          const rest = req.params['rest'] ?? '';
          const parsed = parseColonPath(rest);
          const handler = parsed && HANDLERS[`${method} ${parsed.suffix}`];
          if (!parsed || !handler) {
            req.raw.resume();
            throw graphError(400, 'BadRequest', `Resource not found for the segment '${rest.split('/').filter(Boolean).pop() ?? ''}'.`);
          }
          const t = api.access.target(req);
          const creates = parsed.suffix === '/content' || parsed.suffix === '/createUploadSession';
          let at: Addressed;
          try {
            at = resolve(api, req, t, parsed.baseId, parsed.segments, creates && method !== 'GET');
          } catch (e) {
            req.raw.resume();
            throw e;
          }
          return handler(api, req, res, t, at);
        },
        method === 'PUT',
      ),
    ),
  );
}

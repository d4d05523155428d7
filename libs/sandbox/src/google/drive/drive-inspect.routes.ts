import { z } from 'zod';
import { GeneratedContent } from '../../content/content-source';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { inspectError } from '../../http/vendor-errors';
import { readInspectBody } from '../../inspect/inspect-body';
import { inspectBadRequest } from '../../inspect/inspect-errors';
import { inspectRoutes } from '../../inspect/inspect-route';
import type { SandboxContext } from '../../sandbox-context';
import { md5Of } from './drive-file.resource';
import { FOLDER_MIME, type DriveFile } from './drive.model';
import { newFile, userPermission, type DriveTenantStore } from './drive.store';
import type { DriveState } from './drive.state';
import { setTrashed } from './file-metadata';

const addSchema = z.object({
  name: z.string().min(1).max(1000),
  parentId: z.string().max(200).optional(),
  mimeType: z.string().max(255).optional(),
  size: z
    .number()
    .int()
    .min(0)
    .max(5 * 1024 ** 4)
    .default(1024),
  folder: z.boolean().default(false),
});
const modifySchema = z.object({
  name: z.string().min(1).max(1000).optional(),
  /** New content of this size, generated from a fresh seed (a content change). */
  size: z
    .number()
    .int()
    .min(0)
    .max(5 * 1024 ** 4)
    .optional(),
  trashed: z.boolean().optional(),
  parentId: z.string().max(200).optional(),
});

function pathOf(store: DriveTenantStore, file: DriveFile): string[] {
  const segments: string[] = [];
  for (let f: DriveFile | undefined = file, depth = 0; f && !f.isRoot && depth < 100; depth++) {
    segments.unshift(f.name);
    f = f.parents[0] ? store.get(f.parents[0]) : undefined;
  }
  return segments;
}

/** One item as Ferry's tests read it back; generated content is hashed only when asked (`hash`). */
async function item(
  store: DriveTenantStore,
  file: DriveFile,
  hash: boolean,
): Promise<Record<string, unknown>> {
  const segments = pathOf(store, file);
  const out: Record<string, unknown> = {
    id: file.id,
    name: file.name,
    path: `/${segments.join('/')}`,
    pathSegments: segments,
    mimeType: file.mimeType,
    parents: file.parents,
    owner: file.owner ?? null,
    driveId: file.driveId ?? null,
    trashed: file.trashed,
    version: file.version,
    createdTime: new Date(file.createdTime).toISOString(),
    modifiedTime: new Date(file.modifiedTime).toISOString(),
    properties: file.properties,
    appProperties: file.appProperties,
    permissions: store.effectivePermissions(file).map(({ permission: p, inheritedFrom }) => ({
      id: p.id,
      type: p.type,
      role: p.role,
      emailAddress: p.emailAddress ?? null,
      domain: p.domain ?? null,
      inherited: inheritedFrom !== undefined,
    })),
  };
  if (file.content) {
    out['size'] = file.content.size;
    out['contentSeed'] = file.contentSeed ?? null;
    out['retained'] = file.content.readable;
    const lazy = file.content instanceof GeneratedContent;
    if (hash || !lazy) out['sha256'] = await file.content.sha256();
    if ((hash || !lazy) && file.content.readable) out['md5Checksum'] = await md5Of(file);
    else if (file.md5) out['md5Checksum'] = await file.md5;
  }
  return out;
}

/**
 * `/_sandbox/google/drive/:user/...`: read back a user's Drive (tree with paths, sizes, SHA-256,
 * permissions), mutate it between migration passes, and invalidate change tokens.
 */
export function driveInspectRoutes(ctx: SandboxContext, state: DriveState): Route[] {
  const route = inspectRoutes('/_sandbox/google/drive/:user', 'inspect.google-drive');
  const target = (req: SandboxRequest): { store: DriveTenantStore; user: string } => {
    const email = (req.params['user'] ?? '').toLowerCase();
    const store = state.storeOfUser(email);
    const user = store?.user(email);
    if (!store || !user) throw inspectError(404, 'no such Google user');
    return { store, user };
  };
  const fileOf = (store: DriveTenantStore, id: string | undefined): DriveFile => {
    const f = store.get(id ?? '');
    if (!f || f.isRoot) throw inspectError(404, 'no such file');
    return f;
  };
  const parentOf = (store: DriveTenantStore, user: string, id: string | undefined): DriveFile => {
    if (!id) return store.root(user);
    const p = store.get(id);
    if (p?.mimeType !== FOLDER_MIME) throw inspectBadRequest('parentId: no such folder');
    return p;
  };
  let added = 0;

  return [
    route('GET', '/tree', 'tree', async (req, res) => {
      const { store, user } = target(req);
      const hash = req.query.get('sha256') === 'true';
      const mine = [...store.all()].filter((f) => f.owner === user && !f.driveId);
      sendJson(res, 200, {
        user,
        rootId: store.root(user).id,
        count: mine.length,
        items: await Promise.all(mine.map((f) => item(store, f, hash))),
      });
    }),
    route('GET', '/shared-drives', 'shared-drives', async (req, res) => {
      const { store, user } = target(req);
      const hash = req.query.get('sha256') === 'true';
      const drives = [...store.drives.values()].filter((d) => {
        const root = store.get(d.id);
        return root && store.roleOf(user, root) !== undefined;
      });
      const out = await Promise.all(
        drives.map(async (d) => ({
          id: d.id,
          name: d.name,
          members: d.permissions.map((p) => ({ emailAddress: p.emailAddress ?? null, role: p.role })),
          items: await Promise.all(
            [...store.all()].filter((f) => f.driveId === d.id).map((f) => item(store, f, hash)),
          ),
        })),
      );
      sendJson(res, 200, { drives: out });
    }),
    route('GET', '/files/:id', 'file', async (req, res) => {
      const { store } = target(req);
      sendJson(
        res,
        200,
        await item(store, fileOf(store, req.params['id']), req.query.get('sha256') !== 'false'),
      );
    }),
    route('POST', '/files', 'file.add', async (req, res) => {
      const { store, user } = target(req);
      const body = await readInspectBody(req, addSchema);
      const parent = parentOf(store, user, body.parentId);
      const contentSeed = `${ctx.scenario.seed}/drive/inspect/${store.tenant.customerId}/${++added}`;
      const file = newFile(
        {
          id: store.newFileId(),
          name: body.name,
          mimeType: body.folder ? FOLDER_MIME : (body.mimeType ?? 'application/octet-stream'),
          parents: [parent.id],
          owner: user,
          permissions: [userPermission(user, 'owner')],
          lastModifyingUser: user,
        },
        store.now(),
      );
      if (!body.folder) {
        file.content = new GeneratedContent(contentSeed, body.size);
        file.contentSeed = contentSeed;
      }
      store.add(file);
      sendJson(res, 201, await item(store, file, false));
    }),
    route('PATCH', '/files/:id', 'file.modify', async (req, res) => {
      const { store, user } = target(req);
      const file = fileOf(store, req.params['id']);
      const body = await readInspectBody(req, modifySchema);
      if (body.parentId !== undefined) store.move(file, [parentOf(store, user, body.parentId).id]);
      if (body.name !== undefined) file.name = body.name;
      if (body.size !== undefined) {
        const contentSeed = `${ctx.scenario.seed}/drive/inspect/${store.tenant.customerId}/${++added}`;
        file.content = new GeneratedContent(contentSeed, body.size);
        file.contentSeed = contentSeed;
        delete file.md5;
      }
      if (body.trashed !== undefined) setTrashed(store, file, body.trashed);
      store.touch(file, { by: user });
      sendJson(res, 200, await item(store, file, false));
    }),
    route('DELETE', '/files/:id', 'file.delete', (req, res) => {
      const { store } = target(req);
      store.delete(fileOf(store, req.params['id']));
      sendJson(res, 200, {});
    }),
    route('POST', '/changes/invalidate', 'changes.invalidate', (req, res) => {
      const { store, user } = target(req);
      store.staleBefore.set(user, store.nextChangeId);
      sendJson(res, 200, { staleBefore: String(store.nextChangeId) });
    }),
  ];
}

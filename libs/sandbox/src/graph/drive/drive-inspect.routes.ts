import { z } from 'zod';
import { BufferContent, GeneratedContent } from '../../content/content-source';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { inspectError } from '../../http/vendor-errors';
import { readInspectBody } from '../../inspect/inspect-body';
import { inspectBadRequest } from '../../inspect/inspect-errors';
import { inspectRoutes } from '../../inspect/inspect-route';
import type { MicrosoftTenant, MicrosoftUser } from '../../state/directory';
import type { DriveTarget } from './drive-access';
import type { DriveApi } from './drive-api';
import { releaseContent } from './drive-items.routes';
import type { ItemRecord } from './drive.store';
import { invalidNameReason } from './drive-names';
import { QuickXorHash } from './quick-xor-hash';

const contentSpec = { text: z.string().max(1024 * 1024).optional(), size: z.number().int().min(0).max(250 * 1024 ** 3).optional() };
const mutationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), path: z.string().min(2).max(2000), folder: z.boolean().optional(), ...contentSpec }),
  z.object({ op: z.literal('modify'), path: z.string().min(2).max(2000), ...contentSpec }),
  z.object({ op: z.literal('delete'), path: z.string().min(2).max(2000) }),
  z.object({ op: z.literal('move'), path: z.string().min(2).max(2000), to: z.string().min(2).max(2000) }),
]);

/**
 * `/_sandbox/microsoft/drive/:user/...`: read back a OneDrive (paths, sizes, hashes, sharing) and
 * change it behind the API's back, so delta passes have something to find.
 */
export function driveInspectRoutes(api: DriveApi): Route[] {
  const route = inspectRoutes('', 'inspect.drive');

  const target = (req: SandboxRequest): DriveTarget => {
    const who = req.params['user'] ?? '';
    for (const tenant of api.ctx.directory.microsoft.values()) {
      const owner: MicrosoftUser | undefined = api.ctx.directory.microsoftUser(tenant, who);
      if (owner) return { tenant, owner, drive: api.access.driveOf(tenant, owner) };
    }
    throw inspectError(404, 'no such Microsoft user');
  };
  const segmentsOf = (path: string): string[] => {
    const segments = path.split('/').filter(Boolean);
    for (const s of segments) {
      const reason = invalidNameReason(s);
      if (reason) throw inspectBadRequest(`path: ${reason}`);
    }
    if (segments.length === 0) throw inspectBadRequest('path: the root cannot be changed');
    return segments;
  };
  const find = (t: DriveTarget, path: string): ItemRecord => {
    const item = api.store.atPath(t.drive, api.store.root(t.drive), segmentsOf(path));
    if (!item) throw inspectError(404, `no item at ${path}`);
    return item;
  };
  /** Makes the folders of `segments` (all but the last) as needed. */
  const folderFor = (t: DriveTarget, segments: readonly string[]): ItemRecord => {
    let at = api.store.root(t.drive);
    for (const s of segments.slice(0, -1)) {
      const next = api.store.childNamed(t.drive, at, s) ?? api.store.add(t.drive, at, { name: s, folder: true, at: api.ctx.clock.now(), by: { userId: t.owner.id } });
      if (!next.folder) throw inspectBadRequest(`path: ${s} is a file`);
      at = next;
    }
    return at;
  };
  const contentOf = (t: DriveTarget, spec: { text?: string | undefined; size?: number | undefined }, salt: string) => {
    if (spec.text !== undefined) {
      const bytes = Buffer.from(spec.text, 'utf8');
      return { content: new BufferContent(bytes), hash: new QuickXorHash().update(bytes).digest() };
    }
    return { content: new GeneratedContent(`${t.drive.id}/inspect/${salt}`, spec.size ?? 1024), hash: undefined };
  };

  const describe = async (t: DriveTarget, item: ItemRecord, hashAll: boolean): Promise<Record<string, unknown>> => {
    const c = item.content;
    // Generated (seeded) content is hashed only on request: a 5 GB file takes seconds to hash.
    const sha256 = c && (hashAll || !(c instanceof GeneratedContent)) ? await c.sha256() : undefined;
    return {
      id: item.id,
      path: api.store.pathOf(t.drive, item) || '/',
      name: item.name,
      kind: item.folder ? 'folder' : 'file',
      size: api.store.sizeOf(t.drive, item),
      ...(item.quickXorHash !== undefined ? { quickXorHash: item.quickXorHash } : {}),
      ...(sha256 !== undefined ? { sha256 } : {}),
      ...(c ? { retained: c.readable } : {}),
      lastModifiedDateTime: new Date(item.modifiedAt).toISOString(),
      permissions: item.permissions.map((p) => ({ roles: [...p.roles], ...(p.userId ? { user: userName(t.tenant, p.userId) } : { email: p.email }) })),
    };
  };

  return [
    route('GET', '/_sandbox/microsoft/drive/:user', 'tree', async (req, res) => {
      const t = target(req);
      const hashAll = req.query.get('sha256') === 'true';
      const items: Record<string, unknown>[] = [];
      const walk = async (folder: ItemRecord): Promise<void> => {
        for (const child of api.store.children(t.drive, folder)) {
          items.push(await describe(t, child, hashAll));
          if (child.folder) await walk(child);
        }
      };
      await walk(api.store.root(t.drive));
      const files = items.filter((i) => i['kind'] === 'file');
      sendJson(res, 200, { driveId: t.drive.id, owner: t.owner.userPrincipalName, files: files.length, folders: items.length - files.length, bytes: api.store.sizeOf(t.drive, api.store.root(t.drive)), items });
    }),
    route('GET', '/_sandbox/microsoft/drive/:user/item', 'item', async (req, res) => {
      const t = target(req);
      sendJson(res, 200, await describe(t, find(t, req.query.get('path') ?? ''), true));
    }),
    route('POST', '/_sandbox/microsoft/drive/:user/mutations', 'mutate', async (req, res) => {
      const t = target(req);
      const m = await readInspectBody(req, mutationSchema);
      const now = api.ctx.clock.now();
      const by = { userId: t.owner.id };
      let item: ItemRecord;
      switch (m.op) {
        case 'add': {
          const segments = segmentsOf(m.path);
          const parent = folderFor(t, segments);
          const name = segments[segments.length - 1] ?? '';
          if (api.store.childNamed(t.drive, parent, name)) throw inspectError(409, `${m.path} exists`);
          const c = m.folder ? undefined : contentOf(t, m, `${now}/${m.path}`);
          item = api.store.add(t.drive, parent, { name, folder: m.folder === true, ...(c ? { content: c.content, ...(c.hash ? { quickXorHash: c.hash } : {}) } : {}), at: now, by });
          break;
        }
        case 'modify': {
          item = find(t, m.path);
          if (item.folder) throw inspectBadRequest('path: a folder has no content');
          const c = contentOf(t, m, `${now}/${item.id}/${item.version}`);
          api.store.replaceContent(t.drive, item, c.content, c.hash, now, by);
          break;
        }
        case 'delete':
          item = find(t, m.path);
          releaseContent(api, api.store.remove(t.drive, item, now));
          break;
        case 'move': {
          item = find(t, m.path);
          const segments = segmentsOf(m.to);
          const parent = folderFor(t, segments);
          const name = segments[segments.length - 1] ?? '';
          if (api.store.isWithin(t.drive, parent, item)) throw inspectBadRequest('to: a folder cannot move into itself');
          const clash = api.store.childNamed(t.drive, parent, name);
          if (clash && clash.id !== item.id) throw inspectError(409, `${m.to} exists`);
          if (parent.id !== item.parentId) api.store.move(t.drive, item, parent, now);
          if (name !== item.name) api.store.rename(t.drive, item, name);
          api.store.touch(t.drive, item, now, by, false);
          break;
        }
      }
      sendJson(res, 200, { op: m.op, item: await describe(t, item, false) });
    }),
    route('POST', '/_sandbox/microsoft/drive/:user/delta/expire', 'delta.expire', (req, res) => {
      const t = target(req);
      t.drive.epoch++;
      sendJson(res, 200, { driveId: t.drive.id, epoch: t.drive.epoch });
    }),
  ];
}

function userName(tenant: MicrosoftTenant, id: string): string {
  return tenant.users.get(id)?.userPrincipalName ?? id;
}

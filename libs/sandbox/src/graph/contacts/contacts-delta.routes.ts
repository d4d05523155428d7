import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import type { VendorError } from '../../http/vendor-error';
import { graphError } from '../../http/vendor-errors';
import type { ContactsService } from './contacts.service';

/** What a delta or skip token carries: epoch, folder, change window (since, up to) and page offset. */
interface DeltaState {
  readonly e: number;
  readonly f: string;
  readonly s: number;
  readonly u: number;
  readonly o: number;
}

const encode = (s: DeltaState): string => Buffer.from(JSON.stringify(s)).toString('base64url');

function decode(token: string): DeltaState | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<DeltaState>;
    const ok =
      typeof v.f === 'string' &&
      [v.e, v.s, v.u, v.o].every((n) => typeof n === 'number' && Number.isFinite(n));
    return ok ? (v as DeltaState) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `GET /contacts/delta` (default folder) and `/contactFolders/:folder/contacts/delta`: the first round
 * returns every contact of the folder, later rounds (`$deltatoken`) changes since, deletions as
 * `@removed`. Pages are sized by `Prefer: odata.maxpagesize` (default 10). Expired tokens (inspection
 * `expire-delta`, a `stale-delta` fault) are 410 syncStateNotFound with a Location to restart.
 */
export function contactsDeltaRoutes(
  svc: ContactsService,
  route: (pattern: string, handler: Route['handler']) => Route,
): Route[] {
  const origin = () => svc.ctx.origin();
  const stale = (req: SandboxRequest): VendorError =>
    graphError(
      410,
      'syncStateNotFound',
      'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
      {
        location: new URL(req.path, origin()).toString(),
      },
    );
  const handler = (req: SandboxRequest, res: Parameters<Route['handler']>[1]) => {
    const m = svc.mailbox(req);
    const folder = svc.folder(m, req.params['folder']).id;
    const token = req.query.get('$deltatoken') ?? req.query.get('$skiptoken');
    let st: DeltaState = { e: m.deltaEpoch, f: folder, s: -1, u: m.changeSeq, o: 0 };
    if (token !== null) {
      const decoded = decode(token);
      if (!decoded || decoded.f !== folder)
        throw graphError(
          400,
          'ErrorInvalidSyncStateData',
          'The sync state data is corrupt or otherwise invalid.',
        );
      if (req.staleDelta || decoded.e !== m.deltaEpoch || (decoded.s >= 0 && decoded.s < m.staleBefore))
        throw stale(req);
      st = req.query.has('$deltatoken') ? { ...decoded, u: m.changeSeq, o: 0 } : decoded;
    }
    const changed = [...m.contacts.values()]
      .filter((c) => c.parentFolderId === folder && c.seq > st.s && c.seq <= st.u)
      .sort((a, b) => a.seq - b.seq || a.id.localeCompare(b.id))
      .map((c) => svc.json(c));
    const removed =
      st.s < 0
        ? []
        : m.tombstones
            .filter((t) => t.folderId === folder && t.seq > st.s && t.seq <= st.u)
            .map((t) => ({
              '@odata.type': '#microsoft.graph.contact',
              id: t.id,
              '@removed': { reason: 'deleted' },
            }));
    const all: Record<string, unknown>[] = [...changed, ...removed];
    const prefer = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(String(req.raw.headers['prefer'] ?? ''));
    const size = prefer ? Math.min(Math.max(1, Number(prefer[1])), 1000) : 10;
    const body: Record<string, unknown> = {
      '@odata.context': `${origin()}/v1.0/$metadata#Collection(contact)`,
      value: all.slice(st.o, st.o + size),
    };
    const link = new URL(req.path, origin());
    if (st.o + size < all.length) {
      link.searchParams.set('$skiptoken', encode({ ...st, o: st.o + size }));
      body['@odata.nextLink'] = link.toString();
    } else {
      link.searchParams.set('$deltatoken', encode({ ...st, s: st.u, o: 0 }));
      body['@odata.deltaLink'] = link.toString();
    }
    sendJson(res, 200, body, prefer ? { 'preference-applied': `odata.maxpagesize=${size}` } : {});
  };
  return ['/v1.0/users/:user', '/v1.0/me'].flatMap((base) => [
    route(`${base}/contacts/delta`, handler),
    route(`${base}/contactFolders/:folder/contacts/delta`, handler),
  ]);
}

import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { deltaRound, removedEntry, type DeltaWindow } from '../delta-round';
import type { ContactsService } from './contacts.service';

/** A contact delta token's own field: the folder it enumerates. */
interface ContactDeltaState extends DeltaWindow {
  readonly f: string;
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
  const handler = (req: SandboxRequest, res: Parameters<Route['handler']>[1]) => {
    const m = svc.mailbox(req);
    const folder = svc.folder(m, req.params['folder']).id;
    const { state: st, page } = deltaRound<ContactDeltaState>(req, m, {
      origin: svc.ctx.origin(),
      entity: 'contact',
      latest: m.changeSeq,
      start: () => ({ f: folder }),
      fits: (t) => t['f'] === folder,
    });
    const changed = [...m.contacts.values()]
      .filter((c) => c.parentFolderId === folder && c.seq > st.s && c.seq <= st.u)
      .sort((a, b) => a.seq - b.seq || a.id.localeCompare(b.id))
      .map((c) => svc.json(c));
    const removed =
      st.s < 0
        ? []
        : m.tombstones
            .filter((t) => t.folderId === folder && t.seq > st.s && t.seq <= st.u)
            .map((t) => removedEntry('contact', t.id));
    const all: Record<string, unknown>[] = [...changed, ...removed];
    const { body, headers } = page(all.length, (from, to) => all.slice(from, to));
    sendJson(res, 200, body, headers);
  };
  return ['/v1.0/users/:user', '/v1.0/me'].flatMap((base) => [
    route(`${base}/contacts/delta`, handler),
    route(`${base}/contactFolders/:folder/contacts/delta`, handler),
  ]);
}

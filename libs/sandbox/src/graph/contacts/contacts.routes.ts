import type { ServerResponse } from 'node:http';
import { isRecord, readJson } from '../../http/body';
import { sendEmpty, sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import type { AuthRequirement } from '../../identity/principal';
import type { LimitName } from '../../throttle/limits';
import { mailboxChargeKey } from '../directory/graph-users';
import { graphPage } from '../odata';
import { parseContactInput, undeserializable } from './contact-input';
import { contactsDeltaRoutes } from './contacts-delta.routes';
import type { ContactsService } from './contacts.service';
import type { ContactsMailbox } from './contacts.store';

// Permission tables of learn.microsoft.com/graph/api/user-list-contacts, user-post-contacts, contact-update.
const DENIED = {
  code: 'ErrorAccessDenied',
  message: 'Access is denied. Check credentials and try again.',
} as const;
const READ: AuthRequirement = {
  kind: 'graph',
  application: ['Contacts.Read', 'Contacts.ReadWrite'],
  delegated: ['Contacts.Read', 'Contacts.ReadWrite'],
  denied: DENIED,
};
const WRITE: AuthRequirement = {
  kind: 'graph',
  application: ['Contacts.ReadWrite'],
  delegated: ['Contacts.ReadWrite'],
  denied: DENIED,
};
const LIMITS: readonly LimitName[] = ['graph.mailbox', 'graph.app'];
const BASES = ['/v1.0/users/:user', '/v1.0/me'] as const;

type Handler = (req: SandboxRequest, res: ServerResponse) => Promise<void> | void;

/** Contacts in the default folder (`/contacts`) and in any folder (`/contactFolders/:folder/contacts`), plus folders. */
export function contactRoutes(svc: ContactsService): Route[] {
  const origin = () => svc.ctx.origin();
  const route = (
    method: string,
    pattern: string,
    operation: string,
    auth: AuthRequirement,
    handler: Handler,
  ): Route => ({
    vendor: 'graph',
    method,
    pattern,
    operation,
    auth,
    limits: LIMITS,
    charge: (req) => ({
      user: mailboxChargeKey(svc.ctx, req),
      upload: method === 'POST' || method === 'PATCH',
    }),
    handler,
  });
  const ctxUser = (req: SandboxRequest, m: ContactsMailbox) =>
    `users('${encodeURIComponent(req.params['user'] ?? m.userId)}')`;
  const body = (req: SandboxRequest) => readJson(req.raw, () => undeserializable());
  const folderJson = (m: ContactsMailbox, id: string) => {
    const f = svc.folder(m, id);
    return { id: f.id, displayName: f.displayName, parentFolderId: f.parentFolderId };
  };
  const noQuery = (req: SandboxRequest) => {
    for (const p of ['$filter', '$search', '$orderby', '$expand'])
      if (req.query.has(p))
        throw graphError(400, 'BadRequest', `The sandbox does not emulate '${p}' on this resource.`);
  };

  // Registered first: `/contacts/delta` would otherwise match `/contacts/:id`.
  const routes: Route[] = contactsDeltaRoutes(svc, (pattern, handler) =>
    route('GET', pattern, 'graph.contacts.delta', READ, handler),
  );
  for (const base of BASES) {
    routes.push(
      route('GET', `${base}/contactFolders`, 'graph.contactFolders.list', READ, (req, res) => {
        noQuery(req);
        const m = svc.mailbox(req);
        // Graph lists the folders inside the default Contacts folder.
        const items = [...m.folders.values()]
          .filter((f) => f.parentFolderId === m.defaultFolderId)
          .map((f) => folderJson(m, f.id));
        sendJson(
          res,
          200,
          graphPage(items, req, origin(), {
            defaultTop: 10,
            maxTop: 1000,
            context: `${ctxUser(req, m)}/contactFolders`,
          }),
        );
      }),
      route('POST', `${base}/contactFolders`, 'graph.contactFolders.create', WRITE, async (req, res) => {
        const m = svc.mailbox(req);
        const b = await body(req);
        if (!isRecord(b)) throw undeserializable();
        for (const k of Object.keys(b)) {
          if (!['displayName', 'parentFolderId', '@odata.type'].includes(k))
            throw graphError(
              400,
              'RequestBodyRead',
              `The property '${k.slice(0, 100)}' does not exist on type 'microsoft.graph.contactFolder'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
            );
        }
        const name = b['displayName'];
        if (typeof name !== 'string' || name.trim() === '')
          throw graphError(400, 'ErrorInvalidRequest', 'The folder name must be specified.');
        const parent =
          typeof b['parentFolderId'] === 'string' ? svc.folder(m, b['parentFolderId']).id : m.defaultFolderId;
        if (
          [...m.folders.values()].some(
            (f) => f.parentFolderId === parent && f.displayName.toLowerCase() === name.toLowerCase(),
          )
        )
          throw graphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
        const id = svc.newId(m);
        m.folders.set(id, { id, displayName: name, parentFolderId: parent });
        svc.record(m, 'create', 'folder', id, 'api');
        sendJson(res, 201, {
          '@odata.context': `${origin()}/v1.0/$metadata#${ctxUser(req, m)}/contactFolders/$entity`,
          ...folderJson(m, id),
        });
      }),
      route('GET', `${base}/contactFolders/:folder`, 'graph.contactFolders.get', READ, (req, res) => {
        const m = svc.mailbox(req);
        sendJson(res, 200, {
          '@odata.context': `${origin()}/v1.0/$metadata#${ctxUser(req, m)}/contactFolders/$entity`,
          ...folderJson(m, req.params['folder'] ?? ''),
        });
      }),
    );
    for (const coll of [`${base}/contacts`, `${base}/contactFolders/:folder/contacts`]) {
      const op = coll.includes(':folder') ? 'graph.contactFolders.contacts' : 'graph.contacts';
      const folderOf = (req: SandboxRequest, m: ContactsMailbox) => svc.folder(m, req.params['folder']).id;
      routes.push(
        route('GET', coll, `${op}.list`, READ, (req, res) => {
          noQuery(req);
          const m = svc.mailbox(req);
          const folder = folderOf(req, m);
          const items = [...m.contacts.values()]
            .filter((c) => c.parentFolderId === folder)
            .map((c) => svc.json(c));
          sendJson(
            res,
            200,
            graphPage(items, req, origin(), {
              defaultTop: 10,
              maxTop: 1000,
              context: `${ctxUser(req, m)}/contacts`,
            }),
          );
        }),
        route('POST', coll, `${op}.create`, WRITE, async (req, res) => {
          const m = svc.mailbox(req);
          const folder = folderOf(req, m);
          const c = svc.createContact(m, folder, parseContactInput(await body(req)), 'api');
          sendJson(res, 201, {
            '@odata.context': `${origin()}/v1.0/$metadata#${ctxUser(req, m)}/contacts/$entity`,
            ...svc.json(c),
          });
        }),
        route('GET', `${coll}/:id`, `${op}.get`, READ, (req, res) => {
          const m = svc.mailbox(req);
          const c = svc.contact(m, req.params['id'] ?? '', folderOf(req, m));
          sendJson(res, 200, {
            '@odata.context': `${origin()}/v1.0/$metadata#${ctxUser(req, m)}/contacts/$entity`,
            ...selectContact(svc.json(c), req),
          });
        }),
        route('PATCH', `${coll}/:id`, `${op}.update`, WRITE, async (req, res) => {
          const m = svc.mailbox(req);
          const c = svc.contact(m, req.params['id'] ?? '', folderOf(req, m));
          svc.updateContact(m, c, parseContactInput(await body(req)), 'api');
          sendJson(res, 200, {
            '@odata.context': `${origin()}/v1.0/$metadata#${ctxUser(req, m)}/contacts/$entity`,
            ...svc.json(c),
          });
        }),
        route('DELETE', `${coll}/:id`, `${op}.delete`, WRITE, (req, res) => {
          const m = svc.mailbox(req);
          svc.deleteContact(m, svc.contact(m, req.params['id'] ?? '', folderOf(req, m)), 'api');
          sendEmpty(res, 204);
        }),
      );
    }
  }
  return routes;
}

function selectContact(json: Record<string, unknown>, req: SandboxRequest): Record<string, unknown> {
  const raw = req.query.get('$select');
  if (!raw) return json;
  const wanted = new Set(raw.split(',').map((s) => s.trim()));
  return Object.fromEntries(
    Object.entries(json).filter(([k]) => k === 'id' || k.startsWith('@odata.') || wanted.has(k)),
  );
}

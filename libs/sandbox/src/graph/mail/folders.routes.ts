import { isRecord, readJson } from '../../http/body';
import { sendEmpty, sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import { MAIL_READ, MAIL_WRITE, type MailboxResolver } from './mail-access';
import { contextPrefix, pageOf } from './mail-paging';
import type { Mailbox, MailFolderRecord } from './mail.store';
import { folderJson } from './mail-views';

const FOLDER_PAGE = { defaultTop: 10, maxTop: 1000 };

/** Graph's answer for malformed JSON bodies. */
export const unreadableBody = () => graphError(400, 'RequestBodyRead', 'Cannot read the request body.');

/** A folder by id or well-known name; a string that is neither well-formed nor known is "malformed" as Exchange says. */
export function folderOr404(mailbox: Mailbox, idOrName: string): MailFolderRecord {
  const f = mailbox.folder(idOrName);
  if (f) return f;
  if (idOrName.length < 40 || !/^[A-Za-z0-9_\-+/=]+$/.test(idOrName)) throw graphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
  throw graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

/** `$filter=displayName eq '...'` (how a migration finds a folder it may already have created); other folder filters are refused. */
function folderNameFilter(raw: string | null): string | undefined {
  if (raw === null) return undefined;
  const m = /^\s*displayName\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(raw);
  if (!m) throw graphError(400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
  return (m[1] ?? '').replace(/''/g, "'");
}

/** mailFolders: list (top level / children), get by id or well-known name, create (nested). */
export function folderRoutes(ctx: SandboxContext, r: MailboxResolver): Route[] {
  const list = (req: SandboxRequest, mailbox: Mailbox, parent: MailFolderRecord, context: string) => {
    const includeHidden = req.query.get('includeHiddenFolders') === 'true';
    const byName = folderNameFilter(req.query.get('$filter'));
    const children = parent.childIds.map((id) => mailbox.folders.get(id)).filter((f): f is MailFolderRecord => f !== undefined && (includeHidden || !f.isHidden) && (byName === undefined || f.displayName.toLowerCase() === byName.toLowerCase()));
    return pageOf(req, ctx.origin(), children, folderJson, { ...FOLDER_PAGE, context });
  };
  const create = async (req: SandboxRequest, mailbox: Mailbox, parent: MailFolderRecord) => {
    const body = await readJson(req.raw, unreadableBody);
    if (!isRecord(body)) throw unreadableBody();
    const name = body['displayName'];
    if (typeof name !== 'string' || name.trim() === '') throw graphError(400, 'ErrorInvalidParameter', "The value of the parameter 'DisplayName' is empty.");
    if (name.length > 255) throw graphError(400, 'ErrorInvalidParameter', "The value of the parameter 'DisplayName' is too long.");
    const isHidden = body['isHidden'] === true;
    const folder = mailbox.addFolder(parent, name, { isHidden });
    if (folder === 'exists') throw graphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    return folder;
  };
  return [
    ...r.routes({
      method: 'GET',
      suffix: '/mailFolders',
      operation: 'graph.mailFolders.list',
      auth: MAIL_READ,
      handler: (req, res, mailbox) => sendJson(res, 200, list(req, mailbox, mailbox.root, `${contextPrefix(req)}/mailFolders`)),
    }),
    ...r.routes({
      method: 'POST',
      suffix: '/mailFolders',
      operation: 'graph.mailFolders.create',
      auth: MAIL_WRITE,
      handler: async (req, res, mailbox) => {
        const f = await create(req, mailbox, mailbox.root);
        sendJson(res, 201, { '@odata.context': `${ctx.origin()}/v1.0/$metadata#${contextPrefix(req)}/mailFolders/$entity`, ...folderJson(f) });
      },
    }),
    ...r.routes({
      method: 'GET',
      suffix: '/mailFolders/:folder',
      operation: 'graph.mailFolders.get',
      auth: MAIL_READ,
      handler: (req, res, mailbox) => {
        const f = folderOr404(mailbox, req.params['folder'] ?? '');
        sendJson(res, 200, { '@odata.context': `${ctx.origin()}/v1.0/$metadata#${contextPrefix(req)}/mailFolders/$entity`, ...folderJson(f) });
      },
    }),
    ...r.routes({
      method: 'PATCH',
      suffix: '/mailFolders/:folder',
      operation: 'graph.mailFolders.update',
      auth: MAIL_WRITE,
      handler: async (req, res, mailbox) => {
        const f = folderOr404(mailbox, req.params['folder'] ?? '');
        const body = await readJson(req.raw, unreadableBody);
        const name = isRecord(body) ? body['displayName'] : undefined;
        if (name !== undefined) {
          if (typeof name !== 'string' || name.trim() === '') throw graphError(400, 'ErrorInvalidParameter', "The value of the parameter 'DisplayName' is empty.");
          if (f.wellKnown) throw graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
          const parent = mailbox.folders.get(f.parentId);
          if (parent?.childIds.some((c) => c !== f.id && mailbox.folders.get(c)?.displayName.toLowerCase() === name.toLowerCase())) throw graphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
          f.displayName = name;
        }
        sendJson(res, 200, { '@odata.context': `${ctx.origin()}/v1.0/$metadata#${contextPrefix(req)}/mailFolders/$entity`, ...folderJson(f) });
      },
    }),
    ...r.routes({
      method: 'DELETE',
      suffix: '/mailFolders/:folder',
      operation: 'graph.mailFolders.delete',
      auth: MAIL_WRITE,
      handler: (req, res, mailbox) => {
        const f = folderOr404(mailbox, req.params['folder'] ?? '');
        // Well-known (distinguished) folders cannot be deleted. Deleting a user folder is a hard delete here (a simplification: Exchange soft-deletes it).
        if (f.wellKnown) throw graphError(400, 'ErrorDeleteDistinguishedFolder', 'Distinguished folders cannot be deleted.');
        mailbox.removeFolder(f);
        sendEmpty(res, 204);
      },
    }),
    ...r.routes({
      method: 'GET',
      suffix: '/mailFolders/:folder/childFolders',
      operation: 'graph.mailFolders.childFolders.list',
      auth: MAIL_READ,
      handler: (req, res, mailbox) => {
        const f = folderOr404(mailbox, req.params['folder'] ?? '');
        sendJson(res, 200, list(req, mailbox, f, `${contextPrefix(req)}/mailFolders('${f.id}')/childFolders`));
      },
    }),
    ...r.routes({
      method: 'POST',
      suffix: '/mailFolders/:folder/childFolders',
      operation: 'graph.mailFolders.childFolders.create',
      auth: MAIL_WRITE,
      handler: async (req, res, mailbox) => {
        const parent = folderOr404(mailbox, req.params['folder'] ?? '');
        const f = await create(req, mailbox, parent);
        sendJson(res, 201, { '@odata.context': `${ctx.origin()}/v1.0/$metadata#${contextPrefix(req)}/mailFolders('${parent.id}')/childFolders/$entity`, ...folderJson(f) });
      },
    }),
  ];
}

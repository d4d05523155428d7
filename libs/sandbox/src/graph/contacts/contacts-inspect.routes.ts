import { createHash } from 'node:crypto';
import { readJson } from '../../http/body';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import { inspectError } from '../../http/vendor-errors';
import { asInspect, inspectBadRequest } from '../../inspect/inspect-errors';
import { mailboxInspect } from '../mailbox-inspect';
import { derivedDisplayName, parseContactInput } from './contact-input';
import type { ContactsService } from './contacts.service';
import type { ContactsMailbox, StoredContact } from './contacts.store';

/** Canonical JSON (sorted keys) so a digest only changes when a property does. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

function meta(m: ContactsMailbox, c: StoredContact): Record<string, unknown> {
  const emails = Array.isArray(c.props['emailAddresses'])
    ? (c.props['emailAddresses'] as { address: string }[]).map((e) => e.address)
    : [];
  return {
    id: c.id,
    folderId: c.parentFolderId,
    folder: m.folders.get(c.parentFolderId)?.displayName ?? null,
    displayName: derivedDisplayName(c.props),
    emailAddresses: emails,
    propertiesSha256: createHash('sha256').update(canonical(c.props)).digest('hex'),
    lastModifiedDateTime: new Date(c.modifiedMs).toISOString(),
  };
}

/** `/_sandbox/microsoft/contacts/:user/...`: counts, items with digests, the mutation log, and changes between passes. */
export function contactsInspectRoutes(svc: ContactsService): Route[] {
  const { mailbox, route, common } = mailboxInspect('contacts', svc);
  const contact = (m: ContactsMailbox, id: string): StoredContact => {
    const c = m.contacts.get(id);
    if (!c) throw inspectError(404, 'no such contact');
    return c;
  };
  return [
    route('GET', '', 'counts', (req, res) => {
      const m = mailbox(req);
      const byFolder: Record<string, number> = {};
      for (const f of m.folders.values())
        byFolder[f.displayName] = [...m.contacts.values()].filter((c) => c.parentFolderId === f.id).length;
      sendJson(res, 200, {
        userId: m.userId,
        folders: m.folders.size,
        contacts: m.contacts.size,
        byFolder,
        mutations: m.mutations.length,
      });
    }),
    route('GET', '/folders', 'folders', (req, res) => {
      const m = mailbox(req);
      sendJson(res, 200, {
        value: [...m.folders.values()].map((f) => ({
          id: f.id,
          displayName: f.displayName,
          parentFolderId: f.parentFolderId,
          isDefault: f.id === m.defaultFolderId,
        })),
      });
    }),
    route('GET', '/contacts', 'contacts', (req, res) => {
      const m = mailbox(req);
      sendJson(res, 200, { value: [...m.contacts.values()].map((c) => meta(m, c)) });
    }),
    route('GET', '/contacts/:id', 'contact', (req, res) => {
      const m = mailbox(req);
      sendJson(res, 200, {
        ...meta(m, contact(m, req.params['id'] ?? '')),
        properties: contact(m, req.params['id'] ?? '').props,
      });
    }),
    ...common,
    // Bodies are Graph contact JSON; `folderId` (optional) picks the folder.
    route('POST', '/contacts', 'add', async (req, res) => {
      const m = mailbox(req);
      const body = await readJson(req.raw, inspectBadRequest);
      const folderId =
        typeof body === 'object' && body !== null && 'folderId' in body && typeof body.folderId === 'string'
          ? body.folderId
          : m.defaultFolderId;
      if (!m.folders.has(folderId)) throw inspectError(404, 'no such folder');
      const props = asInspect(() =>
        parseContactInput(
          Object.fromEntries(
            Object.entries(body as Record<string, unknown>).filter(([k]) => k !== 'folderId'),
          ),
        ),
      );
      sendJson(res, 201, meta(m, svc.createContact(m, folderId, props, 'inspect')));
    }),
    route('PATCH', '/contacts/:id', 'change', async (req, res) => {
      const m = mailbox(req);
      const c = contact(m, req.params['id'] ?? '');
      const body = await readJson(req.raw, inspectBadRequest);
      svc.updateContact(
        m,
        c,
        asInspect(() => parseContactInput(body)),
        'inspect',
      );
      sendJson(res, 200, meta(m, c));
    }),
    route('DELETE', '/contacts/:id', 'delete', (req, res) => {
      const m = mailbox(req);
      const c = contact(m, req.params['id'] ?? '');
      svc.deleteContact(m, c, 'inspect');
      sendJson(res, 200, { deleted: c.id });
    }),
  ];
}

import { createHash, randomBytes } from 'node:crypto';
import { isRecord, readJson } from '../../http/body';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { inspectError } from '../../http/vendor-errors';
import { asInspect, inspectBadRequest } from '../../inspect/inspect-errors';
import { inspectRoutes } from '../../inspect/inspect-route';
import type { SandboxContext } from '../../sandbox-context';
import { GROUP_IDS } from './contact-groups';
import type { ContactsStore, UserContacts } from './contacts.store';
import { writablePerson } from './person-input';
import { personEtag } from './person-resource';

/**
 * `/_sandbox/google/contacts/:user/...`: read back a user's contacts (counts, per-contact
 * metadata and a digest), change them between passes, and expire the user's sync tokens.
 */
export function contactsInspectRoutes(ctx: SandboxContext, store: ContactsStore): Route[] {
  const route = inspectRoutes('', 'inspect.google.contacts');
  const userOf = (req: SandboxRequest): UserContacts => {
    const u = store.user(req.params['user'] ?? '');
    if (!u) throw inspectError(404, 'no such Google user');
    return u;
  };
  const person = async (req: SandboxRequest) => {
    const body = await readJson(req.raw, inspectBadRequest);
    if (!isRecord(body)) throw inspectBadRequest('a JSON object (Person fields) is required');
    // Person validation errors are the People API's (all 400s), here in the inspection API's plain shape.
    return asInspect(() => writablePerson(body, GROUP_IDS));
  };
  const contactOf = (req: SandboxRequest, u: UserContacts) => {
    const id = req.params['id'] ?? '';
    const c = u.contacts.get(id.startsWith('people/') ? id : `people/${id}`);
    if (!c || c.deleted) throw inspectError(404, 'no such contact');
    return c;
  };

  return [
    route('GET', '/_sandbox/google/contacts/:user', 'user', (req, res) => {
      const u = userOf(req);
      const all = [...u.contacts.values()];
      sendJson(res, 200, { user: u.email, contacts: all.filter((c) => !c.deleted).length, deleted: all.filter((c) => c.deleted).length, changeSeq: u.changeSeq, syncEpoch: u.syncEpoch });
    }),
    route('GET', '/_sandbox/google/contacts/:user/contacts', 'contacts', (req, res) => {
      const u = userOf(req);
      sendJson(res, 200, {
        items: [...u.contacts.values()].map((c) => ({
          resourceName: c.resourceName,
          etag: personEtag(c),
          deleted: c.deleted,
          displayName: [c.data.names?.[0]?.givenName, c.data.names?.[0]?.familyName].filter(Boolean).join(' '),
          emails: (c.data.emailAddresses ?? []).map((e) => e.value),
          phones: (c.data.phoneNumbers ?? []).length,
          groups: (c.data.memberships ?? []).map((m) => m.contactGroupMembership?.contactGroupId),
          updated: new Date(c.updatedMs).toISOString(),
          sha256: createHash('sha256').update(JSON.stringify(c.data)).digest('hex'),
        })),
      });
    }),
    route('POST', '/_sandbox/google/contacts/:user/contacts', 'contacts.add', async (req, res) => {
      const u = userOf(req);
      const data = await person(req);
      if (!data.memberships?.length) data.memberships = [{ contactGroupMembership: { contactGroupId: 'myContacts', contactGroupResourceName: 'contactGroups/myContacts' } }];
      const c = store.put(u, randomBytes(8).toString('hex').replace(/^0/, '1'), data, ctx.clock.now());
      sendJson(res, 201, { resourceName: c.resourceName });
    }),
    route('PATCH', '/_sandbox/google/contacts/:user/contacts/:id', 'contacts.change', async (req, res) => {
      const u = userOf(req);
      const c = contactOf(req, u);
      const changes = await person(req);
      store.put(u, c.sourceId, { ...c.data, ...changes }, ctx.clock.now());
      sendJson(res, 200, { resourceName: c.resourceName });
    }),
    route('DELETE', '/_sandbox/google/contacts/:user/contacts/:id', 'contacts.delete', (req, res) => {
      const u = userOf(req);
      const c = contactOf(req, u);
      store.remove(u, c, ctx.clock.now());
      sendJson(res, 200, { resourceName: c.resourceName });
    }),
    route('POST', '/_sandbox/google/contacts/:user/sync-tokens/expire', 'sync.expire', (req, res) => {
      const u = userOf(req);
      u.syncEpoch++;
      sendJson(res, 200, { syncEpoch: u.syncEpoch });
    }),
  ];
}

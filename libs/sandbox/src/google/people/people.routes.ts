import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { people_v1 } from 'googleapis';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import type { SandboxContext } from '../../sandbox-context';
import { googlePage } from '../paging';
import { GROUP_IDS } from './contact-groups';
import type { ContactsStore, StoredContact, UserContacts } from './contacts.store';
import { entityNotFound, invalidArgument, peopleError } from './people-error';
import { callerContacts, peopleRoute, readPersonBody, SCOPES, send } from './people-http';
import { decodePeopleSyncToken, encodePeopleSyncToken, SYNC_TOKEN_LIFETIME_MS } from './people-sync-token';
import { writablePerson } from './person-input';
import { contactResource, parseMask, PERSON_FIELDS, personEtag, profileResource, UPDATABLE_FIELDS } from './person-resource';

const SORTS: Readonly<Record<string, (a: StoredContact, b: StoredContact) => number>> = {
  LAST_MODIFIED_ASCENDING: (a, b) => a.updatedMs - b.updatedMs,
  LAST_MODIFIED_DESCENDING: (a, b) => b.updatedMs - a.updatedMs,
  FIRST_NAME_ASCENDING: (a, b) => (a.data.names?.[0]?.givenName ?? '').localeCompare(b.data.names?.[0]?.givenName ?? ''),
  LAST_NAME_ASCENDING: (a, b) => (a.data.names?.[0]?.familyName ?? '').localeCompare(b.data.names?.[0]?.familyName ?? ''),
};

const expiredSyncToken = () =>
  peopleError(400, 'FAILED_PRECONDITION', 'Sync token is expired. Clear local cache and retry call without the sync token.', [
    { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'EXPIRED_SYNC_TOKEN', domain: 'people.googleapis.com' },
  ]);

/** people.connections.list, people.get, createContact, updateContact and deleteContact. */
export function peopleRoutes(ctx: SandboxContext, store: ContactsStore): Route[] {
  const now = () => ctx.clock.now();

  /** `c<digits>` (with an optional `:verb`) from the `/v1/people/:resource` path. */
  const contactOf = (user: UserContacts, resource: string, verb?: string): StoredContact => {
    const [id = '', suffix] = resource.split(':');
    if (verb !== undefined && suffix !== verb) throw peopleError(404, 'NOT_FOUND', `Method not found.`);
    if (!/^c\d{1,30}$/.test(id)) throw invalidArgument(`Resource name "people/${id.slice(0, 40)}" is not a valid contact person resource.`);
    const contact = user.contacts.get(`people/${id}`);
    if (!contact || contact.deleted) throw entityNotFound();
    return contact;
  };

  const list = (req: SandboxRequest, res: ServerResponse): void => {
    if (req.params['resource'] !== 'me') throw invalidArgument('Only people/me is valid for connections.');
    const user = callerContacts(store, req);
    const fields = parseMask(req.query.get('personFields'), 'personFields', PERSON_FIELDS, true);
    const sortOrder = req.query.get('sortOrder') ?? 'LAST_MODIFIED_ASCENDING';
    const sort = SORTS[sortOrder];
    if (!sort) throw invalidArgument(`Invalid value at 'sort_order', "${sortOrder.slice(0, 40)}"`);
    const syncToken = req.query.get('syncToken');
    let items: StoredContact[];
    let fullSyncMs = now();
    if (syncToken !== null) {
      const pos = decodePeopleSyncToken(syncToken);
      if (req.staleDelta || !pos || pos.epoch !== user.syncEpoch || pos.seq > user.changeSeq || now() - pos.fullSyncMs > SYNC_TOKEN_LIFETIME_MS) throw expiredSyncToken();
      fullSyncMs = pos.fullSyncMs;
      items = [...user.contacts.values()].filter((c) => c.changeSeq > pos.seq).sort((a, b) => a.changeSeq - b.changeSeq);
    } else items = [...user.contacts.values()].filter((c) => !c.deleted).sort((a, b) => sort(a, b) || a.resourceName.localeCompare(b.resourceName));
    const { page, nextPageToken } = googlePage(items, req, 'pageSize', 100, 1000);
    const body: people_v1.Schema$ListConnectionsResponse = {
      ...(page.length > 0 ? { connections: page.map((c) => contactResource(c, fields)) } : {}),
      ...(nextPageToken ? { nextPageToken } : {}),
      ...(!nextPageToken && req.query.get('requestSyncToken') === 'true' ? { nextSyncToken: encodePeopleSyncToken({ epoch: user.syncEpoch, seq: user.changeSeq, fullSyncMs }) } : {}),
      totalPeople: items.length,
      totalItems: items.length,
    };
    send(req, res, body);
  };

  const get = (req: SandboxRequest, res: ServerResponse): void => {
    const user = callerContacts(store, req);
    const fields = parseMask(req.query.get('personFields'), 'personFields', PERSON_FIELDS, true);
    const resource = req.params['resource'] ?? '';
    if (resource === 'me') {
      const tenant = ctx.directory.google.get(user.customerId);
      const profile = tenant?.users.get(user.email.toLowerCase());
      if (!tenant || !profile) throw entityNotFound();
      send(req, res, profileResource(tenant, profile, fields));
      return;
    }
    send(req, res, contactResource(contactOf(user, resource), fields));
  };

  const create = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    if (req.params['action'] !== ':createContact') throw peopleError(404, 'NOT_FOUND', 'Method not found.');
    const user = callerContacts(store, req);
    const fields = parseMask(req.query.get('personFields'), 'personFields', PERSON_FIELDS, false);
    const data = writablePerson(await readPersonBody(req), GROUP_IDS);
    // New contacts join My Contacts unless the request names their groups.
    if (!data.memberships?.length) data.memberships = [{ contactGroupMembership: { contactGroupId: 'myContacts', contactGroupResourceName: 'contactGroups/myContacts' } }];
    const contact = store.put(user, randomBytes(8).toString('hex').replace(/^0/, '1'), data, now());
    send(req, res, contactResource(contact, fields));
  };

  const update = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const user = callerContacts(store, req);
    const contact = contactOf(user, req.params['resource'] ?? '', 'updateContact');
    const mask = parseMask(req.query.get('updatePersonFields'), 'updatePersonFields', UPDATABLE_FIELDS, true);
    const fields = parseMask(req.query.get('personFields'), 'personFields', PERSON_FIELDS, false);
    const body = await readPersonBody(req);
    const changes = writablePerson(body, GROUP_IDS, mask);
    const etag = (body as { etag?: unknown }).etag;
    if (typeof etag !== 'string' || !etag) throw invalidArgument('Request must set person.etag or person.metadata.sources.etag for the source that is being updated.');
    if (etag !== personEtag(contact)) throw peopleError(400, 'FAILED_PRECONDITION', 'Request person.etag is different than the current person.etag. Clear local cache and get the latest person.');
    const named = (body as { resourceName?: unknown }).resourceName;
    if (named !== undefined && named !== contact.resourceName) throw invalidArgument('Resource name in the request does not match the resource name in the path.');
    const data: Record<string, unknown> = { ...contact.data };
    for (const f of mask) {
      const v = (changes as Record<string, unknown>)[f];
      if (v === undefined) delete data[f];
      else data[f] = v;
    }
    send(req, res, contactResource(store.put(user, contact.sourceId, data, now()), fields));
  };

  const remove = (req: SandboxRequest, res: ServerResponse): void => {
    const user = callerContacts(store, req);
    store.remove(user, contactOf(user, req.params['resource'] ?? '', 'deleteContact'), now());
    send(req, res, {});
  };

  return [
    peopleRoute('GET', '/v1/people/:resource/connections', 'people.connections.list', SCOPES.read, list),
    peopleRoute('GET', '/v1/people/:resource', 'people.people.get', SCOPES.profile, get),
    peopleRoute('POST', '/v1/people:action', 'people.people.createContact', SCOPES.write, create),
    peopleRoute('PATCH', '/v1/people/:resource', 'people.people.updateContact', SCOPES.write, update),
    peopleRoute('DELETE', '/v1/people/:resource', 'people.people.deleteContact', SCOPES.write, remove),
  ];
}

import type { ServerResponse } from 'node:http';
import type { people_v1 } from 'googleapis';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googlePage } from '../paging';
import { groupResource, SYSTEM_GROUPS } from './contact-groups';
import type { ContactsStore } from './contacts.store';
import { invalidArgument } from './people-error';
import { callerContacts, peopleRoute, SCOPES, send } from './people-http';

const GROUP_FIELDS = ['clientData', 'groupType', 'memberCount', 'metadata', 'name'];
const DEFAULT_GROUP_FIELDS = ['groupType', 'memberCount', 'metadata', 'name'];

/** contactGroups.list. Simplified: system groups only; syncToken is accepted and lists them all again. */
export function contactGroupsRoutes(store: ContactsStore): Route[] {
  const list = (req: SandboxRequest, res: ServerResponse): void => {
    const user = callerContacts(store, req);
    const raw = req.query.get('groupFields');
    const fields = raw ? raw.split(',').map((f) => f.trim()) : DEFAULT_GROUP_FIELDS;
    for (const f of fields) if (!GROUP_FIELDS.includes(f)) throw invalidArgument(`Invalid groupFields mask path: "${f.slice(0, 40)}".`);
    const groups = SYSTEM_GROUPS.map((g) => {
      const full = groupResource(user, g) as Record<string, unknown>;
      const out: Record<string, unknown> = { resourceName: full['resourceName'], etag: full['etag'] };
      for (const f of fields) {
        if (full[f] !== undefined) out[f] = full[f];
        if (f === 'name') out['formattedName'] = full['formattedName'];
      }
      return out;
    });
    const { page, nextPageToken } = googlePage(groups, req, 'pageSize', 30, 1000);
    const body: people_v1.Schema$ListContactGroupsResponse = { contactGroups: page, totalItems: groups.length, ...(nextPageToken ? { nextPageToken } : { nextSyncToken: `groups-${user.changeSeq}` }) };
    send(req, res, body);
  };
  return [peopleRoute('GET', '/v1/contactGroups', 'people.contactGroups.list', SCOPES.read, list)];
}

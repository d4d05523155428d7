import { OAuth2Client } from 'google-auth-library';
import { google, type people_v1 } from 'googleapis';
import type { Sandbox } from '../../sandbox';
import { googleAccessToken } from '../../testing/google-token';
import type { Shape } from '../../testing/shape';
import { startTestSandbox } from '../../testing/test-sandbox';
import { googlePeopleWorkload } from './google-people.workload';

export const CONTACTS_SCOPE = 'https://www.googleapis.com/auth/contacts';

export const PERSON_SHAPE: Shape<people_v1.Schema$Person> = {
  resourceName: 'string', etag: 'string', metadata: 'object', names: 'array', emailAddresses: 'array', phoneNumbers: 'array', organizations: 'array',
  birthdays: 'array', biographies: 'array', addresses: 'array', memberships: 'array', urls: 'array', nicknames: 'array', userDefined: 'array',
};
export const LIST_SHAPE: Shape<people_v1.Schema$ListConnectionsResponse> = { connections: 'array', nextPageToken: 'string', nextSyncToken: 'string', totalItems: 'number', totalPeople: 'number' };

export interface PeopleFixture {
  readonly sandbox: Sandbox;
  /** Non-admin users of the first Google tenant. */
  readonly users: readonly string[];
  peopleAs(subject: string | undefined, scopes?: readonly string[]): Promise<people_v1.People>;
  /** A client whose token is minted at the sandbox clock (for tests that move the clock). */
  peopleNowAs(subject: string): people_v1.People;
  inspect(path: string, init?: RequestInit): Promise<{ status: number; body: unknown }>;
}

const client = (sandbox: Sandbox, token: string): people_v1.People => {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return google.people({ version: 'v1', auth, rootUrl: sandbox.endpoints.googleRoot });
};

export async function startPeopleFixture(contactsPerUser: number): Promise<PeopleFixture> {
  const sandbox = await startTestSandbox({
    scenario: {
      name: 'people',
      throttle: { enabled: false, overrides: [] },
      microsoft: { tenants: [{ domain: 'contoso.example', users: 1 }] },
      google: { tenants: [{ domain: 'fabrikam.example', users: 2, workloads: { contacts: { contactsPerUser } } }, { domain: 'other.example', users: 1, workloads: { contacts: { contactsPerUser: 3 } } }] },
    },
    workloads: [googlePeopleWorkload],
  });
  const tenant = sandbox.context.directory.google.get(sandbox.endpoints.google.customerId);
  if (!tenant) throw new Error('tenant not seeded');
  return {
    sandbox,
    users: [...tenant.users.values()].filter((u) => !u.isAdmin).map((u) => u.primaryEmail),
    peopleAs: async (subject, scopes = [CONTACTS_SCOPE]) => client(sandbox, await googleAccessToken(sandbox.endpoints, subject, scopes)),
    peopleNowAs: (subject) => {
      const account = [...tenant.serviceAccounts.values()][0];
      const { token } = sandbox.context.tokens.googleAccessToken({ kind: 'google', customerId: tenant.customerId, clientId: account?.clientId ?? '', subject, scopes: [CONTACTS_SCOPE] });
      return client(sandbox, token);
    },
    inspect: async (path, init) => {
      const res = await fetch(`${sandbox.endpoints.inspect}/google/contacts/${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) } });
      return { status: res.status, body: (await res.json()) };
    },
  };
}

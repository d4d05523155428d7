import { google, type people_v1 } from 'googleapis';
import { startGoogleKit, type GoogleKit } from '../../testing/google-test-kit';
import type { Shape } from '../../testing/shape';
import { googlePeopleWorkload } from './google-people.workload';

export const CONTACTS_SCOPE = 'https://www.googleapis.com/auth/contacts';

export const PERSON_SHAPE: Shape<people_v1.Schema$Person> = {
  resourceName: 'string', etag: 'string', metadata: 'object', names: 'array', emailAddresses: 'array', phoneNumbers: 'array', organizations: 'array',
  birthdays: 'array', biographies: 'array', addresses: 'array', memberships: 'array', urls: 'array', nicknames: 'array', userDefined: 'array',
};
export const LIST_SHAPE: Shape<people_v1.Schema$ListConnectionsResponse> = { connections: 'array', nextPageToken: 'string', nextSyncToken: 'string', totalItems: 'number', totalPeople: 'number' };

/** The Google kit with the People workload; `inspect` paths follow `/_sandbox/google/contacts/`. */
export interface PeopleFixture extends GoogleKit {
  peopleAs(subject: string | undefined, scopes?: readonly string[]): Promise<people_v1.People>;
}

export async function startPeopleFixture(contactsPerUser: number): Promise<PeopleFixture> {
  const kit = await startGoogleKit(
    {
      name: 'people',
      throttle: { enabled: false, overrides: [] },
      microsoft: { tenants: [{ domain: 'contoso.example', users: 1 }] },
      google: { tenants: [{ domain: 'fabrikam.example', users: 2, workloads: { contacts: { contactsPerUser } } }, { domain: 'other.example', users: 1, workloads: { contacts: { contactsPerUser: 3 } } }] },
    },
    [googlePeopleWorkload],
    { scopes: [CONTACTS_SCOPE], inspectArea: '/google/contacts/' },
  );
  return {
    ...kit,
    peopleAs: async (subject, scopes) => google.people({ version: 'v1', auth: await kit.auth(subject, scopes), rootUrl: kit.sandbox.endpoints.googleRoot }),
  };
}

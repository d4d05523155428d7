import type { WorkloadFactory } from '../../sandbox-context';
import { contactGroupsRoutes } from './contact-groups.routes';
import { contactsInspectRoutes } from './contacts-inspect.routes';
import { ContactsStore } from './contacts.store';
import { seedContacts } from './contacts.seeder';
import { peopleRoutes } from './people.routes';

/** People API v1: each Google user's contacts and contact groups, seeded from the `contacts` section. */
export const googlePeopleWorkload: WorkloadFactory = (ctx) => {
  const store = new ContactsStore();
  return {
    name: 'google-people',
    routes: () => [...contactsInspectRoutes(ctx, store), ...contactGroupsRoutes(store), ...peopleRoutes(ctx, store)],
    seed: () => seedContacts(ctx, store),
    summary: () => {
      let contacts = 0;
      let deleted = 0;
      for (const u of store.users.values()) for (const c of u.contacts.values()) {
        if (c.deleted) deleted++;
        else contacts++;
      }
      return { users: store.users.size, contacts, deleted };
    },
  };
};

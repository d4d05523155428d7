import type { people_v1 } from 'googleapis';
import { Rng, seededHex } from '../../scenario/deterministic';
import type { SandboxContext } from '../../sandbox-context';
import { personName } from '../../state/directory.seeder';
import type { ContactsStore } from './contacts.store';
import { parseContactsScenario } from './contacts-scenario.schema';

const COMPANIES = ['Northwind', 'Tailspin Toys', 'Wide World Importers', 'Litware', 'Proseware', 'Adventure Works'];
const TITLES = ['Account Manager', 'Engineer', 'Director', 'Consultant', 'Buyer'];
// Seeded contacts carry a fixed history; the clock only matters for what changes later.
const SEEDED_AT = Date.UTC(2026, 0, 5);

/**
 * Seeds each Google user's contacts: a name, one or two emails, phones in E.164 and local forms,
 * and sometimes an organization, a birthday, a note and an address; all in My Contacts, some starred.
 */
export function seedContacts(ctx: SandboxContext, store: ContactsStore): void {
  const seed = ctx.scenario.seed;
  ctx.scenario.google.tenants.forEach((spec, index) => {
    const tenant = [...ctx.directory.google.values()].find((t) => t.domain === spec.domain);
    if (!tenant) return;
    const { contactsPerUser } = parseContactsScenario(spec.workloads['contacts'], `google.tenants.${index}.workloads`);
    for (const [email, u] of tenant.users) {
      const user = store.addUser(u.primaryEmail, tenant.customerId);
      for (let i = 0; i < contactsPerUser; i++) {
        const path = `${seed}/g/${index}/contacts/${email}/${i}`;
        const rng = new Rng(path);
        const n = personName(path, i);
        const domain = `${rng.pick(COMPANIES).toLowerCase().replace(/\s+/g, '')}.example`;
        const data: people_v1.Schema$Person = {
          names: [{ givenName: n.given, familyName: n.family }],
          emailAddresses: [{ value: `${n.local}@${domain}`, type: 'work' }, ...(rng.chance(0.3) ? [{ value: `${n.local}@home.example`, type: 'home' }] : [])],
          phoneNumbers: rng.chance(0.7) ? [{ value: `+1 555 ${String(rng.int(1000000, 9999999))}`, type: 'mobile' }, ...(rng.chance(0.3) ? [{ value: `(555) ${String(rng.int(100, 999))}-${String(rng.int(1000, 9999))}`, type: 'work' }] : [])] : [],
          memberships: [{ contactGroupMembership: { contactGroupId: 'myContacts', contactGroupResourceName: 'contactGroups/myContacts' } }, ...(rng.chance(0.1) ? [{ contactGroupMembership: { contactGroupId: 'starred', contactGroupResourceName: 'contactGroups/starred' } }] : [])],
        };
        if (rng.chance(0.5)) data.organizations = [{ name: rng.pick(COMPANIES), title: rng.pick(TITLES), type: 'work' }];
        if (rng.chance(0.2)) data.birthdays = [{ date: { year: rng.int(1950, 2000), month: rng.int(1, 12), day: rng.int(1, 28) } }];
        if (rng.chance(0.2)) data.biographies = [{ value: `Met at ${rng.pick(COMPANIES)} offsite.`, contentType: 'TEXT_PLAIN' }];
        if (rng.chance(0.2)) data.addresses = [{ streetAddress: `${String(rng.int(1, 999))} Main St`, city: 'Springfield', postalCode: String(rng.int(10000, 99999)), country: 'US', countryCode: 'US', type: 'work' }];
        if (data.phoneNumbers?.length === 0) delete data.phoneNumbers;
        store.put(user, seededHex(path, 16).replace(/^0/, '1'), data, SEEDED_AT + i * 1000);
      }
    }
  });
}

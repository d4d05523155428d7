import { Rng, seededExchangeId } from '../../scenario/deterministic';
import { personName } from '../../state/directory.seeder';
import type { MicrosoftTenant, MicrosoftUser } from '../../state/directory';
import type { ContactsMailbox } from './contacts.store';
import type { ContactsScenario } from './contacts-scenario.schema';

const COMPANIES = [
  'Northwind Traders',
  'Tailspin Toys',
  'Wide World Importers',
  'Adventure Works',
  'Fourth Coffee',
  'Litware, Inc.',
];
const CITIES = [
  { city: 'München', countryOrRegion: 'Germany', postalCode: '80331' },
  { city: 'Seattle', state: 'WA', countryOrRegion: 'United States', postalCode: '98101' },
  { city: '東京', countryOrRegion: 'Japan', postalCode: '100-0005' },
];

/** A fresh contacts mailbox: the default Contacts folder (child of the mailbox root) and a "Suppliers" subfolder. */
export function emptyContactsMailbox(
  seed: string,
  tenant: MicrosoftTenant,
  user: MicrosoftUser,
): ContactsMailbox {
  const base = `${seed}/contacts/${tenant.tenantId}/${user.id}`;
  const rootFolderId = seededExchangeId(`${base}/root`);
  const defaultFolderId = seededExchangeId(`${base}/folder/contacts`);
  const m: ContactsMailbox = {
    tenantId: tenant.tenantId,
    userId: user.id,
    rootFolderId,
    defaultFolderId,
    folders: new Map(),
    contacts: new Map(),
    mutations: [],
    changeSeq: 0,
    tombstones: [],
    deltaEpoch: 1,
    staleBefore: 0,
  };
  m.folders.set(defaultFolderId, {
    id: defaultFolderId,
    displayName: 'Contacts',
    parentFolderId: rootFolderId,
  });
  return m;
}

/** Seeds `contactsPerUser` contacts, deterministic from the seed; every fifth lands in "Suppliers". */
export function seedContacts(
  seed: string,
  m: ContactsMailbox,
  spec: ContactsScenario,
  createdMs: number,
): void {
  if (spec.contactsPerUser === 0) return;
  const base = `${seed}/contacts/${m.tenantId}/${m.userId}`;
  const suppliers = seededExchangeId(`${base}/folder/suppliers`);
  m.folders.set(suppliers, { id: suppliers, displayName: 'Suppliers', parentFolderId: m.defaultFolderId });
  // One generator per mailbox keeps seeding cheap; the loop order makes it deterministic.
  const rng = new Rng(`${base}/contacts`);
  for (let i = 0; i < spec.contactsPerUser; i++) {
    const n = personName(`${base}/people`, i);
    const company = rng.pick(COMPANIES);
    const domain = company
      .toLowerCase()
      .replace(/[^a-z]/g, '')
      .slice(0, 16);
    const id = seededExchangeId(`${base}/contact/${i}`);
    m.contacts.set(id, {
      id,
      parentFolderId: i % 5 === 4 ? suppliers : m.defaultFolderId,
      createdMs,
      modifiedMs: createdMs,
      seq: 0,
      changeKey: Array.from({ length: 16 }, () => rng.int(0, 15).toString(16)).join(''),
      props: {
        givenName: n.given,
        surname: n.family,
        displayName: `${n.given} ${n.family}`,
        companyName: company,
        jobTitle: rng.pick(['Account Manager', 'Buyer', 'CFO', 'Engineer', null]),
        emailAddresses: [
          { name: `${n.given} ${n.family}`, address: `${n.local}@${domain}.example` },
          ...(rng.chance(0.3) ? [{ name: n.given, address: `${n.local}@home.example` }] : []),
        ],
        businessPhones: [`+1 425 555 ${String(rng.int(1000, 9999))}`],
        mobilePhone: rng.chance(0.5) ? `+49 151 ${String(rng.int(1000000, 9999999))}` : null,
        homePhones: [],
        businessAddress: rng.chance(0.6) ? { street: `${rng.int(1, 200)} Main St`, ...rng.pick(CITIES) } : {},
        birthday: rng.chance(0.2)
          ? `19${rng.int(60, 99)}-0${rng.int(1, 9)}-1${rng.int(0, 9)}T11:59:00Z`
          : null,
        personalNotes: rng.chance(0.2) ? 'Met at the partner summit.' : '',
        categories: rng.chance(0.2) ? ['Suppliers'] : [],
      },
    });
  }
}

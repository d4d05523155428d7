import { randomUUID } from 'node:crypto';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import { seededExchangeId } from '../../scenario/deterministic';
import type { SandboxContext } from '../../sandbox-context';
import type { MicrosoftTenant, MicrosoftUser } from '../../state/directory';
import { mailboxUser } from '../directory/graph-users';
import { derivedDisplayName } from './contact-input';
import {
  type ContactFolder,
  type ContactMutation,
  type ContactProps,
  type ContactsMailbox,
  ContactsStore,
  type StoredContact,
} from './contacts.store';
import { emptyContactsMailbox } from './contacts.seeder';

export const itemNotFound = () =>
  graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
const malformedId = () => graphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Every property Graph returns on a contact, null or empty when unset (as Graph returns them). */
const EMPTY: ContactProps = {
  categories: [],
  birthday: null,
  fileAs: '',
  displayName: '',
  givenName: null,
  initials: null,
  middleName: null,
  nickName: null,
  surname: null,
  title: null,
  yomiGivenName: null,
  yomiSurname: null,
  yomiCompanyName: null,
  generation: null,
  imAddresses: [],
  jobTitle: null,
  companyName: null,
  department: null,
  officeLocation: null,
  profession: null,
  businessHomePage: null,
  assistantName: null,
  manager: null,
  homePhones: [],
  mobilePhone: null,
  businessPhones: [],
  spouseName: null,
  personalNotes: '',
  children: [],
  emailAddresses: [],
  homeAddress: {},
  businessAddress: {},
  otherAddress: {},
};

/** Contacts state and the lookups the routes share, isolated per tenant and mailbox. */
export class ContactsService {
  readonly store = new ContactsStore();

  constructor(readonly ctx: SandboxContext) {}

  mailboxOf(tenant: MicrosoftTenant, user: MicrosoftUser): ContactsMailbox {
    let m = this.store.get(tenant.tenantId, user.id);
    if (!m) {
      m = emptyContactsMailbox(this.ctx.scenario.seed, tenant, user);
      this.store.set(m);
    }
    return m;
  }

  mailbox(req: SandboxRequest): ContactsMailbox {
    const { tenant, user } = mailboxUser(this.ctx, req);
    return this.mailboxOf(tenant, user);
  }

  /** A folder by id; the default folder when the route has none. */
  folder(m: ContactsMailbox, id: string | undefined): ContactFolder {
    const f = m.folders.get(id ?? m.defaultFolderId);
    if (f) return f;
    if (!(id ?? '').startsWith('AAMkAG')) throw malformedId();
    throw itemNotFound();
  }

  contact(m: ContactsMailbox, id: string, folderId: string): StoredContact {
    const c = m.contacts.get(id);
    if (c && c.parentFolderId === folderId) return c;
    if (!id.startsWith('AAMkAG')) throw malformedId();
    throw itemNotFound();
  }

  /** A new Exchange-shaped id (folders and items share the id space). */
  newId(m: ContactsMailbox): string {
    return seededExchangeId(`${m.tenantId}/${m.userId}/${randomUUID()}`);
  }

  createContact(
    m: ContactsMailbox,
    folderId: string,
    props: ContactProps,
    via: ContactMutation['via'],
  ): StoredContact {
    const now = this.ctx.clock.now();
    const id = this.newId(m);
    const c: StoredContact = {
      id,
      parentFolderId: folderId,
      createdMs: now,
      modifiedMs: now,
      changeKey: randomUUID().replace(/-/g, '').slice(0, 16),
      props: { ...props },
      seq: ++m.changeSeq,
    };
    m.contacts.set(id, c);
    this.record(m, 'create', 'contact', id, via);
    return c;
  }

  updateContact(
    m: ContactsMailbox,
    c: StoredContact,
    props: ContactProps,
    via: ContactMutation['via'],
  ): void {
    c.props = { ...c.props, ...props };
    c.modifiedMs = this.ctx.clock.now();
    c.changeKey = randomUUID().replace(/-/g, '').slice(0, 16);
    c.seq = ++m.changeSeq;
    this.record(m, 'update', 'contact', c.id, via);
  }

  deleteContact(m: ContactsMailbox, c: StoredContact, via: ContactMutation['via']): void {
    m.contacts.delete(c.id);
    m.tombstones.push({ seq: ++m.changeSeq, id: c.id, folderId: c.parentFolderId });
    // Bounded; a delta token older than the oldest kept tombstone is expired.
    if (m.tombstones.length > 10_000) {
      const dropped = m.tombstones.splice(0, m.tombstones.length - 10_000);
      m.staleBefore = Math.max(m.staleBefore, ...dropped.map((d) => d.seq));
    }
    this.record(m, 'delete', 'contact', c.id, via);
  }

  record(
    m: ContactsMailbox,
    op: ContactMutation['op'],
    kind: ContactMutation['kind'],
    id: string,
    via: ContactMutation['via'],
  ): void {
    m.mutations.push({ at: this.ctx.clock.date().toISOString(), op, kind, id, via });
    if (m.mutations.length > 10_000) m.mutations.splice(0, m.mutations.length - 10_000);
  }

  /** Graph's `contact` JSON. */
  json(c: StoredContact): Record<string, unknown> {
    return {
      '@odata.etag': `W/"${c.changeKey}"`,
      id: c.id,
      createdDateTime: iso(c.createdMs),
      lastModifiedDateTime: iso(c.modifiedMs),
      changeKey: c.changeKey,
      parentFolderId: c.parentFolderId,
      ...EMPTY,
      ...c.props,
      displayName: derivedDisplayName(c.props),
    };
  }
}

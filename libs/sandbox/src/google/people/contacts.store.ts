import type { people_v1 } from 'googleapis';

/** A contact as kept: its writable fields, and bookkeeping for etags and incremental sync. */
export interface StoredContact {
  /** The hex id of the CONTACT source; `resourceName` is `people/c<decimal of it>`. */
  readonly sourceId: string;
  readonly resourceName: string;
  data: people_v1.Schema$Person;
  readonly createdMs: number;
  updatedMs: number;
  changeSeq: number;
  deleted: boolean;
}

export interface UserContacts {
  readonly email: string;
  readonly customerId: string;
  readonly contacts: Map<string, StoredContact>;
  changeSeq: number;
  /** Bumped to expire every sync token issued to this user. */
  syncEpoch: number;
}

export const resourceNameOf = (sourceId: string): string => `people/c${BigInt(`0x${sourceId}`).toString()}`;

/** Every Google user's contacts, keyed by lower-cased email, contacts by resource name. */
export class ContactsStore {
  readonly users = new Map<string, UserContacts>();

  user(email: string): UserContacts | undefined {
    return this.users.get(email.toLowerCase());
  }

  addUser(email: string, customerId: string): UserContacts {
    const u: UserContacts = { email, customerId, contacts: new Map(), changeSeq: 0, syncEpoch: 0 };
    this.users.set(email.toLowerCase(), u);
    return u;
  }

  /** Creates or replaces a contact's data and records the change. */
  put(user: UserContacts, sourceId: string, data: people_v1.Schema$Person, now: number): StoredContact {
    const resourceName = resourceNameOf(sourceId);
    const existing = user.contacts.get(resourceName);
    const contact: StoredContact = existing ?? { sourceId, resourceName, data, createdMs: now, updatedMs: now, changeSeq: 0, deleted: false };
    contact.data = data;
    contact.deleted = false;
    this.touch(user, contact, now);
    user.contacts.set(resourceName, contact);
    return contact;
  }

  remove(user: UserContacts, contact: StoredContact, now: number): void {
    contact.deleted = true;
    this.touch(user, contact, now);
  }

  private touch(user: UserContacts, contact: StoredContact, now: number): void {
    user.changeSeq++;
    contact.changeSeq = user.changeSeq;
    contact.updatedMs = Math.max(now, contact.updatedMs + 1);
  }
}

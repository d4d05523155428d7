/** Contact properties as Graph names them; values already validated against CONTACT_PROPERTIES. */
export type ContactProps = Record<string, unknown>;

export interface StoredContact {
  readonly id: string;
  parentFolderId: string;
  readonly createdMs: number;
  modifiedMs: number;
  changeKey: string;
  props: ContactProps;
  /** The mailbox change sequence number of the last change (0 for seeded contacts). */
  seq: number;
}

export interface ContactFolder {
  readonly id: string;
  displayName: string;
  readonly parentFolderId: string;
}

export interface ContactMutation {
  readonly at: string;
  readonly op: 'create' | 'update' | 'delete';
  readonly kind: 'contact' | 'folder';
  readonly id: string;
  readonly via: 'api' | 'inspect';
}

/** One user's contacts: the default Contacts folder, its subfolders, and every contact in them. */
export interface ContactsMailbox {
  readonly tenantId: string;
  readonly userId: string;
  readonly rootFolderId: string;
  readonly defaultFolderId: string;
  readonly folders: Map<string, ContactFolder>;
  readonly contacts: Map<string, StoredContact>;
  readonly mutations: ContactMutation[];
  /** Delta tracking: bumped on every contact change; tombstones remember deletions for `@removed`. */
  changeSeq: number;
  readonly tombstones: { readonly seq: number; readonly id: string; readonly folderId: string }[];
  /** Tokens from another epoch, or older than `staleBefore`, are expired. */
  deltaEpoch: number;
  staleBefore: number;
}

export class ContactsStore {
  private readonly mailboxes = new Map<string, ContactsMailbox>();

  get(tenantId: string, userId: string): ContactsMailbox | undefined {
    return this.mailboxes.get(`${tenantId}/${userId}`);
  }

  set(m: ContactsMailbox): void {
    this.mailboxes.set(`${m.tenantId}/${m.userId}`, m);
  }

  all(): IterableIterator<ContactsMailbox> {
    return this.mailboxes.values();
  }
}

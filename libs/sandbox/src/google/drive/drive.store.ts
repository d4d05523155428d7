import type { GoogleTenant } from '../../state/directory';
import {
  ANYONE_PERMISSION_ID,
  domainPermissionId,
  driveFileId,
  driveRootId,
  permissionIdOf,
} from './drive-ids';
import {
  FOLDER_MIME,
  type ChangeRecord,
  type DriveFile,
  type DrivePermission,
  type PermissionRole,
  type PermissionType,
  type SharedDrive,
} from './drive.model';

const RANK: Readonly<Record<PermissionRole, number>> = {
  reader: 1,
  commenter: 2,
  writer: 3,
  fileOrganizer: 4,
  organizer: 5,
  owner: 6,
};

/** Whether `role` grants at least `needed`. */
export const atLeast = (role: PermissionRole | undefined, needed: PermissionRole): boolean =>
  role !== undefined && RANK[role] >= RANK[needed];

/** Who could see an item before a change removed it: users by email, or everybody in the tenant. */
type Audience = ReadonlySet<string> | 'everyone';

interface StoredChange extends ChangeRecord {
  /** For removals (delete, unshare, move out of view): who saw the item just before. */
  readonly formerAudience?: Audience;
}

/**
 * One Google tenant's Drive: every user's My Drive, the shared drives, and the change log that
 * `changes.list` pages through (the log index is the page token).
 */
export class DriveTenantStore {
  private readonly files = new Map<string, DriveFile>();
  /** Permanently deleted items, kept so change feeds can tell their former viewers. */
  private readonly tombstones = new Map<string, DriveFile>();
  private readonly childIndex = new Map<string, Set<string>>();
  readonly drives = new Map<string, SharedDrive>();
  private readonly log: StoredChange[] = [];
  private readonly latestChange = new Map<string, number>();
  /** Per user: change tokens below this id were invalidated through the inspection API. */
  readonly staleBefore = new Map<string, number>();
  /** Sharing notifications Drive would have e-mailed (permissions.create with sendNotificationEmail). */
  notificationsSent = 0;
  /** Ids handed out by files.generateIds and not yet used. */
  readonly generatedIds = new Set<string>();
  private seq = 0;

  constructor(
    readonly tenant: GoogleTenant,
    private readonly seed: string,
    readonly now: () => number,
  ) {}

  /** The lower-cased tenant user for an email, if any. */
  user(email: string): string | undefined {
    const key = email.toLowerCase();
    return this.tenant.users.has(key) ? key : undefined;
  }

  newFileId(): string {
    return driveFileId(`${this.seed}/runtime/${this.tenant.customerId}/${++this.seq}`);
  }

  /** The user's My Drive root folder, created on first use. */
  root(email: string): DriveFile {
    const id = driveRootId(`${this.seed}/${this.tenant.customerId}/${email}`);
    let root = this.files.get(id);
    if (!root) {
      root = {
        id,
        name: 'My Drive',
        mimeType: FOLDER_MIME,
        parents: [],
        owner: email,
        createdTime: Date.UTC(2020, 0, 1),
        modifiedTime: Date.UTC(2020, 0, 1),
        trashed: false,
        explicitlyTrashed: false,
        starred: false,
        version: 1,
        properties: {},
        appProperties: {},
        permissions: [userPermission(email, 'owner')],
        isRoot: true,
      };
      this.files.set(id, root);
    }
    return root;
  }

  get(id: string): DriveFile | undefined {
    return this.files.get(id);
  }

  /** Live files in insertion order (roots excluded). */
  *all(): IterableIterator<DriveFile> {
    for (const f of this.files.values()) if (!f.isRoot) yield f;
  }

  get size(): number {
    return this.files.size;
  }

  children(id: string): DriveFile[] {
    const ids = this.childIndex.get(id);
    if (!ids) return [];
    return [...ids].map((c) => this.files.get(c)).filter((f): f is DriveFile => f !== undefined);
  }

  /** Adds a new item and records it in the change log. */
  add(file: DriveFile, at = this.now()): DriveFile {
    this.files.set(file.id, file);
    for (const p of file.parents) this.index(p).add(file.id);
    this.record(file, at);
    return file;
  }

  /** Records a change to an existing item: version, modified time, change log. */
  touch(file: DriveFile, options: { modified?: boolean; by?: string } = {}): void {
    file.version++;
    if (options.modified !== false) file.modifiedTime = Math.max(this.now(), file.modifiedTime + 1);
    if (options.by) file.lastModifyingUser = options.by;
    this.record(file, this.now());
  }

  /** Replaces an item's parents (a move), recording former viewers who may lose sight of it. */
  move(file: DriveFile, parents: string[]): void {
    const before = this.audience(file);
    for (const p of file.parents) this.childIndex.get(p)?.delete(file.id);
    file.parents = parents;
    for (const p of parents) this.index(p).add(file.id);
    file.version++;
    this.record(file, this.now(), before);
  }

  /** Records a change that may hide the item from some users (unsharing), keeping who saw it. */
  touchWithAudience(file: DriveFile, before: Audience): void {
    file.version++;
    this.record(file, this.now(), before);
  }

  /** Permanently deletes an item and, for a folder, everything under it. */
  delete(file: DriveFile): void {
    for (const child of this.children(file.id)) this.delete(child);
    const before = this.audience(file);
    this.files.delete(file.id);
    this.tombstones.set(file.id, file);
    for (const p of file.parents) this.childIndex.get(p)?.delete(file.id);
    this.childIndex.delete(file.id);
    this.record(file, this.now(), before);
  }

  /** A live or deleted item, for change feeds. */
  anyFile(id: string): DriveFile | undefined {
    return this.files.get(id) ?? this.tombstones.get(id);
  }

  /** The next change id; `changes.getStartPageToken` answers it. */
  get nextChangeId(): number {
    return this.log.length + 1;
  }

  change(id: number): StoredChange | undefined {
    return this.log[id - 1];
  }

  /** Whether a later change for the same item supersedes change `id` (the feed reports the latest). */
  superseded(change: ChangeRecord): boolean {
    return (this.latestChange.get(change.fileId) ?? 0) > change.id;
  }

  /** The user's role on an item: own and inherited permissions, groups, domain and anyone grants. */
  roleOf(email: string, file: DriveFile, depth = 0): PermissionRole | undefined {
    let best: PermissionRole | undefined;
    const consider = (r: PermissionRole | undefined) => {
      if (r && (!best || RANK[r] > RANK[best])) best = r;
    };
    for (const p of file.permissions) if (this.grants(p, email)) consider(p.role);
    const drive = file.isRoot && file.driveId ? this.drives.get(file.driveId) : undefined;
    if (drive) for (const p of drive.permissions) if (this.grants(p, email)) consider(p.role);
    if (depth < 64) {
      for (const parentId of file.parents) {
        const parent = this.anyFile(parentId);
        if (parent) consider(this.roleOf(email, parent, depth + 1));
      }
    }
    return best;
  }

  /** Every permission that applies to an item, its own first, then those inherited from folders. */
  effectivePermissions(file: DriveFile): { permission: DrivePermission; inheritedFrom?: string }[] {
    const out = new Map<string, { permission: DrivePermission; inheritedFrom?: string }>();
    const visit = (f: DriveFile, depth: number, inherited: boolean) => {
      const own = f.isRoot && f.driveId ? (this.drives.get(f.driveId)?.permissions ?? []) : f.permissions;
      for (const p of own)
        if (!out.has(p.id))
          out.set(p.id, inherited ? { permission: p, inheritedFrom: f.id } : { permission: p });
      if (depth < 64)
        for (const parentId of f.parents) {
          const parent = this.anyFile(parentId);
          if (parent) visit(parent, depth + 1, true);
        }
    };
    visit(file, 0, false);
    return [...out.values()];
  }

  private grants(p: DrivePermission, email: string): boolean {
    switch (p.type) {
      case 'user':
        return p.emailAddress === email;
      case 'group':
        return (
          p.emailAddress !== undefined &&
          (this.tenant.groups.get(p.emailAddress)?.members.has(email) ?? false)
        );
      case 'domain':
        return p.domain !== undefined && email.endsWith(`@${p.domain}`);
      case 'anyone':
        return true;
    }
  }

  /** Everyone who can currently see an item (for removal changes). */
  audience(file: DriveFile): Audience {
    const users = new Set<string>();
    for (const { permission: p } of this.effectivePermissions(file)) {
      if (p.type === 'anyone' || p.type === 'domain') return 'everyone';
      if (p.type === 'user' && p.emailAddress) users.add(p.emailAddress);
      if (p.type === 'group' && p.emailAddress)
        for (const m of this.tenant.groups.get(p.emailAddress)?.members.keys() ?? []) users.add(m);
    }
    return users;
  }

  private index(parentId: string): Set<string> {
    let set = this.childIndex.get(parentId);
    if (!set) {
      set = new Set();
      this.childIndex.set(parentId, set);
    }
    return set;
  }

  private record(file: DriveFile, time: number, formerAudience?: Audience): void {
    const id = this.log.length + 1;
    const change: { -readonly [K in keyof StoredChange]: StoredChange[K] } = { id, fileId: file.id, time };
    if (file.driveId) change.driveId = file.driveId;
    if (formerAudience) change.formerAudience = formerAudience;
    this.log.push(change);
    this.latestChange.set(file.id, id);
  }

  /** Whether change `c` should be reported to `email` as a removal of something they saw. */
  sawBefore(c: ChangeRecord, email: string): boolean {
    const a = (c as StoredChange).formerAudience;
    return a === 'everyone' || (a?.has(email) ?? false);
  }
}

/** A user (or group) permission with Drive's stable per-account id. */
export function userPermission(
  email: string,
  role: PermissionRole,
  type: Extract<PermissionType, 'user' | 'group'> = 'user',
): DrivePermission {
  return { id: permissionIdOf(email), type, role, emailAddress: email.toLowerCase() };
}

export function domainPermission(
  domain: string,
  role: PermissionRole,
  allowFileDiscovery: boolean,
): DrivePermission {
  return { id: domainPermissionId(domain), type: 'domain', role, domain, allowFileDiscovery };
}

export function anyonePermission(role: PermissionRole, allowFileDiscovery: boolean): DrivePermission {
  return { id: ANYONE_PERMISSION_ID, type: 'anyone', role, allowFileDiscovery };
}

/** Bare folder/file record defaults, so seeders and handlers only name what differs. */
export function newFile(
  init: Pick<DriveFile, 'id' | 'name' | 'mimeType' | 'parents'> & Partial<DriveFile>,
  now: number,
): DriveFile {
  return {
    createdTime: now,
    modifiedTime: now,
    trashed: false,
    explicitlyTrashed: false,
    starred: false,
    version: 1,
    properties: {},
    appProperties: {},
    permissions: [],
    ...init,
  };
}

/** Registers a shared drive and its root folder (whose id is the drive id, as in Drive). */
export function addSharedDrive(store: DriveTenantStore, drive: SharedDrive): DriveFile {
  store.drives.set(drive.id, drive);
  const root = newFile(
    { id: drive.id, name: drive.name, mimeType: FOLDER_MIME, parents: [], driveId: drive.id, isRoot: true },
    drive.createdTime,
  );
  store.add(root, drive.createdTime);
  return root;
}

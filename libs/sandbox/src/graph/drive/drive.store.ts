import { createHash, randomBytes } from 'node:crypto';
import type { ContentSource } from '../../content/content-source';

export type PermissionRole = 'read' | 'write' | 'owner';

/** A sharing grant on an item: to a user of the tenant, or an invitation to an outside address. */
export interface PermissionRecord {
  readonly id: string;
  roles: PermissionRole[];
  /** The tenant user the item is shared with. */
  readonly userId?: string;
  /** An outside recipient (no account in the tenant). */
  readonly email?: string;
  readonly signInRequired: boolean;
  readonly createdAt: number;
}

/** Who created or last changed an item: a user, or an app-only caller. */
export type Actor = { readonly userId: string } | { readonly appId: string };

export interface ItemRecord {
  readonly id: string;
  name: string;
  /** Undefined only for the root. */
  parentId: string | undefined;
  readonly folder: boolean;
  /** Lower-cased name -> child id (OneDrive names are case-insensitive within a folder). */
  readonly children: Map<string, string> | undefined;
  content: ContentSource | undefined;
  /** Computed once (uploads: while streaming; seeded content: on first read, when small enough). */
  quickXorHash: string | undefined;
  description: string | undefined;
  readonly createdAt: number;
  modifiedAt: number;
  readonly createdBy: Actor;
  modifiedBy: Actor;
  /** Bumped on every change (eTag); `contentVersion` only on content changes (cTag). */
  version: number;
  contentVersion: number;
  /** The drive's change sequence number of this item's last change (delta ordering). */
  seq: number;
  deleted: boolean;
  readonly permissions: PermissionRecord[];
  /** eTag/cTag GUID part, fixed per item. */
  readonly tag: string;
}

export interface DriveRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly ownerId: string;
  readonly rootId: string;
  readonly createdAt: number;
  readonly items: Map<string, ItemRecord>;
  /** The last change sequence number handed out. */
  seq: number;
  /** Bumped by the inspection API: delta tokens of an older epoch are stale (410). */
  epoch: number;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** OneDrive for Business item ids: `01` and 32 base32 characters. */
export function itemIdFrom(bytes: Buffer): string {
  let out = '01';
  for (let i = 0; i < 32; i++) out += BASE32[(bytes[i % bytes.length] ?? 0) % 32];
  return out;
}

export const seededItemId = (seed: string): string => itemIdFrom(createHash('sha256').update(seed).digest());

function mix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Stable ids for a drive's seeded items, one per (kind, index): one SHA-256 per drive, then an
 * integer mix per item, because hashing a seed path per item dominated seeding time.
 */
export class SeededIds {
  private readonly key: number[];
  constructor(seed: string) {
    const d = createHash('sha256').update(seed).digest();
    this.key = Array.from({ length: 8 }, (_, i) => d.readUInt32LE(i * 4));
  }

  id(kind: number, n: number): string {
    let out = '01';
    let h = 0;
    for (let w = 0; out.length < 34; w++) {
      h = mix32((this.key[w % 8] ?? 0) ^ Math.imul(n + 1, 0x9e3779b1) ^ Math.imul(kind + 1, 0x7feb352d) ^ h);
      for (let c = 0, v = h; c < 6 && out.length < 34; c++, v >>>= 5) out += BASE32[v & 31];
    }
    return out;
  }
}
export const randomItemId = (): string => itemIdFrom(randomBytes(32));

/** Business drive ids look like `b!` and 64 base64url characters. */
export const seededDriveId = (seed: string): string => `b!${createHash('sha512').update(seed).digest('base64url').slice(0, 64)}`;

const HEX = '0123456789ABCDEF';

/** The GUID in eTags and cTags, derived from the id's characters (no hashing: seeding makes many). */
function tagOf(id: string): string {
  let h = '';
  for (let i = 2; i < 34; i++) h += HEX[(id.charCodeAt(i) * 7 + i) % 16];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export interface NewItem {
  readonly id?: string;
  readonly name: string;
  readonly folder: boolean;
  readonly content?: ContentSource;
  readonly quickXorHash?: string;
  readonly at: number;
  readonly by: Actor;
}

/** Every OneDrive of every tenant, and the operations that keep their change sequence. */
export class DriveStore {
  readonly drives = new Map<string, DriveRecord>();
  /** `${tenantId}/${userId}` -> drive id. */
  private readonly byOwner = new Map<string, string>();

  driveOf(tenantId: string, userId: string): DriveRecord | undefined {
    const id = this.byOwner.get(`${tenantId}/${userId}`);
    return id ? this.drives.get(id) : undefined;
  }

  createDrive(tenantId: string, ownerId: string, seed: string, at: number): DriveRecord {
    const rootId = seededItemId(`${seed}/root`);
    const drive: DriveRecord = { id: seededDriveId(seed), tenantId, ownerId, rootId, createdAt: at, items: new Map(), seq: 0, epoch: 0 };
    const root = this.record(drive, { id: rootId, name: 'root', folder: true, at, by: { userId: ownerId } }, undefined);
    drive.items.set(root.id, root);
    this.drives.set(drive.id, drive);
    this.byOwner.set(`${tenantId}/${ownerId}`, drive.id);
    return drive;
  }

  private record(drive: DriveRecord, n: NewItem, parentId: string | undefined): ItemRecord {
    const id = n.id ?? randomItemId();
    // One literal with every field, so all records share a shape (seeding makes tens of thousands).
    const item: ItemRecord = {
      id,
      name: n.name,
      parentId,
      folder: n.folder,
      children: n.folder ? new Map<string, string>() : undefined,
      content: n.content,
      quickXorHash: n.quickXorHash,
      description: undefined,
      createdAt: n.at,
      modifiedAt: n.at,
      createdBy: n.by,
      modifiedBy: n.by,
      version: 1,
      contentVersion: 1,
      seq: ++drive.seq,
      deleted: false,
      permissions: [],
      tag: tagOf(id),
    };
    return item;
  }

  /** A live (not deleted) item. */
  item(drive: DriveRecord, id: string): ItemRecord | undefined {
    const item = drive.items.get(id);
    return item && !item.deleted ? item : undefined;
  }

  root(drive: DriveRecord): ItemRecord {
    const root = drive.items.get(drive.rootId);
    if (!root) throw new Error('drive without a root');
    return root;
  }

  childNamed(drive: DriveRecord, parent: ItemRecord, name: string): ItemRecord | undefined {
    const id = parent.children?.get(name.toLowerCase());
    return id ? this.item(drive, id) : undefined;
  }

  children(drive: DriveRecord, parent: ItemRecord): ItemRecord[] {
    const out: ItemRecord[] = [];
    for (const id of parent.children?.values() ?? []) {
      const child = this.item(drive, id);
      if (child) out.push(child);
    }
    return out.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
  }

  /** Resolves `a/b/c` below `base`, case-insensitively. */
  atPath(drive: DriveRecord, base: ItemRecord, segments: readonly string[]): ItemRecord | undefined {
    let at: ItemRecord | undefined = base;
    for (const s of segments) {
      if (!at?.folder) return undefined;
      at = this.childNamed(drive, at, s);
    }
    return at;
  }

  add(drive: DriveRecord, parent: ItemRecord, n: NewItem): ItemRecord {
    const item = this.record(drive, n, parent.id);
    drive.items.set(item.id, item);
    parent.children?.set(item.name.toLowerCase(), item.id);
    this.touchFolder(drive, parent, n.at);
    return item;
  }

  /** Records a change of `item` (metadata or content) for eTag/cTag and delta. */
  touch(drive: DriveRecord, item: ItemRecord, at: number, by: Actor, contentChanged: boolean): void {
    item.modifiedAt = at;
    item.modifiedBy = by;
    item.version++;
    if (contentChanged) item.contentVersion++;
    item.seq = ++drive.seq;
  }

  /**
   * A folder's cTag changes when its children change. Its delta position does not: keeping a
   * folder's sequence number at its own last change keeps parents ahead of new children in delta.
   */
  private touchFolder(_drive: DriveRecord, folder: ItemRecord, at: number): void {
    folder.contentVersion++;
    if (at > folder.modifiedAt) folder.modifiedAt = at;
  }

  replaceContent(drive: DriveRecord, item: ItemRecord, content: ContentSource, quickXorHash: string | undefined, at: number, by: Actor): void {
    item.content = content;
    item.quickXorHash = quickXorHash;
    this.touch(drive, item, at, by, true);
  }

  rename(drive: DriveRecord, item: ItemRecord, name: string): void {
    const parent = item.parentId ? drive.items.get(item.parentId) : undefined;
    parent?.children?.delete(item.name.toLowerCase());
    item.name = name;
    parent?.children?.set(name.toLowerCase(), item.id);
  }

  move(drive: DriveRecord, item: ItemRecord, to: ItemRecord, at: number): void {
    const from = item.parentId ? drive.items.get(item.parentId) : undefined;
    from?.children?.delete(item.name.toLowerCase());
    if (from) this.touchFolder(drive, from, at);
    item.parentId = to.id;
    to.children?.set(item.name.toLowerCase(), item.id);
    this.touchFolder(drive, to, at);
  }

  /** Deletes an item and everything below it; each becomes a tombstone that delta reports. Returns them. */
  remove(drive: DriveRecord, item: ItemRecord, at: number): ItemRecord[] {
    const parent = item.parentId ? drive.items.get(item.parentId) : undefined;
    parent?.children?.delete(item.name.toLowerCase());
    if (parent) this.touchFolder(drive, parent, at);
    const removed: ItemRecord[] = [];
    const stack = [item];
    while (stack.length > 0) {
      const it = stack.pop();
      if (!it || it.deleted) continue;
      removed.push(it);
      it.deleted = true;
      it.modifiedAt = at;
      it.seq = ++drive.seq;
      for (const id of it.children?.values() ?? []) {
        const child = drive.items.get(id);
        if (child) stack.push(child);
      }
    }
    return removed;
  }

  /** Whether `item` is `ancestor` or lies below it (a folder cannot move into itself). */
  isWithin(drive: DriveRecord, item: ItemRecord, ancestor: ItemRecord): boolean {
    for (let at: ItemRecord | undefined = item; at; at = at.parentId ? drive.items.get(at.parentId) : undefined) if (at.id === ancestor.id) return true;
    return false;
  }

  /** `/Documents/a.txt` style path below the root ('' for the root itself). */
  pathOf(drive: DriveRecord, item: ItemRecord): string {
    const names: string[] = [];
    for (let at: ItemRecord | undefined = item; at && at.parentId; at = drive.items.get(at.parentId)) names.unshift(at.name);
    return names.length > 0 ? `/${names.join('/')}` : '';
  }

  /** Ancestors from the parent up to the root. */
  ancestors(drive: DriveRecord, item: ItemRecord): ItemRecord[] {
    const out: ItemRecord[] = [];
    for (let at = item.parentId ? drive.items.get(item.parentId) : undefined; at; at = at.parentId ? drive.items.get(at.parentId) : undefined) out.push(at);
    return out;
  }

  /** Total bytes below a folder (a folder's `size` in Graph), or a file's own size. */
  sizeOf(drive: DriveRecord, item: ItemRecord): number {
    if (!item.folder) return item.content?.size ?? 0;
    let total = 0;
    const stack = [item];
    while (stack.length > 0) {
      const it = stack.pop();
      if (!it) continue;
      for (const id of it.children?.values() ?? []) {
        const child = this.item(drive, id);
        if (!child) continue;
        if (child.folder) stack.push(child);
        else total += child.content?.size ?? 0;
      }
    }
    return total;
  }

  childCount(drive: DriveRecord, item: ItemRecord): number {
    let n = 0;
    for (const id of item.children?.values() ?? []) if (this.item(drive, id)) n++;
    return n;
  }
}

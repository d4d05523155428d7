import { createHash } from 'node:crypto';

const b64 = (seed: string): string => createHash('sha256').update(seed).digest('base64url');

/** A file id shaped like Drive's (33 URL-safe characters starting with `1`). */
export function driveFileId(seed: string): string {
  return `1${b64(seed).slice(0, 32)}`;
}

/**
 * Ids for a numbered series (a user's seeded files): one hash for the series, then the index, so
 * seeding tens of thousands of files costs no per-file hashing.
 */
export function driveFileIdSeries(seed: string): (index: number) => string {
  const prefix = `1${b64(seed).slice(0, 22)}`;
  return (index) => `${prefix}${index.toString(36).padStart(10, '0')}`;
}

/** A root-folder or shared-drive id shaped like Drive's (`0A...Uk9PVA`). */
export function driveRootId(seed: string): string {
  return `0A${b64(`${seed}/root`).replace(/[-_]/g, 'x').slice(0, 11)}Uk9PVA`;
}

/** Drive's stable per-account permission id (numeric, as `User.permissionId`). */
export function permissionIdOf(email: string): string {
  const key = email.toLowerCase();
  let id = permissionIds.get(key);
  if (id === undefined) {
    const h = createHash('sha256').update(`perm:${key}`).digest();
    id = (h.readBigUInt64BE(0) % 10n ** 20n).toString().padStart(20, '0');
    // Bounded memo: seeding asks for the same few accounts tens of thousands of times.
    if (permissionIds.size < 100_000) permissionIds.set(key, id);
  }
  return id;
}

const permissionIds = new Map<string, string>();

/** Drive's id of a domain grant (numeric with a `k` suffix). */
export function domainPermissionId(domain: string): string {
  return `${permissionIdOf(`domain:${domain}`)}k`;
}

export const ANYONE_PERMISSION_ID = 'anyoneWithLink';

import type { ContentSource } from '../../content/content-source';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';
export const GOOGLE_APPS_PREFIX = 'application/vnd.google-apps.';

export type PermissionRole = 'owner' | 'organizer' | 'fileOrganizer' | 'writer' | 'commenter' | 'reader';
export type PermissionType = 'user' | 'group' | 'domain' | 'anyone';

/** A Drive permission as stored; `emailAddress` for user/group, `domain` for domain grants. */
export interface DrivePermission {
  readonly id: string;
  readonly type: PermissionType;
  role: PermissionRole;
  readonly emailAddress?: string;
  readonly domain?: string;
  readonly allowFileDiscovery?: boolean;
}

/**
 * One file or folder. Seeded content is a {@link ContentSource} generated from a seed (so a 5 GB
 * file is a few dozen bytes of metadata); Google-native documents have no content at all.
 */
export interface DriveFile {
  readonly id: string;
  name: string;
  mimeType: string;
  /** Parent folder ids; a My Drive root or a shared drive id at the top. Empty for roots. */
  parents: string[];
  /** The shared drive the item lives in; undefined for My Drive items. */
  driveId?: string;
  /** The My Drive owner (lower-case email); shared-drive items have no owner. */
  owner?: string;
  createdTime: number;
  modifiedTime: number;
  trashed: boolean;
  explicitlyTrashed: boolean;
  trashedTime?: number;
  starred: boolean;
  description?: string;
  version: number;
  content?: ContentSource;
  /** The content seed of generated content, so tests can regenerate the expected bytes. */
  contentSeed?: string;
  /** Digests known from the upload stream; generated content computes them lazily. */
  md5?: Promise<string>;
  properties: Record<string, string>;
  appProperties: Record<string, string>;
  permissions: DrivePermission[];
  lastModifyingUser?: string;
  /** True for the per-user root folder ("My Drive"). */
  readonly isRoot?: boolean;
}

/** A shared drive and its members (permissions on the drive itself). */
export interface SharedDrive {
  readonly id: string;
  name: string;
  readonly createdTime: number;
  hidden: boolean;
  readonly permissions: DrivePermission[];
}

/** One entry of the tenant's change log; the log index is the change id that page tokens name. */
export interface ChangeRecord {
  readonly id: number;
  readonly fileId: string;
  readonly time: number;
  readonly driveId?: string;
}

export const isFolder = (f: DriveFile): boolean => f.mimeType === FOLDER_MIME;
export const isGoogleNative = (f: DriveFile): boolean =>
  f.mimeType.startsWith(GOOGLE_APPS_PREFIX) && !isFolder(f);

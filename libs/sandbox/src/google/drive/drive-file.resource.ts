import { createHash } from 'node:crypto';
import { GeneratedContent } from '../../content/content-source';
import { parseFields, type FieldMask } from '../partial-response';
import { permissionIdOf } from './drive-ids';
import { wants } from './drive-http';
import { isFolder, isGoogleNative, type DriveFile, type DrivePermission } from './drive.model';
import { atLeast, type DriveTenantStore } from './drive.store';
import { permissionResource } from './permission.resource';

/** Drive v3 returns only these file fields unless `fields` asks for more. */
export const FILE_DEFAULT_FIELDS = parseFields('kind,id,name,mimeType');

/** The field names of drive_v3.Schema$File, for `fields` validation. */
export const FILE_FIELDS: ReadonlySet<string> = new Set(
  'appProperties capabilities clientEncryptionDetails contentHints contentRestrictions copyRequiresWriterPermission createdTime description downloadRestrictions driveId explicitlyTrashed exportLinks fileExtension folderColorRgb fullFileExtension hasAugmentedPermissions hasThumbnail headRevisionId iconLink id imageMediaMetadata inheritedPermissionsDisabled isAppAuthorized kind labelInfo lastModifyingUser linkShareMetadata md5Checksum mimeType modifiedByMe modifiedByMeTime modifiedTime name originalFilename ownedByMe owners parents permissionIds permissions properties quotaBytesUsed resourceKey sha1Checksum sha256Checksum shared sharedWithMeTime sharingUser shortcutDetails size spaces starred teamDriveId thumbnailLink thumbnailVersion trashed trashedTime trashingUser version videoMediaMetadata viewedByMe viewedByMeTime viewersCanCopyContent webContentLink webViewLink writersCanShare'.split(
    ' ',
  ),
);

/** Export formats offered for Google-native types (a subset of Drive's about.exportFormats). */
export const EXPORT_FORMATS: Readonly<Record<string, readonly string[]>> = {
  'application/vnd.google-apps.document': [
    'text/plain',
    'text/html',
    'application/pdf',
    'application/rtf',
    'application/vnd.oasis.opendocument.text',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  ],
  'application/vnd.google-apps.spreadsheet': [
    'text/csv',
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ],
  'application/vnd.google-apps.presentation': [
    'text/plain',
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ],
};

const iso = (ms: number): string => new Date(ms).toISOString();

/** Seeded content above this size is hashed only when a checksum field is named explicitly. */
const LAZY_HASH_LIMIT = 256 * 1024 * 1024;

/** The MD5 of an item's content, computed once by streaming it (uploads know it already). */
export function md5Of(file: DriveFile): Promise<string> | undefined {
  const content = file.content;
  if (!content?.readable) return file.md5;
  file.md5 ??= (async () => {
    const hash = createHash('md5');
    if (content.size > 0) for await (const chunk of content.open()) hash.update(chunk as Buffer);
    return hash.digest('hex');
  })();
  return file.md5;
}

/** A `drive#user` for an account (tenant users get their display name). */
export function userResource(
  store: DriveTenantStore,
  email: string,
  viewer: string,
): Record<string, unknown> {
  const u = store.tenant.users.get(email);
  return {
    kind: 'drive#user',
    displayName: u ? `${u.givenName} ${u.familyName}` : email,
    emailAddress: email,
    me: email === viewer,
    permissionId: permissionIdOf(email),
  };
}

function links(file: DriveFile): Record<string, string> {
  if (isFolder(file))
    return {
      webViewLink: `https://drive.google.com/drive/folders/${file.id}`,
      iconLink: 'https://drive-thirdparty.googleusercontent.com/16/type/application/vnd.google-apps.folder',
    };
  const icon = `https://drive-thirdparty.googleusercontent.com/16/type/${file.mimeType}`;
  if (isGoogleNative(file))
    return { webViewLink: `https://docs.google.com/document/d/${file.id}/edit?usp=drivesdk`, iconLink: icon };
  return {
    webViewLink: `https://drive.google.com/file/d/${file.id}/view?usp=drivesdk`,
    webContentLink: `https://drive.google.com/uc?id=${file.id}&export=download`,
    iconLink: icon,
  };
}

function capabilities(file: DriveFile, role: DrivePermission['role'] | undefined): Record<string, boolean> {
  const edit = atLeast(role, 'writer');
  const organize = file.driveId ? atLeast(role, 'fileOrganizer') : role === 'owner';
  const folder = isFolder(file);
  return {
    canEdit: edit,
    canComment: atLeast(role, 'commenter'),
    canShare: edit,
    canCopy: !folder,
    canDownload: true,
    canRename: edit,
    canDelete: organize,
    canTrash: organize,
    canUntrash: organize,
    canAddChildren: folder && edit,
    canListChildren: folder,
    canRemoveChildren: folder && edit,
    canModifyContent: edit && !folder,
    canReadRevisions: edit,
    canMoveItemWithinDrive: edit,
  };
}

/**
 * The complete `drive#file` for a viewer; checksums (which may mean streaming a large seeded
 * file) are computed only when `mask` asks for them.
 */
export async function fileResource(
  store: DriveTenantStore,
  viewer: string,
  file: DriveFile,
  mask: FieldMask | true | undefined,
): Promise<Record<string, unknown>> {
  const role = store.roleOf(viewer, file);
  const binary = !isFolder(file) && !isGoogleNative(file);
  const own = file.permissions;
  const out: Record<string, unknown> = {
    kind: 'drive#file',
    id: file.id,
    name: file.name,
    mimeType: file.mimeType,
    starred: file.starred,
    trashed: file.trashed,
    explicitlyTrashed: file.explicitlyTrashed,
    spaces: ['drive'],
    version: String(file.version),
    createdTime: iso(file.createdTime),
    modifiedTime: iso(file.modifiedTime),
    viewedByMe: file.owner === viewer,
    modifiedByMe:
      file.lastModifyingUser === viewer || (file.lastModifyingUser === undefined && file.owner === viewer),
    shared: own.some((p) => p.role !== 'owner') || file.driveId !== undefined,
    ownedByMe: file.owner === viewer,
    capabilities: capabilities(file, role),
    viewersCanCopyContent: true,
    copyRequiresWriterPermission: false,
    writersCanShare: true,
    hasThumbnail: false,
    thumbnailVersion: '0',
    isAppAuthorized: false,
    properties: file.properties,
    appProperties: file.appProperties,
    ...links(file),
  };
  if (file.parents.length > 0) out['parents'] = file.parents;
  if (file.description !== undefined) out['description'] = file.description;
  if (file.trashedTime !== undefined) out['trashedTime'] = iso(file.trashedTime);
  if (file.driveId) {
    out['driveId'] = file.driveId;
    out['teamDriveId'] = file.driveId;
  }
  if (file.owner) {
    out['owners'] = [userResource(store, file.owner, viewer)];
    out['lastModifyingUser'] = userResource(store, file.lastModifyingUser ?? file.owner, viewer);
  } else if (file.lastModifyingUser) {
    out['lastModifyingUser'] = userResource(store, file.lastModifyingUser, viewer);
  }
  // Drive shows the ACL only to those who may share the item.
  if (atLeast(role, 'writer')) {
    const effective = store.effectivePermissions(file);
    out['permissionIds'] = effective.map((e) => e.permission.id);
    if (!file.driveId)
      out['permissions'] = effective.map((e) =>
        permissionResource(store, e.permission, file, e.inheritedFrom),
      );
  }
  if (binary) {
    const size = file.content?.size ?? 0;
    out['size'] = String(size);
    out['quotaBytesUsed'] = String(file.driveId ? 0 : size);
    out['originalFilename'] = file.name;
    out['headRevisionId'] = `0B${file.id.slice(1, 20)}${file.version}`;
    const dot = file.name.lastIndexOf('.');
    if (dot > 0 && dot < file.name.length - 1) {
      out['fileExtension'] = file.name.slice(dot + 1);
      out['fullFileExtension'] = file.name.slice(
        file.name.indexOf('.', 1) > 0 ? file.name.indexOf('.', 1) + 1 : dot + 1,
      );
    }
    // Simplified: hashing a huge seeded file takes seconds, so `*` alone does not trigger it; naming
    // the checksum field does.
    const huge = file.content instanceof GeneratedContent && file.content.size > LAZY_HASH_LIMIT;
    const wantsFile = (f: string) =>
      huge ? mask !== undefined && mask !== true && mask.has(f) : wants(mask, f);
    if (file.content && wantsFile('md5Checksum')) {
      const md5 = md5Of(file);
      if (md5) out['md5Checksum'] = await md5;
    }
    if (file.content && wantsFile('sha256Checksum')) out['sha256Checksum'] = await file.content.sha256();
  } else {
    out['quotaBytesUsed'] = '0';
  }
  const formats = EXPORT_FORMATS[file.mimeType];
  if (formats)
    out['exportLinks'] = Object.fromEntries(
      formats.map((m) => [
        m,
        `https://docs.google.com/feeds/download/documents/export/Export?id=${file.id}&exportFormat=${m}`,
      ]),
    );
  return out;
}

import { GeneratedContent } from '../../content/content-source';
import type { MicrosoftTenant } from '../../state/directory';
import type { DriveTarget } from './drive-access';
import type { Actor, DriveRecord, DriveStore, ItemRecord, PermissionRecord } from './drive.store';
import { mimeTypeOf } from './drive-names';
import { quickXorOf } from './quick-xor-hash';
import type { UrlSigner } from './signed-url';

/** Download URLs stay valid this long (SharePoint's are short-lived, about an hour). */
export const DOWNLOAD_URL_TTL_MS = 3600_000;

/** Seeded content up to this size is hashed on first read; larger seeded files report no hashes. */
export const HASH_ON_READ_MAX_BYTES = 64 * 1024 * 1024;

const iso = (ms: number): string => new Date(ms).toISOString();

/** SharePoint user claims look like `i:0#.f|membership|upn`; user permission ids are that, encoded. */
export const userPermissionId = (upn: string): string => `aTowIy5mfG1lbWJlcnNoaXB8${Buffer.from(upn.toLowerCase()).toString('base64url')}`;

/** Renders records in Graph's JSON shapes for one request's origin. */
export class DriveViews {
  constructor(
    private readonly store: DriveStore,
    private readonly signer: UrlSigner,
    private readonly origin: () => string,
    private readonly now: () => number,
  ) {}

  identity(tenant: MicrosoftTenant, actor: Actor): Record<string, unknown> {
    if ('appId' in actor) return { application: { id: actor.appId, displayName: tenant.apps.get(actor.appId)?.displayName ?? 'App' } };
    return { user: this.user(tenant, actor.userId) };
  }

  private user(tenant: MicrosoftTenant, userId: string): Record<string, unknown> {
    const u = tenant.users.get(userId);
    return { email: u?.mail ?? null, id: userId, displayName: u?.displayName ?? 'Former user' };
  }

  personalUrl(t: DriveTarget): string {
    const host = `${t.tenant.domain.split('.')[0] ?? 'tenant'}-my.sharepoint.com`;
    return `https://${host}/personal/${t.owner.userPrincipalName.replace(/[@.]/g, '_').toLowerCase()}`;
  }

  drive(t: DriveTarget): Record<string, unknown> {
    const used = this.store.sizeOf(t.drive, this.store.root(t.drive));
    const total = 1024 ** 4;
    return {
      createdDateTime: iso(t.drive.createdAt),
      description: '',
      id: t.drive.id,
      lastModifiedDateTime: iso(Math.max(t.drive.createdAt, this.store.root(t.drive).modifiedAt)),
      name: 'OneDrive',
      webUrl: `${this.personalUrl(t)}/Documents`,
      driveType: 'business',
      createdBy: { user: { displayName: 'System Account' } },
      owner: { user: this.user(t.tenant, t.owner.id) },
      quota: { deleted: 0, remaining: total - used, state: 'normal', total, used },
    };
  }

  parentReference(drive: DriveRecord, item: ItemRecord): Record<string, unknown> {
    const parent = item.parentId ? drive.items.get(item.parentId) : undefined;
    if (!parent) return { driveType: 'business', driveId: drive.id };
    const path = this.store.pathOf(drive, parent);
    return { driveType: 'business', driveId: drive.id, id: parent.id, ...(parent.parentId ? { name: parent.name } : {}), path: `/drives/${drive.id}/root:${path}` };
  }

  downloadUrl(drive: DriveRecord, item: ItemRecord): string {
    const token = this.signer.sign({ d: drive.id, i: item.id, e: this.now() + DOWNLOAD_URL_TTL_MS });
    return `${this.origin()}/_layouts/15/download.aspx?UniqueId=${item.tag}&tempauth=${token}`;
  }

  /** Hashes small seeded content on first read (uploads are hashed as they stream in). */
  async ensureHash(item: ItemRecord): Promise<void> {
    const c = item.content;
    if (item.folder || item.quickXorHash !== undefined || !c || !(c instanceof GeneratedContent) || c.size > HASH_ON_READ_MAX_BYTES) return;
    item.quickXorHash = await quickXorOf(c.open());
  }

  async item(t: DriveTarget, item: ItemRecord, withDownloadUrl = true): Promise<Record<string, unknown>> {
    await this.ensureHash(item);
    const d = t.drive;
    const path = this.store.pathOf(d, item);
    const out: Record<string, unknown> = {};
    if (!item.folder && withDownloadUrl && item.content?.readable) out['@microsoft.graph.downloadUrl'] = this.downloadUrl(d, item);
    Object.assign(out, {
      createdBy: this.identity(t.tenant, item.createdBy),
      createdDateTime: iso(item.createdAt),
      eTag: `"{${item.tag}},${item.version}"`,
      id: item.id,
      lastModifiedBy: this.identity(t.tenant, item.modifiedBy),
      lastModifiedDateTime: iso(item.modifiedAt),
      name: item.name,
      parentReference: this.parentReference(d, item),
      webUrl: `${this.personalUrl(t)}/Documents${path.split('/').map(encodeURIComponent).join('/')}`,
      cTag: `"c:{${item.tag}},${item.contentVersion}"`,
      fileSystemInfo: { createdDateTime: iso(item.createdAt), lastModifiedDateTime: iso(item.modifiedAt) },
      size: this.store.sizeOf(d, item),
    });
    if (item.description !== undefined) out['description'] = item.description;
    if (item.folder) out['folder'] = { childCount: this.store.childCount(d, item) };
    else out['file'] = { mimeType: mimeTypeOf(item.name), ...(item.quickXorHash !== undefined ? { hashes: { quickXorHash: item.quickXorHash } } : {}) };
    if (!item.parentId) out['root'] = {};
    if (item.permissions.length > 0) out['shared'] = { scope: 'users', owner: { user: this.user(t.tenant, d.ownerId) } };
    return out;
  }

  /** How delta reports a deleted item. */
  deleted(drive: DriveRecord, item: ItemRecord): Record<string, unknown> {
    return { id: item.id, name: item.name, parentReference: this.parentReference(drive, item), deleted: { state: 'deleted' }, ...(item.folder ? { folder: {} } : { file: {} }) };
  }

  /** The owner's permission, the item's own grants, and those inherited from its folders. */
  permissions(t: DriveTarget, item: ItemRecord): Record<string, unknown>[] {
    const owner = { id: userPermissionId(t.owner.userPrincipalName), roles: ['owner'], shareId: userPermissionId(t.owner.userPrincipalName), ...this.grantee(t.tenant, t.owner.id) };
    const own = item.permissions.map((p) => this.permission(t, p));
    const inherited = this.store.ancestors(t.drive, item).flatMap((a) =>
      a.permissions.map((p) => ({ ...this.permission(t, p), inheritedFrom: { driveId: t.drive.id, driveType: 'business', id: a.id, path: `/drives/${t.drive.id}/root:${this.store.pathOf(t.drive, a)}` } })),
    );
    return [owner, ...own, ...inherited];
  }

  permission(t: DriveTarget, p: PermissionRecord): Record<string, unknown> {
    if (p.userId !== undefined) return { id: p.id, roles: [...p.roles], shareId: p.id, ...this.grantee(t.tenant, p.userId) };
    return {
      id: p.id,
      roles: [...p.roles],
      shareId: p.id,
      invitation: { email: p.email ?? '', signInRequired: p.signInRequired, invitedBy: { user: this.user(t.tenant, t.owner.id) } },
      grantedToIdentitiesV2: [{ siteUser: { displayName: p.email ?? '', email: p.email ?? '', loginName: `i:0#.f|membership|${p.email ?? ''}` } }],
    };
  }

  private grantee(tenant: MicrosoftTenant, userId: string): Record<string, unknown> {
    const u = this.user(tenant, userId);
    const upn = tenant.users.get(userId)?.userPrincipalName ?? '';
    return { grantedTo: { user: u }, grantedToV2: { user: u, siteUser: { displayName: u['displayName'], email: u['email'], id: '7', loginName: `i:0#.f|membership|${upn}` } } };
  }
}

import { GeneratedContent } from '../../content/content-source';
import { Rng } from '../../scenario/deterministic';
import type { MicrosoftTenant, MicrosoftUser } from '../../state/directory';
import { userPermissionId } from './drive-item.view';
import type { DriveScenario } from './drive-scenario.schema';
import { SeededIds, type DriveRecord, type DriveStore, type ItemRecord, type PermissionRole } from './drive.store';

// Folder and file names a migration must carry over intact: accents, other scripts, emoji, and
// characters that need URL encoding (# % & + ' ; [ ] ~) but that OneDrive accepts.
const FOLDER_NAMES = ['Documents', 'Projets été 2026', 'Отчёты', '資料 2026', 'Q1 & Q2 #budget', '100% done', "O'Brien's notes", 'a+b=c; [draft]', 'Ünïcödé ✓', 'Launch 🚀', '~archive', 'Ελληνικά'];
const FILE_STEMS = ['report', 'Résumé', 'données #', '写真', 'notes (final)', 'budget 50%', 'Übersicht & Plan', 'naïve+café', 'παρουσίαση', 'plan ~v2'];
const EXTENSIONS = ['docx', 'pdf', 'csv', 'jpg', 'txt', 'xlsx', 'pptx', 'zip'];

/** Seeded timestamps fall in 2025 so they are stable across runs. */
const EPOCH = Date.UTC(2025, 0, 1);
const YEAR_MS = 365 * 86_400_000;

/**
 * Seeds each user's OneDrive from the tenant's `drive` section: a folder tree (up to four levels
 * deep), `filesPerUser` files spread over it, a share of them shared with another user, and the
 * large files. Only metadata is stored; content is generated from the seed when read.
 */
export function seedTenantDrives(store: DriveStore, tenant: MicrosoftTenant, tenantIndex: number, seed: string, spec: DriveScenario): void {
  const users = [...tenant.users.values()];
  for (const [i, f] of spec.largeFiles.entries()) {
    if (f.user >= users.length) throw new Error(`invalid sandbox scenario for Microsoft tenant ${tenant.domain}: drive.largeFiles.${i}.user: index ${f.user}, but the tenant has ${users.length} users`);
  }
  users.forEach((user, u) => {
    const base = `${seed}/ms/${tenantIndex}/drive/${u}`;
    const rng = new Rng(base);
    const ids = new SeededIds(base);
    const drive = store.createDrive(tenant.tenantId, user.id, base, EPOCH + rng.int(0, 30) * 86_400_000);
    const root = store.root(drive);
    const by = { userId: user.id };
    const at = () => EPOCH + Math.floor(rng.next() * YEAR_MS);
    const folders: { item: ItemRecord; depth: number }[] = [{ item: root, depth: 0 }];
    const folderCount = spec.filesPerUser === 0 ? 0 : Math.min(FOLDER_NAMES.length, 1 + Math.floor(spec.filesPerUser / 4));
    for (let f = 0; f < folderCount; f++) {
      const parents = folders.filter((x) => x.depth < 4);
      const parent = rng.pick(parents);
      const name = FOLDER_NAMES[f] ?? `Folder ${f}`;
      const item = store.add(drive, parent.item, { id: ids.id(1, f), name, folder: true, at: at(), by });
      folders.push({ item, depth: parent.depth + 1 });
    }
    for (let n = 0; n < spec.filesPerUser; n++) {
      const parent = rng.pick(folders).item;
      const name = `${rng.pick(FILE_STEMS)} ${n + 1}.${rng.pick(EXTENSIONS)}`;
      const size = rng.pick(spec.fileSizes);
      const item = store.add(drive, parent, { id: ids.id(2, n), name, folder: false, content: new GeneratedContent(`${base}/file/${n}`, size), at: at(), by });
      if (users.length > 1 && rng.chance(spec.sharedRate)) share(drive, item, users[(u + rng.int(1, users.length - 1)) % users.length], rng.chance(0.5) ? 'write' : 'read');
    }
    // One folder shared as a whole, so inherited permissions appear below it.
    const sharedFolder = folders[1];
    if (sharedFolder && users.length > 1) share(drive, sharedFolder.item, users[(u + 1) % users.length], 'read');
    spec.largeFiles.forEach((f, i) => {
      if (f.user !== u) return;
      store.add(drive, root, { id: ids.id(3, i), name: f.name, folder: false, content: new GeneratedContent(`${base}/large/${i}`, f.size), at: at(), by });
    });
  });
}

function share(drive: DriveRecord, item: ItemRecord, user: MicrosoftUser | undefined, role: PermissionRole): void {
  if (!user || user.id === drive.ownerId) return;
  item.permissions.push({ id: userPermissionId(user.userPrincipalName), roles: [role], userId: user.id, signInRequired: true, createdAt: item.createdAt });
}

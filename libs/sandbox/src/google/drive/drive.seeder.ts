import { GeneratedContent } from '../../content/content-source';
import { Rng } from '../../scenario/deterministic';
import { driveFileId, driveFileIdSeries, driveRootId } from './drive-ids';
import type { DriveScenario } from './drive-scenario.schema';
import { FOLDER_MIME, type DriveFile } from './drive.model';
import {
  addSharedDrive,
  domainPermission,
  newFile,
  userPermission,
  type DriveTenantStore,
} from './drive.store';

/** Folder names that exercise encoding and the characters other clouds reserve. */
const FOLDER_NAMES = [
  'Projets été 2025',
  'Ünïcødé ✓ データ',
  'Reports: Q1/Q2 "final"?',
  'CON',
  'a*b<c>d|e',
  ' spaced out ',
  '#%&{}~ archive',
];
const FILE_STEMS = ['Rapport n°', 'Quarterly: plan', 'Résumé', '報告書', 'notes*draft', 'Budget "v2"'];
const EXTENSIONS: readonly (readonly [string, string])[] = [
  ['bin', 'application/octet-stream'],
  ['pdf', 'application/pdf'],
  ['txt', 'text/plain'],
  ['jpg', 'image/jpeg'],
  ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
];
export const GOOGLE_DOC_MIME = 'application/vnd.google-apps.document';
const BASE_TIME = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

/** The seed of a seeded file's bytes; the inspection API reports it as `contentSeed`. */
export const contentSeedOf = (scenarioSeed: string, customerId: string, key: string): string =>
  `${scenarioSeed}/drive/${customerId}/${key}`;

/**
 * Seeds one tenant: per user a few nested folders with awkward names and `filesPerUser` files
 * (every fifth a Google Doc, some shared with the next user or the domain), the `largeFiles`, and
 * one shared drive. Only metadata is stored; content is generated from the seed when read.
 */
export function seedDriveTenant(store: DriveTenantStore, scenarioSeed: string, spec: DriveScenario): void {
  const { tenant } = store;
  const users = [...tenant.users.values()]
    .filter((u) => u.primaryEmail !== tenant.adminUser)
    .map((u) => u.primaryEmail);
  const seedOf = (key: string) => contentSeedOf(scenarioSeed, tenant.customerId, key);
  const id = (key: string) => driveFileId(seedOf(key));

  users.forEach((email, u) => {
    const rng = new Rng(seedOf(`user/${u}`));
    const root = store.root(email);
    const next = users[(u + 1) % users.length];
    const folders: DriveFile[] = [root];
    if (spec.filesPerUser > 0) {
      // A chain root > A > B > C, so folder paths nest three deep.
      for (let d = 0; d < 3; d++) {
        const parent = folders[folders.length - 1] ?? root;
        const created = BASE_TIME + rng.int(0, 300) * DAY;
        const folder = newFile(
          {
            id: id(`user/${u}/folder/${d}`),
            name: FOLDER_NAMES[(u + d) % FOLDER_NAMES.length] ?? 'Folder',
            mimeType: FOLDER_MIME,
            parents: [parent.id],
            owner: email,
            permissions: [userPermission(email, 'owner')],
          },
          created,
        );
        // The first folder is shared with the next user, who then sees everything under it.
        if (d === 0 && next && next !== email) folder.permissions.push(userPermission(next, 'writer'));
        store.add(folder, created);
        folders.push(folder);
      }
    }
    const fileId = driveFileIdSeries(seedOf(`user/${u}/files`));
    for (let i = 0; i < spec.filesPerUser; i++) {
      const parent = folders[i % folders.length] ?? root;
      const created = BASE_TIME + rng.int(0, 360) * DAY + rng.int(0, DAY - 1);
      const modified = created + rng.int(0, 30) * DAY;
      const stem = `${FILE_STEMS[i % FILE_STEMS.length] ?? 'File'} ${i + 1}`;
      const permissions = [userPermission(email, 'owner')];
      if (i % 3 === 1 && next && next !== email)
        permissions.push(userPermission(next, i % 2 === 0 ? 'writer' : 'reader'));
      if (i % 7 === 6) permissions.push(domainPermission(tenant.domain, 'reader', true));
      const base = {
        id: fileId(i),
        parents: [parent.id],
        owner: email,
        permissions,
        modifiedTime: modified,
      };
      if (i % 5 === 4) {
        store.add(newFile({ ...base, name: stem, mimeType: GOOGLE_DOC_MIME }, created), modified);
      } else {
        const [ext, mime] = EXTENSIONS[i % EXTENSIONS.length] ?? ['bin', 'application/octet-stream'];
        const size = spec.fileSizes.length > 0 ? (spec.fileSizes[i % spec.fileSizes.length] ?? 0) : 0;
        const contentSeed = seedOf(`user/${u}/file/${i}`);
        store.add(
          newFile(
            {
              ...base,
              name: `${stem}.${ext}`,
              mimeType: mime,
              content: new GeneratedContent(contentSeed, size),
              contentSeed,
            },
            created,
          ),
          modified,
        );
      }
    }
  });

  spec.largeFiles.forEach((large, n) => {
    const email = users[large.user];
    if (!email)
      throw new Error(
        `invalid google-drive scenario for ${tenant.domain}: drive.largeFiles.${n}.user: no seeded user #${large.user}`,
      );
    const contentSeed = seedOf(`large/${n}`);
    const created = BASE_TIME + n * DAY;
    store.add(
      newFile(
        {
          id: id(`large/${n}`),
          name: large.name,
          mimeType: 'application/octet-stream',
          parents: [store.root(email).id],
          owner: email,
          permissions: [userPermission(email, 'owner')],
          content: new GeneratedContent(contentSeed, large.size),
          contentSeed,
        },
        created,
      ),
      created,
    );
  });

  if (users.length > 0) seedSharedDrive(store, users, seedOf);
}

/** One shared drive per tenant: the first user organizes it, all but the last user are members. */
function seedSharedDrive(
  store: DriveTenantStore,
  users: readonly string[],
  seedOf: (key: string) => string,
): void {
  const driveId = driveRootId(seedOf('shared-drive/0'));
  const created = BASE_TIME - 30 * DAY;
  const members = users.length > 2 ? users.slice(0, -1) : users;
  const root = addSharedDrive(store, {
    id: driveId,
    name: 'Équipe Migration – Ferry',
    createdTime: created,
    hidden: false,
    permissions: members.map((m, i) => userPermission(m, i === 0 ? 'organizer' : 'writer')),
  });
  const folder = store.add(
    newFile(
      {
        id: driveFileId(seedOf('shared-drive/0/folder')),
        name: 'Contrats & Accords',
        mimeType: FOLDER_MIME,
        parents: [root.id],
        driveId,
      },
      created,
    ),
    created,
  );
  const organizer = users[0];
  for (let i = 0; i < 3; i++) {
    const contentSeed = seedOf(`shared-drive/0/file/${i}`);
    const t = created + (i + 1) * DAY;
    store.add(
      newFile(
        {
          id: driveFileId(contentSeed),
          name: `Accord ${i + 1} — signé.pdf`,
          mimeType: 'application/pdf',
          parents: [i === 0 ? root.id : folder.id],
          driveId,
          content: new GeneratedContent(contentSeed, 4096 * (i + 1)),
          contentSeed,
          ...(organizer ? { lastModifyingUser: organizer } : {}),
        },
        t,
      ),
      t,
    );
  }
}

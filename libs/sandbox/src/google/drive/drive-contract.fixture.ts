import { google, type drive_v3 } from 'googleapis';
import type { ScenarioInput } from '../../scenario/scenario.schema';
import { googleFailure } from '../../testing/google-api-failure';
import { startGoogleKit, type GoogleKit } from '../../testing/google-test-kit';
import type { Shape } from '../../testing/shape';
import { googleDriveWorkload } from './google-drive.workload';

export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive';
export const BIG_FILE_SIZE = 5 * 1024 ** 3;

/** Two Google tenants: a seeded one with the 5 GB file, and a second one for isolation checks. */
export const DRIVE_SCENARIO: ScenarioInput = {
  name: 'drive-contract',
  seed: 'drive-contract',
  google: {
    tenants: [
      {
        domain: 'fabrikam.example',
        users: 3,
        groups: 1,
        workloads: {
          drive: {
            filesPerUser: 12,
            fileSizes: [1024, 300_000, 2_000_000],
            largeFiles: [{ user: 0, size: BIG_FILE_SIZE, name: 'big-5GB.bin' }],
          },
        },
      },
      { domain: 'tailspin.example', users: 1, workloads: { drive: { filesPerUser: 2 } } },
    ],
  },
};

/** The Google kit with the Drive workload; `inspect` paths follow `/_sandbox/google/drive/`. */
export interface DriveFixture extends GoogleKit {
  drive(user: string, scopes?: readonly string[]): Promise<drive_v3.Drive>;
}

export async function startDriveFixture(scenario: ScenarioInput = DRIVE_SCENARIO): Promise<DriveFixture> {
  const kit = await startGoogleKit(scenario, [googleDriveWorkload], { scopes: [DRIVE_SCOPE], inspectArea: '/google/drive/' });
  return {
    ...kit,
    drive: async (user, scopes) => google.drive({ version: 'v3', auth: await kit.auth(user, scopes), rootUrl: kit.sandbox.endpoints.googleRoot }),
  };
}

/** A failed Drive call: the status and Google's `error` object (Drive always fills `errors[]`). */
export interface DriveFailure {
  readonly status: number;
  readonly error: { code: number; message: string; errors: { reason: string; location?: string }[] };
}

/** The error a googleapis call rejected with: status and Google's error body. */
export async function failure(p: Promise<unknown>): Promise<DriveFailure> {
  const { status, body } = await googleFailure(p);
  return { status, error: body.error as DriveFailure['error'] };
}

/** Every field the sandbox emits for a file, keyed by drive_v3.Schema$File (the compiler checks the names). */
export const FILE_SHAPE: Shape<drive_v3.Schema$File> = {
  kind: 'string',
  id: 'string',
  name: 'string',
  mimeType: 'string',
  starred: 'boolean',
  trashed: 'boolean',
  explicitlyTrashed: 'boolean',
  trashedTime: 'string',
  spaces: 'array',
  version: 'string',
  createdTime: 'string',
  modifiedTime: 'string',
  viewedByMe: 'boolean',
  modifiedByMe: 'boolean',
  shared: 'boolean',
  ownedByMe: 'boolean',
  capabilities: 'object',
  viewersCanCopyContent: 'boolean',
  copyRequiresWriterPermission: 'boolean',
  writersCanShare: 'boolean',
  hasThumbnail: 'boolean',
  thumbnailVersion: 'string',
  isAppAuthorized: 'boolean',
  properties: 'object',
  appProperties: 'object',
  webViewLink: 'string',
  webContentLink: 'string',
  iconLink: 'string',
  parents: 'array',
  description: 'string',
  driveId: 'string',
  teamDriveId: 'string',
  owners: 'array',
  lastModifyingUser: 'object',
  permissionIds: 'array',
  permissions: 'array',
  size: 'string',
  quotaBytesUsed: 'string',
  originalFilename: 'string',
  headRevisionId: 'string',
  fileExtension: 'string',
  fullFileExtension: 'string',
  md5Checksum: 'string',
  sha256Checksum: 'string',
  exportLinks: 'object',
};

export const PERMISSION_SHAPE: Shape<drive_v3.Schema$Permission> = {
  kind: 'string',
  id: 'string',
  type: 'string',
  role: 'string',
  emailAddress: 'string',
  domain: 'string',
  displayName: 'string',
  allowFileDiscovery: 'boolean',
  deleted: 'boolean',
  pendingOwner: 'boolean',
  permissionDetails: 'array',
};

export const USER_SHAPE: Shape<drive_v3.Schema$User> = {
  kind: 'string',
  displayName: 'string',
  emailAddress: 'string',
  me: 'boolean',
  permissionId: 'string',
};

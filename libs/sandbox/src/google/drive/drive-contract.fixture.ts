import { OAuth2Client } from 'google-auth-library';
import { google, type drive_v3 } from 'googleapis';
import type { ScenarioInput } from '../../scenario/scenario.schema';
import type { Sandbox } from '../../sandbox';
import { googleAccessToken } from '../../testing/google-token';
import { call, startTestSandbox } from '../../testing/test-sandbox';
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

/** A started sandbox with the Drive workload and helpers to act as its users through googleapis. */
export interface DriveFixture {
  readonly sandbox: Sandbox;
  /** Seeded users of the first tenant (the admin excluded), in seeding order. */
  readonly users: readonly string[];
  drive(user: string, scopes?: readonly string[]): Promise<drive_v3.Drive>;
  token(user: string, scopes?: readonly string[]): Promise<string>;
  inspect(path: string, init?: RequestInit): ReturnType<typeof call>;
  close(): Promise<void>;
}

export async function startDriveFixture(scenario: ScenarioInput = DRIVE_SCENARIO): Promise<DriveFixture> {
  const sandbox = await startTestSandbox({ scenario, workloads: [googleDriveWorkload] });
  const listed = await call(
    `${sandbox.endpoints.inspect}/google/${sandbox.endpoints.google.customerId}/users`,
  );
  const users = (listed.body as { users: { primaryEmail: string }[] }).users
    .map((u) => u.primaryEmail)
    .filter((e) => e !== sandbox.endpoints.google.adminUser);
  const token = (user: string, scopes: readonly string[] = [DRIVE_SCOPE]) =>
    googleAccessToken(sandbox.endpoints, user, scopes);
  return {
    sandbox,
    users,
    token,
    async drive(user, scopes) {
      const auth = new OAuth2Client();
      auth.setCredentials({ access_token: await token(user, scopes) });
      return google.drive({ version: 'v3', auth, rootUrl: sandbox.endpoints.googleRoot });
    },
    inspect: (path, init) => call(`${sandbox.endpoints.inspect}/google/drive/${path}`, init),
    close: () => sandbox.close(),
  };
}

/** The error a googleapis call rejected with: status and Google's error body. */
export async function failure(p: Promise<unknown>): Promise<{
  status: number;
  error: { code: number; message: string; errors: { reason: string; location?: string }[] };
}> {
  const e: unknown = await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err,
  );
  const gaxios = e as { status?: number; response?: { status: number; data: unknown } };
  if (!gaxios.response) throw e instanceof Error ? e : new Error(String(e));
  return { status: gaxios.response.status, error: (gaxios.response.data as { error: never }).error };
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

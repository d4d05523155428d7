import type { WorkloadFactory } from '../../sandbox-context';
import { aboutAndDriveRoutes } from './about-drives.routes';
import { changeRoutes } from './changes.routes';
import { driveInspectRoutes } from './drive-inspect.routes';
import { parseDriveScenario } from './drive-scenario.schema';
import { seedDriveTenant } from './drive.seeder';
import { DriveState } from './drive.state';
import { fileReadRoutes } from './files-read.routes';
import { fileWriteRoutes } from './files-write.routes';
import { permissionRoutes } from './permissions.routes';
import { uploadRoutes } from './uploads.routes';

/**
 * Google Drive API v3: files (list with `q`, get with ranged `alt=media`, create, update, delete,
 * copy, export), media/multipart/resumable uploads, permissions, shared drives, about and the
 * change feed; plus `/_sandbox/google/drive/:user/...` for tests.
 */
export const googleDriveWorkload: WorkloadFactory = (ctx) => {
  const state = new DriveState(ctx);
  return {
    name: 'google-drive',
    seed() {
      ctx.scenario.google.tenants.forEach((spec) => {
        const section = spec.workloads['drive'];
        const tenant = [...ctx.directory.google.values()].find((t) => t.domain === spec.domain);
        const store = tenant ? state.storeOf(tenant.customerId) : undefined;
        if (!store || section === undefined) return;
        seedDriveTenant(store, ctx.scenario.seed, parseDriveScenario(section, spec.domain));
      });
    },
    routes: () => [
      // Specific paths (generateIds, trash, export, copy) before the generic `:fileId` ones.
      ...fileReadRoutes(state),
      ...fileWriteRoutes(state),
      ...uploadRoutes(ctx, state),
      ...permissionRoutes(state),
      ...changeRoutes(state),
      ...aboutAndDriveRoutes(state),
      ...driveInspectRoutes(ctx, state),
    ],
    summary() {
      return {
        tenants: [...state.stores.values()].map((s) => {
          let files = 0;
          let folders = 0;
          let bytes = 0;
          for (const f of s.all()) {
            if (f.mimeType === 'application/vnd.google-apps.folder') folders++;
            else files++;
            bytes += f.content?.size ?? 0;
          }
          return {
            customerId: s.tenant.customerId,
            domain: s.tenant.domain,
            files,
            folders,
            bytes,
            sharedDrives: s.drives.size,
            changes: s.nextChangeId - 1,
            sharingNotifications: s.notificationsSent,
          };
        }),
      };
    },
  };
};

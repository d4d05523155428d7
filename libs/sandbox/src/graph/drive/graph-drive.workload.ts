import type { SandboxContext, Workload, WorkloadFactory } from '../../sandbox-context';
import { DriveAccess } from './drive-access';
import type { DriveApi } from './drive-api';
import { driveContentRoutes } from './drive-content.routes';
import { driveDeltaRoutes } from './drive-delta.routes';
import { driveInspectRoutes } from './drive-inspect.routes';
import { DriveViews } from './drive-item.view';
import { driveItemRoutes } from './drive-items.routes';
import { drivePathRoutes } from './drive-path.routes';
import { drivePermissionRoutes } from './drive-permissions.routes';
import { parseDriveScenario } from './drive-scenario.schema';
import { seedTenantDrives } from './drive.seeder';
import { DriveStore } from './drive.store';
import { UrlSigner } from './signed-url';
import { uploadSessionRoutes as uploadSessionRoutes } from './upload-session.routes';
import { UploadSessions } from './upload-session.store';

/**
 * Microsoft Graph OneDrive (v1.0): drives, driveItems by id and by path, children, content
 * (302 to a ranged download URL, simple upload, upload sessions), delta, permissions and invite.
 */
export const graphDriveWorkload: WorkloadFactory = (ctx: SandboxContext): Workload => {
  const store = new DriveStore();
  const signer = new UrlSigner();
  const now = () => ctx.clock.now();
  const api: DriveApi = {
    ctx,
    store,
    signer,
    access: new DriveAccess(ctx, store),
    views: new DriveViews(store, signer, () => ctx.origin(), now),
    sessions: new UploadSessions(ctx.retention, now),
  };
  return {
    name: 'graph-drive',
    // Id routes first: the path catch-alls would match them too.
    routes: () => [...driveItemRoutes(api), ...driveContentRoutes(api), ...driveDeltaRoutes(api), ...drivePermissionRoutes(api), ...uploadSessionRoutes(api), ...drivePathRoutes(api), ...driveInspectRoutes(api)],
    seed: () => {
      ctx.scenario.microsoft.tenants.forEach((spec, i) => {
        const tenant = ctx.directory.microsoftTenant(spec.domain);
        if (!tenant) return;
        const section = parseDriveScenario(spec.workloads['drive'], spec.domain);
        seedTenantDrives(store, tenant, i, ctx.scenario.seed, section);
      });
    },
    summary: () => {
      let items = 0;
      let files = 0;
      let deleted = 0;
      for (const d of store.drives.values()) {
        for (const it of d.items.values()) {
          if (it.deleted) deleted++;
          else if (it.parentId) {
            items++;
            if (!it.folder) files++;
          }
        }
      }
      return { drives: store.drives.size, items, files, folders: items - files, deleted, uploadSessions: api.sessions.size };
    },
  };
};

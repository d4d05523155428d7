import type { WorkloadFactory } from '../../sandbox-context';
import { directoryRoutes } from './directory.routes';

/**
 * Admin SDK Directory API over the core's seeded Google directory. It seeds nothing of its own:
 * users and groups are the core's (`state/directory.seeder.ts`).
 */
export const googleDirectoryWorkload: WorkloadFactory = (ctx) => ({
  name: 'google-directory',
  routes: () => directoryRoutes(ctx),
  seed: () => undefined,
  summary: () => ({
    tenants: [...ctx.directory.google.values()].map((t) => ({
      customerId: t.customerId,
      users: t.users.size,
      admins: [...t.users.values()].filter((u) => u.isAdmin).length,
      groups: t.groups.size,
      memberships: [...t.groups.values()].reduce((n, g) => n + g.members.size, 0),
    })),
  }),
});

import type { SandboxContext, WorkloadFactory } from '../../sandbox-context';
import { contactRoutes } from './contacts.routes';
import { contactsInspectRoutes } from './contacts-inspect.routes';
import { parseContactsScenario } from './contacts-scenario.schema';
import { emptyContactsMailbox, seedContacts } from './contacts.seeder';
import { ContactsService } from './contacts.service';

/** Outlook contacts through Graph: the default Contacts folder, its subfolders, and contact CRUD. */
export const graphContactsWorkload: WorkloadFactory = (ctx: SandboxContext) => {
  const svc = new ContactsService(ctx);
  return {
    name: 'graph-contacts',
    seed: () => {
      // Seeded contacts carry a fixed creation time so the same seed yields the same bytes.
      const createdMs = Date.UTC(2026, 0, 5, 9, 0, 0);
      ctx.scenario.microsoft.tenants.forEach((spec, i) => {
        const section = parseContactsScenario(
          spec.workloads['contacts'],
          `microsoft.tenants[${i}].workloads.contacts`,
        );
        const tenant = ctx.directory.microsoftTenant(spec.domain);
        if (!tenant) return;
        for (const user of tenant.users.values()) {
          const m = emptyContactsMailbox(ctx.scenario.seed, tenant, user);
          seedContacts(ctx.scenario.seed, m, section, createdMs);
          svc.store.set(m);
        }
      });
    },
    routes: () => [...contactRoutes(svc), ...contactsInspectRoutes(svc)],
    summary: () => {
      let mailboxes = 0;
      let contacts = 0;
      let folders = 0;
      for (const m of svc.store.all()) {
        mailboxes++;
        contacts += m.contacts.size;
        folders += m.folders.size;
      }
      return { mailboxes, folders, contacts };
    },
  };
};

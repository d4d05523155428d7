import type { MailAddress } from '../../content/seeded-mime';
import type { SandboxContext, Workload, WorkloadFactory } from '../../sandbox-context';
import type { MicrosoftTenant, MicrosoftUser } from '../../state/directory';
import { attachmentRoutes } from './attachments.routes';
import { deltaRoutes } from './delta.routes';
import { folderRoutes } from './folders.routes';
import { MailboxResolver } from './mail-access';
import { mailInspectRoutes } from './mail-inspect.routes';
import { parseMailScenario, type MailScenario } from './mail-scenario.schema';
import { createMailbox, seedMessages } from './mail.seeder';
import { MailStore, type Mailbox } from './mail.store';
import { messageRoutes } from './messages.routes';
import { uploadSessionRoutes } from './upload-session.routes';

/** Peers a seeded message may come from: a handful of colleagues is enough variety. */
const PEERS = 50;

/**
 * Microsoft Graph mail (`graph-mail`): mailFolders, messages (JSON and MIME), attachments with
 * upload sessions, per-folder message delta, per-mailbox throttling, and its inspection API.
 * Mailboxes are seeded from each tenant's `mail` section as compact records; content is
 * regenerated from the seed on read.
 */
export const graphMailWorkload: WorkloadFactory = (ctx: SandboxContext): Workload => {
  const store = new MailStore();
  const tenantInfo = new Map<string, { index: number; scenario: MailScenario; peers: MailAddress[] }>();

  const infoOf = (tenant: MicrosoftTenant) => {
    let info = tenantInfo.get(tenant.tenantId);
    if (!info) {
      const index = [...ctx.directory.microsoft.keys()].indexOf(tenant.tenantId);
      const spec = ctx.scenario.microsoft.tenants[index];
      const scenario = parseMailScenario(spec?.workloads['mail'], `microsoft.tenants[${index}].workloads.mail`);
      const peers = [...tenant.users.values()].slice(0, PEERS).map((u) => ({ name: u.displayName, address: u.mail }));
      info = { index, scenario, peers };
      tenantInfo.set(tenant.tenantId, info);
    }
    return info;
  };

  const userIndex = (tenant: MicrosoftTenant, user: MicrosoftUser) => [...tenant.users.keys()].indexOf(user.id);

  const build = (tenant: MicrosoftTenant, user: MicrosoftUser, index: number): Mailbox => {
    const info = infoOf(tenant);
    const mailbox = createMailbox({ tenantId: tenant.tenantId, domain: tenant.domain, user, key: `${ctx.scenario.seed}/ms/${info.index}/mail/${index}`, peers: info.peers, scenario: info.scenario });
    store.set(mailbox);
    return mailbox;
  };

  /** The mailbox of a user, created empty on first use (users without seeded mail, or added later). */
  const mailboxOf = (tenantId: string, user: MicrosoftUser): Mailbox => {
    const existing = store.get(tenantId, user.id);
    if (existing) return existing;
    const tenant = ctx.directory.microsoftTenant(tenantId);
    if (!tenant) throw new Error('mailbox of an unknown tenant');
    return build(tenant, user, userIndex(tenant, user));
  };

  const inspectMailbox = (userIdOrUpn: string, tenantRef?: string): Mailbox | undefined => {
    const tenants = tenantRef ? [ctx.directory.microsoftTenant(tenantRef)].filter((t): t is MicrosoftTenant => t !== undefined) : [...ctx.directory.microsoft.values()];
    for (const t of tenants) {
      const user = ctx.directory.microsoftUser(t, userIdOrUpn);
      if (user) return mailboxOf(t.tenantId, user);
    }
    return undefined;
  };

  const resolver = new MailboxResolver(ctx, mailboxOf);

  return {
    name: 'graph-mail',
    seed() {
      for (const tenant of ctx.directory.microsoft.values()) {
        const info = infoOf(tenant);
        if (info.scenario.messagesPerUser === 0) continue;
        let i = 0;
        for (const user of tenant.users.values()) {
          const mailbox = build(tenant, user, i++);
          seedMessages(mailbox, info.scenario.messagesPerUser);
        }
      }
    },
    routes: () => [
      // Delta before the generic `/mailFolders/:folder/messages/:id`, which would take `delta` for an id.
      ...deltaRoutes(ctx, resolver),
      ...folderRoutes(ctx, resolver),
      ...uploadSessionRoutes(ctx, resolver),
      ...attachmentRoutes(ctx, resolver),
      ...messageRoutes(ctx, resolver),
      ...mailInspectRoutes(ctx, inspectMailbox),
    ],
    summary() {
      let mailboxes = 0;
      let messages = 0;
      let folders = 0;
      let created = 0;
      for (const mb of store.all()) {
        mailboxes++;
        messages += mb.messages.size;
        folders += mb.folders.size;
        for (const m of mb.messages.values()) if (m.seq < 0) created++;
      }
      return { mailboxes, messages, folders, createdMessages: created };
    },
  };
};

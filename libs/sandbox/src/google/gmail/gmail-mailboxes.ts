import type { SandboxContext } from '../../sandbox-context';
import type { GoogleTenant } from '../../state/directory';
import { parseGmailScenario, type GmailScenario } from './gmail-scenario.schema';
import { seedMailbox, type MailboxSeedContext } from './gmail.seeder';
import type { Mailbox } from './gmail.store';

interface TenantState {
  readonly tenant: GoogleTenant;
  readonly spec: GmailScenario;
  readonly mailboxes: Map<string, Mailbox>;
}

/**
 * Every Gmail mailbox of every Google tenant. A mailbox is built from the seed the first time it is
 * touched (API or inspection), so a 100,000-user tenant costs nothing until used; the result is the
 * same whatever the order of access, since each mailbox derives from its own seed path.
 */
export class GmailMailboxes {
  private readonly tenants = new Map<string, TenantState>();
  private readonly seedContexts = new WeakMap<Mailbox, MailboxSeedContext>();

  constructor(private readonly ctx: SandboxContext) {}

  /** Parses every tenant's `gmail` section (a bad field fails here, at start-up). */
  seed(): void {
    this.tenants.clear();
    const specs = this.ctx.scenario.google.tenants;
    for (const tenant of this.ctx.directory.google.values()) {
      const spec = specs.find((s) => s.domain === tenant.domain);
      this.tenants.set(tenant.customerId, {
        tenant,
        spec: parseGmailScenario(spec?.workloads['gmail'], tenant.domain),
        mailboxes: new Map(),
      });
    }
  }

  /** The mailbox of a user of the tenant, or undefined when the tenant has no such user. */
  mailbox(customerId: string, email: string): Mailbox | undefined {
    const state = this.tenants.get(customerId);
    if (!state) return undefined;
    const key = email.toLowerCase();
    const existing = state.mailboxes.get(key);
    if (existing) return existing;
    const user = state.tenant.users.get(key);
    if (!user) return undefined;
    const seedCtx: MailboxSeedContext = {
      owner: { name: `${user.givenName} ${user.familyName}`, address: user.primaryEmail },
      domain: state.tenant.domain,
      spec: state.spec,
    };
    const mailbox = seedMailbox(`${this.ctx.scenario.seed}/gmail/${state.tenant.customerId}/${key}`, seedCtx);
    state.mailboxes.set(key, mailbox);
    this.seedContexts.set(mailbox, seedCtx);
    return mailbox;
  }

  /** A mailbox by the user's email alone (inspection routes). */
  mailboxOfEmail(email: string): Mailbox | undefined {
    const tenant = this.ctx.directory.googleTenantOfEmail(email);
    return tenant ? this.mailbox(tenant.customerId, email) : undefined;
  }

  seedContext(mailbox: Mailbox): MailboxSeedContext {
    const c = this.seedContexts.get(mailbox);
    if (!c) throw new Error('mailbox not created by this registry');
    return c;
  }

  summary(): Record<string, unknown> {
    return {
      tenants: [...this.tenants.values()].map((t) => ({
        customerId: t.tenant.customerId,
        messagesPerUser: t.spec.messagesPerUser,
        mailboxesMaterialized: t.mailboxes.size,
        messages: [...t.mailboxes.values()].reduce((n, m) => n + m.messages.size, 0),
        userLabels: [...t.mailboxes.values()].reduce((n, m) => n + m.labels.size, 0),
      })),
    };
  }
}

import type { ServerResponse } from 'node:http';
import type { AuthRequirement, MicrosoftPrincipal } from '../../identity/principal';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import type { MicrosoftUser } from '../../state/directory';
import type { Mailbox } from './mail.store';

/** Outlook's own 403 wording, not the directory's Authorization_RequestDenied. */
const ACCESS_DENIED = { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } as const;

/** Reading mail metadata (message list/get without bodies, folders): any Mail read permission. */
export const MAIL_READ: AuthRequirement = { kind: 'graph', application: ['Mail.ReadBasic.All', 'Mail.Read', 'Mail.ReadWrite'], delegated: ['Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite'], denied: ACCESS_DENIED };
/** Bodies, MIME and attachments: Mail.ReadBasic does not cover them. */
export const MAIL_READ_CONTENT: AuthRequirement = { kind: 'graph', application: ['Mail.Read', 'Mail.ReadWrite'], delegated: ['Mail.Read', 'Mail.ReadWrite'], denied: ACCESS_DENIED };
export const MAIL_WRITE: AuthRequirement = { kind: 'graph', application: ['Mail.ReadWrite'], delegated: ['Mail.ReadWrite'], denied: ACCESS_DENIED };

export type MailHandler = (req: SandboxRequest, res: ServerResponse, mailbox: Mailbox, principal: MicrosoftPrincipal) => Promise<void> | void;

export interface MailRouteSpec {
  readonly method: string;
  /** After the mailbox prefix: `/messages/:id`. */
  readonly suffix: string;
  readonly operation: string;
  readonly auth: AuthRequirement;
  /** POST/PUT/PATCH with content count against the mailbox's upload budget. */
  readonly upload?: boolean;
  readonly handler: MailHandler;
}

/** Resolves which mailbox a request addresses, enforcing tenant isolation and delegated self-access. */
export class MailboxResolver {
  constructor(
    private readonly ctx: SandboxContext,
    private readonly mailboxOf: (tenantId: string, user: MicrosoftUser) => Mailbox,
  ) {}

  principal(req: SandboxRequest): MicrosoftPrincipal {
    const p = req.principal;
    if (p?.kind !== 'microsoft') throw graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    return p;
  }

  user(req: SandboxRequest): MicrosoftUser {
    const p = this.principal(req);
    const tenant = this.ctx.directory.microsoftTenant(p.tenantId);
    const key = req.params['user'];
    if (key === undefined) {
      if (!p.userId) throw graphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
      const me = tenant?.users.get(p.userId);
      if (!me) throw graphError(404, 'ErrorInvalidUser', "The requested user is invalid.");
      return me;
    }
    // Another tenant's user does not exist from here: the same 404 as an unknown one.
    const user = tenant ? this.ctx.directory.microsoftUser(tenant, key) : undefined;
    if (!user || !user.accountEnabled) throw graphError(404, 'ErrorInvalidUser', `The requested user '${key.slice(0, 320)}' is invalid.`);
    if (p.userId && p.userId !== user.id) throw graphError(403, ACCESS_DENIED.code, ACCESS_DENIED.message);
    return user;
  }

  mailbox(req: SandboxRequest): Mailbox {
    return this.mailboxOf(this.principal(req).tenantId, this.user(req));
  }

  /** The throttling key: the mailbox's user id (falls back to the raw segment when it cannot be resolved; the handler then answers 404). */
  chargeUser(req: SandboxRequest): string | undefined {
    const p = req.principal;
    if (p?.kind !== 'microsoft') return undefined;
    const key = req.params['user'] ?? p.userId;
    if (key === undefined) return undefined;
    const tenant = this.ctx.directory.microsoftTenant(p.tenantId);
    return (tenant && this.ctx.directory.microsoftUser(tenant, key)?.id) ?? key.toLowerCase();
  }

  /** The route under both `/v1.0/users/:user` and `/v1.0/me`. */
  routes(spec: MailRouteSpec): Route[] {
    return ['/v1.0/users/:user', '/v1.0/me'].map((prefix) => ({
      vendor: 'graph' as const,
      method: spec.method,
      pattern: `${prefix}${spec.suffix}`,
      operation: spec.operation,
      auth: spec.auth,
      limits: ['graph.mailbox', 'graph.app'] as const,
      charge: (req: SandboxRequest) => {
        const user = this.chargeUser(req);
        return { ...(user !== undefined ? { user } : {}), upload: spec.upload === true };
      },
      handler: async (req: SandboxRequest, res: ServerResponse) => {
        const mailbox = this.mailbox(req);
        await spec.handler(req, res, mailbox, this.principal(req));
      },
    }));
  }
}

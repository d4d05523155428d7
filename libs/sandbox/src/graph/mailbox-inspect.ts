import { sendJson } from '../http/respond';
import type { Route } from '../http/route';
import type { SandboxRequest } from '../http/sandbox-request';
import { inspectError } from '../http/vendor-errors';
import { inspectRoutes, type InspectRouteBuilder } from '../inspect/inspect-route';
import type { SandboxContext } from '../sandbox-context';
import type { MicrosoftTenant, MicrosoftUser } from '../state/directory';

/** What the inspection API reads and resets on a per-mailbox Graph store (calendar, contacts). */
export interface InspectableMailbox {
  readonly mutations: readonly unknown[];
  /** Bumping it expires every delta token of the mailbox. */
  deltaEpoch: number;
}

/** A workload service that keeps one store per Microsoft mailbox. */
export interface MailboxWorkload<M> {
  readonly ctx: SandboxContext;
  mailboxOf(tenant: MicrosoftTenant, user: MicrosoftUser): M;
}

/** The scaffolding a mailbox workload's inspection routes share; see {@link mailboxInspect}. */
export interface MailboxInspect<M> {
  /** The mailbox of the `:user` path parameter (id or UPN, in any tenant); 404 when none. */
  readonly mailbox: (req: SandboxRequest) => M;
  /** A route under `/_sandbox/microsoft/{workload}/:user`, operation `inspect.{workload}.{operation}`. */
  readonly route: InspectRouteBuilder;
  /** `GET /mutations` (the mailbox's change log) and `POST /expire-delta`. */
  readonly common: readonly Route[];
}

/** The inspection scaffolding of a per-mailbox Graph workload (`calendar`, `contacts`). */
export function mailboxInspect<M extends InspectableMailbox>(workload: string, svc: MailboxWorkload<M>): MailboxInspect<M> {
  const mailbox = (req: SandboxRequest): M => {
    const key = req.params['user'] ?? '';
    for (const tenant of svc.ctx.directory.microsoft.values()) {
      const user = svc.ctx.directory.microsoftUser(tenant, key);
      if (user) return svc.mailboxOf(tenant, user);
    }
    throw inspectError(404, 'no such Microsoft user');
  };
  const route = inspectRoutes(`/_sandbox/microsoft/${workload}/:user`, `inspect.${workload}`);
  return {
    mailbox,
    route,
    common: [
      route('GET', '/mutations', 'mutations', (req, res) => sendJson(res, 200, { value: mailbox(req).mutations })),
      // Expires every delta token of the mailbox: the next delta round answers 410 syncStateNotFound.
      route('POST', '/expire-delta', 'expire-delta', (req, res) => {
        const m = mailbox(req);
        m.deltaEpoch++;
        sendJson(res, 200, { deltaEpoch: m.deltaEpoch });
      }),
    ],
  };
}

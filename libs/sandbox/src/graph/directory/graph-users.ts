import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import type { MicrosoftPrincipal } from '../../identity/principal';
import type { SandboxContext } from '../../sandbox-context';
import type { MicrosoftTenant, MicrosoftUser } from '../../state/directory';

/** The verified Microsoft caller of a Graph route (the server authenticated it before the handler). */
export function microsoftPrincipal(req: SandboxRequest): MicrosoftPrincipal {
  const p = req.principal;
  if (p?.kind !== 'microsoft') throw graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  return p;
}

/** The caller's tenant; a token for a tenant that vanished is treated as an invalid issuer. */
export function callerTenant(ctx: SandboxContext, req: SandboxRequest): MicrosoftTenant {
  const tenant = ctx.directory.microsoftTenant(microsoftPrincipal(req).tenantId);
  if (!tenant)
    throw graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid issuer.');
  return tenant;
}

/** A `/me` request with an app-only token: Graph's own wording. */
export function meNeedsDelegation(): never {
  throw graphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
}

/**
 * The mailbox an Outlook route (`/users/:user/...` or `/me/...`) acts on, resolved only inside the
 * caller's tenant: another tenant's user is as unknown as a made-up one (404 ErrorInvalidUser), and a
 * delegated token reaches only its own mailbox (403 ErrorAccessDenied; shared calendars and
 * delegate access are not emulated).
 */
export function mailboxUser(
  ctx: SandboxContext,
  req: SandboxRequest,
): { tenant: MicrosoftTenant; user: MicrosoftUser } {
  const p = microsoftPrincipal(req);
  const tenant = callerTenant(ctx, req);
  const key = req.params['user'];
  const user =
    key === undefined
      ? p.userId
        ? tenant.users.get(p.userId)
        : meNeedsDelegation()
      : ctx.directory.microsoftUser(tenant, key);
  if (!user) throw graphError(404, 'ErrorInvalidUser', `The requested user '${key ?? 'me'}' is invalid.`);
  if (p.userId && p.userId !== user.id)
    throw graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  return { tenant, user };
}

/**
 * The throttling key of a mailbox route, decided before the handler runs: the user's object id when
 * it resolves in the caller's tenant (so UPN and id share one budget), else the raw segment.
 */
export function mailboxChargeKey(ctx: SandboxContext, req: SandboxRequest): string {
  const p = req.principal;
  if (p?.kind !== 'microsoft') return req.params['user'] ?? 'me';
  const key = req.params['user'];
  if (key === undefined) return p.userId ?? 'me';
  const tenant = ctx.directory.microsoftTenant(p.tenantId);
  return (tenant && ctx.directory.microsoftUser(tenant, key)?.id) ?? key.toLowerCase();
}

import { randomUUID } from 'node:crypto';
import type { VendorError } from '../http/vendor-error';
import { oauthError } from '../http/vendor-errors';
import type { SandboxContext } from '../sandbox-context';
import type { EntraApp, MicrosoftTenant } from '../state/directory';
import { GRAPH_AUDIENCE } from './token-service';

/** Graph's application id, which Entra accepts in place of its URI as a scope's resource. */
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** An Entra error as the v2.0 endpoint writes it: the AADSTS code in the text and in `error_codes`. */
export function entraError(status: number, error: string, aadsts: number, text: string): VendorError {
  return oauthError(status, error, `AADSTS${aadsts}: ${text} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`, {
    error_codes: [aadsts],
    timestamp: new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
    error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
  });
}

/** Loopback redirect URIs match with any port, as Entra allows for native apps (RFC 8252 7.3). */
export function redirectAllowed(app: EntraApp, uri: string): boolean {
  if (app.redirectUris.has(uri)) return true;
  try {
    const u = new URL(uri);
    if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost' && u.hostname !== '[::1]') return false;
    for (const registered of app.redirectUris) {
      const r = new URL(registered);
      if (r.hostname === u.hostname && r.pathname === u.pathname && r.protocol === u.protocol) return true;
    }
  } catch {
    return false;
  }
  return false;
}


/** A tenant by id or domain, or Entra's AADSTS90002 answer. */
export function entraTenantOf(ctx: SandboxContext, tenantParam: string): MicrosoftTenant {
  const tenant = ctx.directory.microsoftTenant(tenantParam);
  if (!tenant) {
    throw entraError(400, 'invalid_request', 90002, `Tenant '${tenantParam.slice(0, 64)}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  return tenant;
}

/**
 * The resource URIs that name Microsoft Graph in a scope: its global URI, its application id, and the
 * sandbox's own origin, where the sandbox serves Graph (as a national cloud's Graph has its own origin).
 */
function graphResources(ctx: SandboxContext): readonly string[] {
  return [GRAPH_AUDIENCE, GRAPH_APP_ID, ctx.origin()];
}

/** Whether `scope` is Graph's `/.default` (all the app's consented permissions). */
export function isGraphDefaultScope(ctx: SandboxContext, scope: string): boolean {
  return graphResources(ctx).some((r) => scope === `${r}/.default`);
}

/** A Graph permission scope without its resource prefix (`https://graph.microsoft.com/Mail.Read` -> `Mail.Read`). */
export function graphPermissionName(ctx: SandboxContext, scope: string): string {
  const resource = graphResources(ctx).find((r) => scope.startsWith(`${r}/`));
  return resource ? scope.slice(resource.length + 1) : scope;
}

import type { ServerResponse } from 'node:http';
import { readForm } from '../http/body';
import type { Route } from '../http/route';
import type { SandboxRequest } from '../http/sandbox-request';
import type { SandboxContext } from '../sandbox-context';
import type { EntraApp, MicrosoftTenant, MicrosoftUser } from '../state/directory';
import { entraError, entraTenantOf, isGraphDefaultScope, redirectAllowed } from './entra-protocol';
import { sendSignInPage } from './sign-in-page';

/** Tenant segments that mean "the tenant of whoever signs in". */
const ANY_TENANT = new Set(['organizations', 'common']);

/** The app registration (application object) for a client id, and the tenant that owns it. */
function registrationOf(ctx: SandboxContext, clientId: string): { readonly app: EntraApp; readonly homeTenantId: string } | undefined {
  for (const tenant of ctx.directory.microsoft.values()) {
    const app = tenant.apps.get(clientId);
    if (app && app.homeTenantId === undefined) return { app, homeTenantId: tenant.tenantId };
  }
  return undefined;
}

function signedInUser(ctx: SandboxContext, target: MicrosoftTenant | undefined, username: string, password: string): { tenant: MicrosoftTenant; user: MicrosoftUser } | undefined {
  for (const tenant of target ? [target] : ctx.directory.microsoft.values()) {
    const user = ctx.directory.microsoftUser(tenant, username);
    if (user) return user.password === password && user.accountEnabled ? { tenant, user } : undefined;
  }
  return undefined;
}

/**
 * What admin consent does in Entra: the tenant gets a service principal for the app (the home tenant
 * already has one), granted the application permissions the registration requires and its delegated
 * permissions for all users. Consent only adds; a permission granted earlier stays granted.
 */
function grantConsent(tenant: MicrosoftTenant, registration: EntraApp, homeTenantId: string): readonly string[] {
  const required = [...(registration.requiredApplicationPermissions ?? registration.applicationPermissions)];
  const delegated = [...registration.delegatedPermissions];
  let principal = tenant.apps.get(registration.clientId);
  if (!principal) {
    principal = {
      clientId: registration.clientId,
      displayName: registration.displayName,
      secrets: registration.secrets,
      certificates: registration.certificates,
      redirectUris: registration.redirectUris,
      applicationPermissions: new Set(),
      delegatedPermissions: new Set(),
      ...(registration.groupMembershipClaims ? { groupMembershipClaims: registration.groupMembershipClaims } : {}),
      homeTenantId,
    };
    tenant.apps.set(registration.clientId, principal);
  }
  for (const p of required) principal.applicationPermissions.add(p);
  for (const p of delegated) principal.delegatedPermissions.add(p);
  return required;
}

/**
 * Entra's v2.0 admin consent endpoint (`/{tenant}/v2.0/adminconsent`): an administrator signs in (for
 * `organizations`/`common`, in whichever tenant the account belongs to), grants the app the
 * permissions its registration requires, and is sent to the registered `redirect_uri` with
 * `admin_consent=True&tenant=...&scope=...&state=...`, or with `error=access_denied` after Cancel.
 * Simplified: any enabled user of the tenant may consent (directory roles are not checked), and the
 * consent screen is the sign-in form with Accept and Cancel.
 */
export function entraAdminConsentRoutes(ctx: SandboxContext): Route[] {
  const adminConsent = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const tenantParam = req.params['tenant'] ?? '';
    const target = ANY_TENANT.has(tenantParam) ? undefined : entraTenantOf(ctx, tenantParam);
    const params = req.method === 'POST' ? await readForm(req.raw, (m) => entraError(400, 'invalid_request', 900144, m)) : req.query;
    const clientId = params.get('client_id');
    if (!clientId) throw entraError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    const { app: registration, homeTenantId } = registrationOf(ctx, clientId) ?? {};
    if (!registration || homeTenantId === undefined) {
      throw entraError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId.slice(0, 64)}' was not found in the directory '${target?.domain ?? tenantParam}'.`);
    }
    const redirectUri = params.get('redirect_uri') ?? '';
    // An unregistered redirect URI gets an error page, never a redirect: it could be anyone's.
    if (!redirectAllowed(registration, redirectUri)) {
      throw entraError(400, 'invalid_request', 50011, `The redirect URI '${redirectUri.slice(0, 200)}' specified in the request does not match the redirect URIs configured for the application '${registration.clientId}'.`);
    }
    const scope = params.get('scope') ?? '';
    if (!isGraphDefaultScope(ctx, scope)) {
      throw entraError(400, 'invalid_request', 70011, "The provided value for the input parameter 'scope' is not valid. The admin consent endpoint accepts only the /.default scope of a resource.");
    }
    const username = params.get('username');
    const password = params.get('password');
    const signedIn = req.method === 'POST' && username && password ? signedInUser(ctx, target, username, password) : undefined;
    if (!signedIn) {
      sendSignInPage(res, {
        title: 'Permissions requested - Sandbox Entra ID',
        heading: `${registration.displayName} needs permission to access resources in your organization`,
        userLabel: 'Username',
        submit: 'Accept',
        decline: 'Cancel',
        ...(req.method === 'POST' ? { error: 'Your account or password is incorrect.' } : {}),
        params,
      });
      return;
    }
    const back = new URL(redirectUri);
    if (params.get('decline') !== null) {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_subcode', 'cancel');
      back.searchParams.set('error_description', 'AADSTS65004: User declined to consent to access the app.');
    } else {
      const resource = scope.slice(0, -'/.default'.length);
      const granted = grantConsent(signedIn.tenant, registration, homeTenantId);
      back.searchParams.set('admin_consent', 'True');
      back.searchParams.set('tenant', signedIn.tenant.tenantId);
      back.searchParams.set('scope', granted.map((p) => `${resource}/${p}`).join(' '));
    }
    const state = params.get('state');
    if (state !== null) back.searchParams.set('state', state);
    res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' });
    res.end();
  };

  const none = { kind: 'none' } as const;
  return [
    { vendor: 'entra', method: 'GET', pattern: '/:tenant/v2.0/adminconsent', operation: 'entra.adminconsent', auth: none, handler: adminConsent },
    { vendor: 'entra', method: 'POST', pattern: '/:tenant/v2.0/adminconsent', operation: 'entra.adminconsent', auth: none, handler: adminConsent },
  ];
}

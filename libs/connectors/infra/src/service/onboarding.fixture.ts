// eslint-disable-next-line @nx/enforce-module-boundaries -- test fixture: the emulated clouds
import type { Sandbox } from '@ferry/sandbox';
import type { ConnectorsInfraOptions } from '../connectors-infra.options';
import { CONSENT_CALLBACK_PATH, CONSENT_VERIFY_CALLBACK_PATH, DELEGATION_CALLBACK_PATH } from '../onboarding/callback-urls';
import { auditEventText, type ConnectorsService } from './connectors-service.fixture';

/** The gateway's public base URL in these tests: browsers are stopped at its callbacks, never sent there. */
export const CALLBACK_BASE = 'https://ferry.example';
export const CONSENT_CALLBACK = `${CALLBACK_BASE}${CONSENT_CALLBACK_PATH}`;
export const CONSENT_VERIFY_CALLBACK = `${CALLBACK_BASE}${CONSENT_VERIFY_CALLBACK_PATH}`;
export const DELEGATION_CALLBACK = `${CALLBACK_BASE}${DELEGATION_CALLBACK_PATH}`;
/** Where a gateway would say the browser came from. */
export const BROWSER = { sourceAddress: '198.51.100.23', userAgent: 'Mozilla/5.0 (test)' };

/** Onboarding with the sandbox's seeded app as the installation's multi-tenant app (client secret). */
export function sandboxOnboarding(sandbox: Sandbox, consentAttempts = 1): NonNullable<ConnectorsInfraOptions['onboarding']> {
  return {
    callbackBaseUrl: CALLBACK_BASE,
    microsoftApp: {
      clientId: sandbox.endpoints.microsoft.clientId,
      credential: { kind: 'client-secret', secret: sandbox.endpoints.microsoft.clientSecret },
      cloud: 'custom',
      endpoints: { authorityHost: sandbox.endpoints.entraAuthority, graphOrigin: new URL(sandbox.endpoints.graph).origin },
    },
    consentPropagation: { attempts: consentAttempts, delayMs: 50 },
  };
}

async function put(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`the sandbox refused ${url}: ${res.status}`);
}

/** Registers Ferry's callbacks as redirect URIs of the seeded Entra app and Google OAuth client, as an admin would. */
export async function registerCallbacks(sandbox: Sandbox): Promise<void> {
  const ms = sandbox.endpoints.microsoft;
  await put(`${sandbox.endpoints.inspect}/microsoft/${ms.tenantId}/apps/${ms.clientId}`, { redirectUris: [CONSENT_CALLBACK, CONSENT_VERIFY_CALLBACK, DELEGATION_CALLBACK] });
  const g = sandbox.endpoints.google;
  await put(`${sandbox.endpoints.inspect}/google/${g.customerId}/oauth-clients/${encodeURIComponent(g.oauthClient.clientId)}`, { redirectUris: [DELEGATION_CALLBACK] });
}

/** Sign-in names and passwords of a sandbox Entra tenant's users. */
export async function entraUsers(sandbox: Sandbox, tenantId: string): Promise<{ userPrincipalName: string; password: string; id: string }[]> {
  const res = await fetch(`${sandbox.endpoints.inspect}/microsoft/${tenantId}/users`);
  return ((await res.json()) as { value: { userPrincipalName: string; password: string; id: string }[] }).value;
}

/** Sign-in names and passwords of a sandbox Google customer's users. */
export async function googleUsers(sandbox: Sandbox, customerId: string): Promise<{ primaryEmail: string; password: string }[]> {
  const res = await fetch(`${sandbox.endpoints.inspect}/google/${customerId}/users`);
  return ((await res.json()) as { users: { primaryEmail: string; password: string }[] }).users;
}

/** The query string a provider's redirect hands the gateway's callback. */
export function queryOf(redirect: string): string {
  return new URL(redirect).search;
}

/** Everything the service wrote where operators and SIEMs look: log lines, exported spans, audit events. */
export async function observableText(svc: ConnectorsService): Promise<string> {
  const spans = await svc.spans.finished();
  return [
    ...svc.logger.entries.map((e) => e.text),
    ...spans.map((s) => JSON.stringify({ name: s.name, attributes: s.attributes, events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })), status: s.status })),
    ...(await svc.auditEvents()).map(auditEventText),
  ].join('\n');
}

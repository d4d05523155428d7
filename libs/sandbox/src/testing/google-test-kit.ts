import { OAuth2Client } from 'google-auth-library';
import type { Sandbox } from '../sandbox';
import type { WorkloadFactory } from '../sandbox-context';
import type { ScenarioInput } from '../scenario/scenario.schema';
import type { GoogleTenant } from '../state/directory';
import { googleAccessToken } from './google-token';
import { call, startTestSandbox } from './test-sandbox';

/** A sandbox for the Google contract specs, with service-account tokens for googleapis clients. */
export interface GoogleKit {
  readonly sandbox: Sandbox;
  readonly customerId: string;
  /** The first Google tenant, as seeded. */
  readonly tenant: GoogleTenant;
  /** Its non-admin users' primary emails, in seeding order. */
  readonly users: readonly string[];
  /**
   * An access token acting as `subject` (domain-wide delegation; none: the service account itself),
   * dated by the sandbox clock, so tokens can still be had after a test moves it forward.
   */
  token(subject: string | undefined, scopes?: readonly string[]): Promise<string>;
  /** An OAuth2Client carrying such a token, to hand to a googleapis client. */
  auth(subject: string | undefined, scopes?: readonly string[]): Promise<OAuth2Client>;
  /** Grants the seeded service account exactly these delegated scopes (then mint a new token). */
  setDelegation(scopes: readonly string[]): Promise<void>;
  /** A call to the workload's inspection API: `path` follows `/_sandbox{inspectArea}`; JSON bodies by default. */
  inspect(path: string, init?: RequestInit): ReturnType<typeof call>;
  close(): Promise<void>;
}

export interface GoogleKitOptions {
  /** The workload's scopes, for `token` and `auth` calls that name none. */
  readonly scopes: readonly string[];
  /** The workload's inspection routes, e.g. `/google/drive/`. */
  readonly inspectArea: string;
}

export async function startGoogleKit(
  scenario: ScenarioInput,
  workloads: readonly WorkloadFactory[],
  options: GoogleKitOptions,
): Promise<GoogleKit> {
  const sandbox = await startTestSandbox({ scenario, workloads });
  const customerId = sandbox.endpoints.google.customerId;
  const tenant = sandbox.context.directory.google.get(customerId);
  if (!tenant) throw new Error('the first Google tenant was not seeded');
  const token = (subject: string | undefined, scopes: readonly string[] = options.scopes) =>
    googleAccessToken(sandbox.endpoints, subject, scopes, sandbox.context.clock);
  return {
    sandbox,
    customerId,
    tenant,
    users: [...tenant.users.values()].filter((u) => !u.isAdmin).map((u) => u.primaryEmail),
    token,
    auth: async (subject, scopes) => {
      const auth = new OAuth2Client();
      auth.setCredentials({ access_token: await token(subject, scopes) });
      return auth;
    },
    setDelegation: async (scopes) => {
      const clientEmail = sandbox.endpoints.google.serviceAccountKey['client_email'] ?? '';
      const r = await call(`${sandbox.endpoints.inspect}/google/${customerId}/delegation`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientEmail, scopes }),
      });
      if (r.status !== 200) throw new Error(`delegation update failed: ${r.status}`);
    },
    inspect: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return call(`${sandbox.endpoints.inspect}${options.inspectArea}${path}`, { ...init, headers });
    },
    close: () => sandbox.close(),
  };
}

import type { OAuth2Client } from 'google-auth-library';
import { google, type gmail_v1 } from 'googleapis';
import { gmailWorkload } from '../google/gmail/gmail.workload';
import type { Sandbox } from '../sandbox';
import type { ScenarioInput } from '../scenario/scenario.schema';
import { importPKCS8, SignJWT } from 'jose';
import { call, startTestSandbox } from './test-sandbox';

export const FULL_SCOPE = 'https://mail.google.com/';
export const GMAIL_SCOPE = (name: string): string => `https://www.googleapis.com/auth/gmail.${name}`;

/** A sandbox with the Gmail workload only, and helpers to reach it through `googleapis`. */
export interface GmailSandbox {
  readonly sandbox: Sandbox;
  /** Non-admin users of the first Google tenant, by primary email. */
  readonly users: readonly string[];
  readonly customerId: string;
  /** A `google.gmail` client acting as `user` with `scopes` (domain-wide delegation). */
  client(user: string, scopes?: readonly string[]): Promise<gmail_v1.Gmail>;
  /** The OAuth2 client behind `client` (its `request` drives raw protocol steps, e.g. resumable uploads). */
  auth(user: string, scopes?: readonly string[]): Promise<OAuth2Client>;
  token(user: string, scopes?: readonly string[]): Promise<string>;
  /** The inspection API base for a user's mailbox. */
  inspect(user: string): string;
  close(): Promise<void>;
}

/**
 * The JWT-bearer grant (as `google-token.ts` does it) but dated by the sandbox clock, so tests that
 * move the clock forward (history retention) can still get tokens afterwards.
 */
async function mintToken(sandbox: Sandbox, subject: string, scopes: readonly string[]): Promise<string> {
  const key = sandbox.endpoints.google.serviceAccountKey;
  const now = Math.floor(sandbox.context.clock.now() / 1000);
  const assertion = await new SignJWT({ scope: scopes.join(' '), sub: subject })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key['private_key_id'] ?? '' })
    .setIssuer(key['client_email'] ?? '')
    .setAudience(sandbox.endpoints.googleTokenUri)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(await importPKCS8(key['private_key'] ?? '', 'RS256'));
  const r = await call(sandbox.endpoints.googleTokenUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion,
    }).toString(),
  });
  const token = (r.body as { access_token?: string }).access_token;
  if (r.status !== 200 || !token) throw new Error(`token request failed: ${r.status}`);
  return token;
}

export async function startGmailSandbox(
  gmail: Record<string, unknown>,
  users = 3,
  extra: Partial<ScenarioInput> = {},
): Promise<GmailSandbox> {
  const sandbox = await startTestSandbox({
    scenario: {
      name: 'gmail-contract',
      seed: 'gmail-tests',
      google: { tenants: [{ domain: 'fabrikam.example', users, workloads: { gmail } }] },
      ...extra,
    },
    workloads: [gmailWorkload],
  });
  const customerId = sandbox.endpoints.google.customerId;
  const listed = (await call(`${sandbox.endpoints.inspect}/google/${customerId}/users`)).body as {
    users: { primaryEmail: string }[];
  };
  const emails = listed.users.map((u) => u.primaryEmail).filter((e) => !e.startsWith('admin@'));
  const token = (user: string, scopes: readonly string[] = [FULL_SCOPE]) => mintToken(sandbox, user, scopes);
  const auth = async (user: string, scopes?: readonly string[]): Promise<OAuth2Client> => {
    const client = new google.auth.OAuth2();
    client.setCredentials({ access_token: await token(user, scopes) });
    return client;
  };
  return {
    sandbox,
    users: emails,
    customerId,
    token,
    auth,
    async client(user, scopes) {
      return google.gmail({
        version: 'v1',
        auth: await auth(user, scopes),
        rootUrl: sandbox.endpoints.googleRoot,
      });
    },
    inspect: (user) => `${sandbox.endpoints.inspect}/google/gmail/${encodeURIComponent(user)}`,
    close: () => sandbox.close(),
  };
}

/** Grants the seeded service account exactly these delegated scopes (then mint a new token). */
export async function setDelegation(g: GmailSandbox, scopes: readonly string[]): Promise<void> {
  const clientEmail = g.sandbox.endpoints.google.serviceAccountKey['client_email'] ?? '';
  const r = await call(`${g.sandbox.endpoints.inspect}/google/${g.customerId}/delegation`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientEmail, scopes }),
  });
  if (r.status !== 200) throw new Error(`delegation update failed: ${r.status}`);
}

/** What a googleapis (gaxios) rejection carries for a Google JSON error, as a `toMatchObject` pattern. */
export function googleRejection(status: number, reason: string, message?: string): Record<string, unknown> {
  const item: Record<string, unknown> = { reason, ...(message !== undefined ? { message } : {}) };
  return { status, response: { data: { error: { code: status, errors: [expect.objectContaining(item)] } } } };
}

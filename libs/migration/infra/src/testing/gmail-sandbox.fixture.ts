import type { MailboxRef } from '@ferry/migration/application';
import { RecordingGovernor, SandboxAccess, testMailbox } from '@ferry/migration/testing';
import { createOutboundAgent, DestinationPolicy } from '@ferry/platform/net';
import { createOutboundFetch, createStreamingTransport } from '@ferry/providers/core';
import { type Sandbox, startTestSandbox } from '@ferry/sandbox';
import type { GmailConnection } from '../mail/gmail/gmail-api';

/** One message as `/_sandbox/google/gmail/{user}/messages` shows it. */
export interface SandboxGmailMessage {
  readonly id: string;
  readonly labelIds: readonly string[];
  readonly internalDate: number;
  readonly historyId: number;
  readonly messageId: string;
  readonly subject: string;
  readonly size: number;
  readonly sha256?: string;
  readonly origin: 'seeded' | 'landed';
}

/** A sandbox Google tenant with seeded Gmail mailboxes and what the Gmail adapters need to reach it. */
export interface GmailSandbox {
  readonly sandbox: Sandbox;
  /** The tenant's users' addresses, in seeding order. */
  readonly users: readonly string[];
  mailbox(index: number): MailboxRef;
  /** A connection with its own recording governor and quick retries. */
  connect(over?: Partial<GmailConnection>): { connection: GmailConnection; governor: RecordingGovernor };
  /** `/_sandbox/google/gmail/{user}` + `path`, JSON both ways; an error status throws. */
  gmail<T>(user: string, path: string, method?: string, body?: unknown): Promise<T>;
  /** Any other `/_sandbox` route (faults, throttle, stats). */
  control<T>(path: string, method?: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

async function call<T>(url: string, method: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  // The path is not echoed: it names a user.
  if (!res.ok) throw new Error(`the sandbox control API answered ${res.status}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** Starts a sandbox whose Google tenant has `users` Gmail mailboxes seeded from `gmail`. */
export async function startGmailSandbox(gmail: Record<string, unknown>, users = 3): Promise<GmailSandbox> {
  const sandbox = await startTestSandbox({
    scenario: {
      name: 'gmail-adapters',
      seed: 'gmail-adapters',
      google: { tenants: [{ domain: 'fabrikam.example', users, workloads: { gmail } }] },
      microsoft: { tenants: [{ domain: 'contoso.example', users: 0 }] },
    },
  });
  const inspect = sandbox.endpoints.inspect;
  const listed = await call<{ users: { primaryEmail: string }[] }>(
    `${inspect}/google/${sandbox.endpoints.google.customerId}/users`,
    'GET',
    undefined,
  );
  const addresses = listed.users.map((u) => u.primaryEmail);
  const policy = new DestinationPolicy({ allow: ['127.0.0.1'] });
  const agent = createOutboundAgent(policy);
  const fetchFn = createOutboundFetch({ policy, agent, timeoutMs: 30_000 });
  const transport = createStreamingTransport({ policy, agent, idleTimeoutMs: 30_000 });
  const access = new SandboxAccess(sandbox);
  const endpoints = {
    apiRoot: sandbox.endpoints.googleRoot,
    authUri: `${new URL(sandbox.endpoints.googleRoot).origin}/o/oauth2/v2/auth`,
    tokenUri: sandbox.endpoints.googleTokenUri,
  };
  return {
    sandbox,
    users: addresses,
    mailbox: (index) => testMailbox('google', addresses[index] ?? ''),
    connect: (over = {}) => {
      const governor = new RecordingGovernor();
      const connection: GmailConnection = {
        access,
        governor,
        endpoints,
        fetch: fetchFn,
        transport,
        retry: { throttledRetries: 8, transientRetries: 2, baseDelayMs: 5, maxDelayMs: 50 },
        ...over,
      };
      return { connection, governor };
    },
    gmail: (user, path, method = 'GET', body) =>
      call(`${inspect}/google/gmail/${encodeURIComponent(user)}${path}`, method, body),
    control: (path, method = 'GET', body) => call(`${inspect}${path}`, method, body),
    close: async () => {
      agent.destroy();
      await sandbox.close();
    },
  };
}

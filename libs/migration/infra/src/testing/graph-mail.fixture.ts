import type { MailboxRef } from '@ferry/migration/application';
import { RecordingGovernor, SandboxAccess, testMailbox } from '@ferry/migration/testing';
import { createOutboundAgent, DestinationPolicy } from '@ferry/platform/net';
import {
  createOutboundFetch,
  createStreamingTransport,
  type StreamingTransport,
} from '@ferry/providers/core';
import { type Sandbox, startTestSandbox } from '@ferry/sandbox';
import type { GraphMailConnection } from '../mail/graph/graph-mail.api';

/** A sandbox Microsoft tenant with seeded mailboxes, and what the Graph mail adapters need to reach it. */
export interface GraphMailKit {
  readonly sandbox: Sandbox;
  /** User principal names of the tenant's users, in seeding order. */
  readonly users: readonly string[];
  mailbox(index: number): MailboxRef;
  /** A connection with a fresh recording governor (returned with it) and fast retries. */
  connection(over?: Partial<GraphMailConnection>): {
    connection: GraphMailConnection;
    governor: RecordingGovernor;
  };
  /** The streaming transport every connection uses unless told otherwise. */
  readonly transport: StreamingTransport;
  /** `/_sandbox` + path, JSON in and out; throws on an error status. */
  inspect<T = unknown>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
  close(): Promise<void>;
}

/** The inspection API's view of one message. */
export interface InspectedMessage {
  readonly id: string;
  readonly folderId: string;
  readonly folderPath: string;
  readonly subject: string;
  readonly internetMessageId: string;
  readonly receivedDateTime: string;
  readonly isRead: boolean;
  readonly isDraft: boolean;
  readonly flag: { readonly flagStatus: string };
  readonly categories: readonly string[];
  readonly importance: string;
  readonly extendedProperties: readonly { readonly id: string; readonly value: string }[];
  readonly attachments: readonly {
    readonly name: string;
    readonly size: number;
    readonly contentType: string;
    readonly sha256?: string;
  }[];
  readonly sha256?: string;
  readonly size?: number;
}

export async function startGraphMailKit(mail: Record<string, unknown>, users = 3): Promise<GraphMailKit> {
  const sandbox = await startTestSandbox({
    scenario: {
      name: 'graph-mail-adapters',
      seed: 'graph-mail-adapters',
      microsoft: { tenants: [{ domain: 'contoso.example', users, workloads: { mail } }] },
      google: { tenants: [{ domain: 'fabrikam.example', users: 0 }] },
    },
  });
  const inspect = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const res = await fetch(`${sandbox.endpoints.inspect}${path}`, {
      method: init.method ?? 'GET',
      ...(init.body !== undefined
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }
        : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`the inspection API answered ${res.status} for ${path.split('?')[0] ?? ''}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const { tenantId } = sandbox.endpoints.microsoft;
  const upns = (
    await inspect<{ value: { userPrincipalName: string }[] }>(`/microsoft/${tenantId}/users`)
  ).value.map((u) => u.userPrincipalName);
  const policy = new DestinationPolicy({ allow: ['127.0.0.1'] });
  const agent = createOutboundAgent(policy);
  const fetchFn = createOutboundFetch({ policy, agent, timeoutMs: 30_000 });
  const transport = createStreamingTransport({ policy, agent, idleTimeoutMs: 30_000 });
  const access = new SandboxAccess(sandbox);
  return {
    sandbox,
    users: upns,
    mailbox: (index) => testMailbox('microsoft', upns[index] ?? ''),
    transport,
    connection: (over = {}) => {
      const governor = new RecordingGovernor();
      const connection: GraphMailConnection = {
        access,
        governor,
        endpoints: {
          authorityHost: sandbox.endpoints.entraAuthority,
          graphOrigin: new URL(sandbox.endpoints.graph).origin,
        },
        fetch: fetchFn,
        transport,
        retry: { throttledRetries: 8, transientRetries: 2, baseDelayMs: 5, maxDelayMs: 50 },
        ...over,
      };
      return { connection, governor };
    },
    inspect,
    close: async () => {
      agent.destroy();
      await sandbox.close();
    },
  };
}

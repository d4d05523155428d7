import type { SandboxEndpoints } from '@ferry/sandbox';
import type { SandboxGmailMessage } from './gmail-sandbox.fixture';
import type { InspectedMessage } from './graph-mail.fixture';

/** One operation's counters in `/_sandbox/stats`. */
export interface SandboxOperationStats {
  readonly requests: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly totalMs: number;
  readonly meanMs: number;
}

/** `/_sandbox/stats`: requests per operation, and admitted/throttled per limit. */
export interface SandboxStats {
  readonly operations: Readonly<Record<string, SandboxOperationStats>>;
  readonly throttle: unknown;
}

/** Largest page the Graph mail inspection route serves. */
const GRAPH_INSPECT_PAGE = 5000;

/**
 * The sandbox's test-only control plane (`/_sandbox`, loopback, no auth) as the benchmarks use it:
 * tenant users, request statistics, read-back of what landed and mutations between passes. Works
 * against a sandbox in this process or in another one: it needs the endpoints only.
 */
export class BenchSandboxClient {
  constructor(readonly endpoints: SandboxEndpoints) {}

  async json<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
    const res = await fetch(`${this.endpoints.inspect}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    // The path is not echoed: it names a user.
    if (!res.ok) throw new Error(`the sandbox control API answered ${res.status}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** The Google tenant's users' addresses, in seeding order. */
  async googleUsers(): Promise<string[]> {
    const listed = await this.json<{ users: { primaryEmail: string }[] }>(`/google/${this.endpoints.google.customerId}/users`);
    return listed.users.map((u) => u.primaryEmail);
  }

  /** The Microsoft tenant's user principal names, in seeding order. */
  async microsoftUsers(): Promise<string[]> {
    const listed = await this.json<{ value: { userPrincipalName: string }[] }>(`/microsoft/${this.endpoints.microsoft.tenantId}/users`);
    return listed.value.map((u) => u.userPrincipalName);
  }

  stats(): Promise<SandboxStats> {
    return this.json<SandboxStats>('/stats');
  }

  async resetStats(): Promise<void> {
    await this.json('/stats', 'DELETE');
  }

  /** Every message of a Gmail mailbox, newest first (metadata, no digests). */
  async gmailMessages(user: string): Promise<SandboxGmailMessage[]> {
    return (await this.json<{ messages: SandboxGmailMessage[] }>(`/google/gmail/${encodeURIComponent(user)}/messages`)).messages;
  }

  /** Every message of a Graph mailbox, all folders, read page by page. */
  async graphMessages(user: string): Promise<InspectedMessage[]> {
    const out: InspectedMessage[] = [];
    for (;;) {
      const page = await this.json<{ total: number; value: InspectedMessage[] }>(
        `/microsoft/mail/${encodeURIComponent(user)}/messages?offset=${out.length}&limit=${GRAPH_INSPECT_PAGE}`,
      );
      out.push(...page.value);
      if (page.value.length === 0 || out.length >= page.total) return out;
    }
  }

  /** Folder counts of a Graph mailbox (cheap: no per-message work). */
  graphFolders(user: string): Promise<{ messages: number; folders: { path: string; totalItemCount: number }[] }> {
    return this.json(`/microsoft/mail/${encodeURIComponent(user)}/folders`);
  }
}

/** Sums requests over the operations whose name starts with one of `prefixes` (e.g. `graph.`). */
export function countRequests(stats: SandboxStats, prefixes: readonly string[]): { requests: number; throttled: number } {
  let requests = 0;
  let throttled = 0;
  for (const [name, op] of Object.entries(stats.operations)) {
    if (!prefixes.some((p) => name.startsWith(p))) continue;
    requests += op.requests;
    throttled += op.byStatus['429'] ?? 0;
  }
  return { requests, throttled };
}

import { randomBytes } from 'node:crypto';
import type { RequestCost, RequestOutcome, ThrottleGovernor, ThrottlePermit, ThrottleScope } from '@ferry/migration/application';
import { SCOPE_KINDS, type ScopePolicy, type ThrottleScopeKind } from '@ferry/migration/domain';
import { abortReason } from './abort-reason';
import { ScopeAgent, type ScopeGrant } from './scope-agent';
import { scopeStoreKey } from './scope-key';
import type { ScopeLedgerStore } from './scope-ledger.store';
import { resolvePolicies, type ThrottleGovernorOptions, type ThrottleTuning } from './throttle-governor.options';
import { NO_THROTTLE_METRICS, type ThrottleMetrics } from './throttle-metrics';

type Vendor = ThrottleScope['vendor'];

/**
 * The throttle governor every worker shares through a ledger store (NATS KV, or memory in one
 * process). A request is charged to its mailbox scope, then its tenant/app scope (narrow first, so
 * no tenant-wide share is held while a mailbox waits); each scope admits from this worker's leases
 * and syncs with the shared ledger only to renew them. Throttled answers (Retry-After, AIMD) are
 * charged to the mailbox scope: the outcome does not say which limit the vendor applied.
 */
export class SharedThrottleGovernor implements ThrottleGovernor {
  readonly workerId: string;
  private readonly agents = new Map<string, ScopeAgent>();
  private readonly policies: Record<ThrottleScopeKind, ScopePolicy>;
  private readonly tuning: ThrottleTuning;
  private readonly metrics: ThrottleMetrics;
  private readonly now: () => number;
  private readonly inFlight: Record<Vendor, number> = { graph: 0, gmail: 0, imap: 0 };
  private closed = false;

  constructor(
    private readonly store: ScopeLedgerStore,
    private readonly options: ThrottleGovernorOptions = {},
  ) {
    ({ tuning: this.tuning, policies: this.policies } = resolvePolicies(options));
    this.metrics = options.metrics ?? NO_THROTTLE_METRICS;
    this.now = options.now ?? Date.now;
    this.workerId = options.workerId ?? randomBytes(6).toString('hex');
  }

  async acquire(scope: ThrottleScope, cost: RequestCost, signal: AbortSignal): Promise<ThrottlePermit> {
    if (this.closed) throw new Error('throttle governor closed');
    signal.throwIfAborted();
    const started = this.now();
    const units = cost.units ?? cost.requests ?? 1;
    const bytes = cost.uploadBytes ?? 0;
    const agents: ScopeAgent[] = [];
    const grants: ScopeGrant[] = [];
    try {
      for (const kind of SCOPE_KINDS[scope.vendor]) {
        if (!hasLimits(this.policies[kind])) continue;
        // Looked up just before use: an agent idle long enough is dropped, and a new one replaces it.
        const agent = this.agent(kind, scope);
        agents.push(agent);
        grants.push(await agent.acquire(units, bytes, signal));
      }
      // A Retry-After may have reached an earlier scope while a later one was waited for.
      for (;;) {
        const until = Math.max(0, ...agents.map((a) => a.blockedUntilMs));
        const now = this.now();
        if (until <= now) break;
        await delay(until - now, signal);
      }
    } catch (err) {
      for (const grant of grants) grant.release(false);
      throw err;
    }
    this.metrics.onWait(scope.vendor, Math.max(0, this.now() - started));
    this.metrics.setInFlight(scope.vendor, ++this.inFlight[scope.vendor]);
    let released = false;
    return {
      release: (outcome: RequestOutcome) => {
        // Released once; a second call is a caller's bug, and must not free a slot twice.
        if (released) return;
        released = true;
        this.metrics.setInFlight(scope.vendor, --this.inFlight[scope.vendor]);
        const throttled = outcome.kind === 'throttled' ? { retryAfterMs: outcome.retryAfterMs } : undefined;
        if (throttled) this.metrics.onThrottled(scope.vendor);
        grants.forEach((grant, i) => grant.release(true, i === 0 ? throttled : undefined));
      },
    };
  }

  /** Gives back every share and lease (best effort) and stops watching; pending acquires reject. */
  async close(): Promise<void> {
    this.closed = true;
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((a) => a.close()));
  }

  private agent(kind: ThrottleScopeKind, scope: ThrottleScope): ScopeAgent {
    const key = scopeStoreKey(kind, scope);
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new ScopeAgent({
        key,
        worker: this.workerId,
        policy: this.policies[kind],
        tuning: this.tuning,
        store: this.store,
        now: this.now,
        ...(this.options.logger ? { logger: this.options.logger } : {}),
        onIdle: (idle) => {
          if (this.agents.get(key) === idle) this.agents.delete(key);
          void idle.close();
        },
      });
      this.agents.set(key, agent);
    }
    return agent;
  }
}

function hasLimits(policy: ScopePolicy): boolean {
  const { rate, concurrent, uploadBytes } = policy.budget;
  return rate !== undefined || concurrent !== undefined || uploadBytes !== undefined;
}

/** An abortable wait on the global timers (which tests may fake). */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

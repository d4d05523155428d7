import { randomUUID } from 'node:crypto';
import { Rng } from '../scenario/deterministic';
import { faultRuleSchema, type FaultEffect, type FaultRule, type FaultRuleInput, type Latency } from './fault-rules';

interface ActiveRule extends FaultRule {
  readonly id: string;
  seen: number;
  applied: number;
}

export interface FaultMatchInput {
  readonly operation: string;
  readonly method: string;
  readonly user?: string;
}

/** Chooses which injected faults apply to a request; deterministic for a given seed and request order. */
export class FaultInjector {
  private rules: ActiveRule[] = [];
  private readonly rng: Rng;
  /** Latency applied to every request (the scenario's baseline), before any rule's. */
  baseline: Latency | undefined;

  constructor(seed: string) {
    this.rng = new Rng(`${seed}/faults`);
  }

  add(input: FaultRuleInput): string {
    const rule = faultRuleSchema.parse(input);
    const id = randomUUID();
    this.rules.push({ ...rule, id, seen: 0, applied: 0 });
    return id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): ReadonlyArray<FaultRule & { id: string; applied: number }> {
    return this.rules.map(({ seen: _s, ...r }) => r);
  }

  /** The effects for this request, in rule order; consumes `times` and `skip` budgets. */
  effectsFor(req: FaultMatchInput): FaultEffect[] {
    const effects: FaultEffect[] = [];
    for (const rule of this.rules) {
      if (!matches(rule, req)) continue;
      rule.seen += 1;
      if (rule.seen <= rule.skip) continue;
      if (rule.times !== undefined && rule.applied >= rule.times) continue;
      if (rule.probability < 1 && !this.rng.chance(rule.probability)) continue;
      rule.applied += 1;
      effects.push(rule.effect);
    }
    this.rules = this.rules.filter((r) => r.times === undefined || r.applied < r.times);
    return effects;
  }

  delayMs(latency: Latency): number {
    switch (latency.kind) {
      case 'fixed':
        return latency.ms;
      case 'uniform':
        return latency.minMs + this.rng.next() * Math.max(0, latency.maxMs - latency.minMs);
      case 'lognormal': {
        // Box-Muller for a standard normal, then exp(mu + sigma * z) with mu = ln(median).
        const u = Math.max(this.rng.next(), 1e-12);
        const v = this.rng.next();
        const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        return Math.min(60_000, latency.medianMs * Math.exp(latency.sigma * z));
      }
    }
  }
}

function matches(rule: FaultRule, req: FaultMatchInput): boolean {
  const op = rule.operation;
  if (op.endsWith('*') ? !req.operation.startsWith(op.slice(0, -1)) : op !== req.operation) return false;
  if (rule.method && rule.method.toUpperCase() !== req.method) return false;
  if (rule.user && rule.user.toLowerCase() !== req.user?.toLowerCase()) return false;
  return true;
}

import { Inject, Injectable } from '@nestjs/common';
import type { CallerInfo } from '../caller';
import { ThrottledError } from '../identity.errors';
import {
  type IdentityAuditEntry,
  KEYED_HASHER,
  type KeyedHasher,
  THROTTLE_STORE,
  type ThrottleStore,
} from '../identity.ports';
import { IDENTITY_POLICY, type IdentityPolicy } from '../identity-policy';

/** The throttle keys of one attempt. Both are pseudonyms: the store never sees a login name or an address. */
export interface ThrottleKeys {
  readonly account: string;
  /** null when the caller's address is unknown; such attempts are throttled per account only. */
  readonly source: string | null;
}

/** The audit entries that go with the anonymous side of a sign-in attempt. */
export const ANONYMOUS_ACTOR: IdentityAuditEntry['actor'] = { kind: 'anonymous', id: 'anonymous' };

/**
 * Brute-force protection shared by every step that checks a secret. Keys depend only on the typed
 * login name, so a name without an account is throttled exactly like one with an account.
 */
@Injectable()
export class SignInThrottle {
  constructor(
    @Inject(THROTTLE_STORE) private readonly store: ThrottleStore,
    @Inject(KEYED_HASHER) private readonly hasher: KeyedHasher,
    @Inject(IDENTITY_POLICY) private readonly policy: IdentityPolicy,
  ) {}

  /** `loginName` is normalised. */
  keys(loginName: string, caller: CallerInfo): ThrottleKeys {
    return {
      account: this.hasher.pseudonym(`login:${loginName}`),
      source: caller.sourceAddress === '' ? null : this.hasher.pseudonym(`source:${caller.sourceAddress}`),
    };
  }

  /** Raises ThrottledError (before any hashing) when the source or the account is locked or must wait. */
  async check(keys: ThrottleKeys, now: Date): Promise<void> {
    const states = await Promise.all([
      keys.source ? this.store.read(keys.source, now) : null,
      this.store.read(keys.account, now),
    ]);
    const until = Math.max(...states.map((s) => s?.lockedUntil?.getTime() ?? 0));
    if (until > now.getTime())
      throw new ThrottledError(Math.max(1, Math.ceil((until - now.getTime()) / 1000)));
  }

  /**
   * Counts a failure on both keys and returns the audit entries for a lock that starts with it
   * (account lockout, source block), each once: when the count reaches the threshold.
   */
  async recordFailure(
    keys: ThrottleKeys,
    now: Date,
    context: { orgId: string | null; caller: CallerInfo },
  ): Promise<IdentityAuditEntry[]> {
    const { accountThrottle: acc, sourceThrottle: src } = this.policy;
    const entries: IdentityAuditEntry[] = [];
    const account = await this.store.recordFailure(keys.account, now, acc.windowMs, (n) =>
      this.accountDelayMs(n),
    );
    if (account.failures === acc.lockAfter) {
      entries.push(
        this.entry(
          context,
          'auth.lockout.account',
          { type: 'login', id: keys.account },
          { failures: String(account.failures), lockedForSeconds: String(acc.lockMs / 1000) },
        ),
      );
    }
    if (keys.source) {
      const source = await this.store.recordFailure(keys.source, now, src.windowMs, (n) =>
        n >= src.blockAfter ? src.blockMs : 0,
      );
      if (source.failures === src.blockAfter) {
        entries.push(
          this.entry(
            { ...context, orgId: null },
            'auth.throttle.source',
            { type: 'source', id: keys.source },
            { failures: String(source.failures), blockedForSeconds: String(src.blockMs / 1000) },
          ),
        );
      }
    }
    return entries;
  }

  /** Clears the account's failures after a successful answer; the source's failures stay. */
  async reset(keys: ThrottleKeys): Promise<void> {
    await this.store.reset(keys.account);
  }

  /** 2^(n - delayAfter) s from delayAfter failures on (capped), a full lock from lockAfter on. */
  accountDelayMs(failures: number): number {
    const acc = this.policy.accountThrottle;
    if (failures >= acc.lockAfter) return acc.lockMs;
    if (failures < acc.delayAfter) return 0;
    return Math.min(2 ** (failures - acc.delayAfter) * 1000, acc.maxDelayMs);
  }

  private entry(
    context: { orgId: string | null; caller: CallerInfo },
    action: 'auth.lockout.account' | 'auth.throttle.source',
    target: IdentityAuditEntry['target'],
    detail: Record<string, string>,
  ): IdentityAuditEntry {
    return {
      orgId: context.orgId,
      actor: ANONYMOUS_ACTOR,
      action,
      target,
      outcome: 'denied',
      sourceAddress: context.caller.sourceAddress,
      userAgent: context.caller.userAgent,
      detail,
    };
  }
}

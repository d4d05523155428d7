import { randomBytes } from 'node:crypto';
import type { HashingOptions, PasswordHasher } from '@ferry/identity/application';
import * as argon2 from 'argon2';
import { FairHashingGate } from './fair-hashing-gate';

/** argon2id cost parameters (memory in KiB). */
export interface Argon2Parameters {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
  readonly hashLength: number;
}

/** Ferry's parameters: 64 MiB, 3 passes, 1 lane, 32-byte tag. */
export const ARGON2_DEFAULTS: Argon2Parameters = {
  memoryCost: 65536,
  timeCost: 3,
  parallelism: 1,
  hashLength: 32,
};

/** The OWASP / ASVS 5.0 floor (19 MiB, 2 passes, 1 lane); weaker settings are refused at start. */
export const ARGON2_FLOOR = { memoryCost: 19456, timeCost: 2, parallelism: 1, hashLength: 16 } as const;

export interface Argon2PasswordHasherOptions extends Partial<Argon2Parameters> {
  /** Hashes and verifications running at once (each holds `memoryCost` KiB); default 2. */
  readonly maxConcurrent?: number;
  /** Hashes waiting per queue key (source address); a further one is refused at once. Default 2. */
  readonly maxWaitingPerKey?: number;
  /** Hashes waiting in all; default 32. */
  readonly maxWaiting?: number;
  /** A hash that cannot start within this is dropped; default 3 s, under the gateway's 5 s RPC timeout. */
  readonly waitDeadlineMs?: number;
}

/**
 * argon2id password hashing. A fair gate bounds concurrent hashes so N x 64 MiB cannot exhaust
 * memory, serves the callers' source addresses in turn and refuses (HashingBusyError) what it
 * cannot queue; `verifyDummy` verifies against a hash made once with the same parameters, so a
 * sign-in for an unknown account costs what a real one does.
 */
export class Argon2PasswordHasher implements PasswordHasher {
  readonly parameters: Argon2Parameters;
  private readonly gate: FairHashingGate;
  private readonly dummyHash: Promise<string>;

  constructor(options: Argon2PasswordHasherOptions = {}) {
    const { maxConcurrent = 2, maxWaitingPerKey, maxWaiting, waitDeadlineMs, ...overrides } = options;
    this.parameters = { ...ARGON2_DEFAULTS, ...overrides };
    assertAboveFloor(this.parameters);
    this.gate = new FairHashingGate({
      concurrency: maxConcurrent,
      maxWaitingPerKey,
      maxWaiting,
      waitDeadlineMs,
    });
    // Its own key: made at start, it must not take a place in the queue of callers without an address.
    this.dummyHash = this.hash(randomBytes(32).toString('base64url'), { queueKey: '\0dummy' });
    // Surfaced by verifyDummy; not an unhandled rejection at start.
    this.dummyHash.catch(() => undefined);
  }

  async hash(password: string, options: HashingOptions = {}): Promise<string> {
    const { memoryCost, timeCost, parallelism, hashLength } = this.parameters;
    return this.gate.run(options.queueKey ?? '', () =>
      argon2.hash(password, { type: argon2.argon2id, memoryCost, timeCost, parallelism, hashLength }),
    );
  }

  async verify(
    hash: string,
    password: string,
    options: HashingOptions = {},
  ): Promise<{ ok: boolean; needsRehash: boolean }> {
    if (!hash.startsWith('$argon2')) throw new Error('stored password hash is not an argon2 hash');
    const ok = await this.gate.run(options.queueKey ?? '', () => argon2.verify(hash, password));
    if (!ok) return { ok, needsRehash: false };
    const { memoryCost, timeCost, parallelism } = this.parameters;
    return {
      ok,
      needsRehash:
        !hash.startsWith('$argon2id$') || argon2.needsRehash(hash, { memoryCost, timeCost, parallelism }),
    };
  }

  async verifyDummy(password: string, options: HashingOptions = {}): Promise<false> {
    const dummy = await this.dummyHash;
    await this.gate.run(options.queueKey ?? '', () => argon2.verify(dummy, password));
    return false;
  }
}

function assertAboveFloor(p: Argon2Parameters): void {
  for (const name of ['memoryCost', 'timeCost', 'parallelism', 'hashLength'] as const) {
    if (!Number.isSafeInteger(p[name])) throw new Error(`argon2 ${name} must be an integer`);
    if (p[name] < ARGON2_FLOOR[name]) {
      throw new Error(
        `argon2 ${name} ${p[name]} is below the floor of ${ARGON2_FLOOR[name]} (OWASP / ASVS 5.0: m=19456 KiB, t=2, p=1)`,
      );
    }
  }
}

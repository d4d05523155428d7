import { createHash, timingSafeEqual } from 'node:crypto';
import { HashingBusyError, type HashingOptions, type PasswordHasher } from '@ferry/identity/application';

/**
 * A fast, deterministic PasswordHasher: `fake$<version>$<sha256 hex>`. Not argon2 — unit tests
 * only. A stored hash whose version differs from `currentVersion` needs a rehash, like argon2
 * parameters that changed. Counts calls so tests can compare the work done per path, records the
 * queue key of each, and while `busy` refuses every call with HashingBusyError, as a full queue does.
 */
export class FakePasswordHasher implements PasswordHasher {
  readonly calls = { hash: 0, verify: 0, verifyDummy: 0 };
  /** The queue key of every call that hashed, in order ('' when none was given). */
  readonly queueKeys: string[] = [];
  /** While set, every call raises HashingBusyError and does no work. */
  busy: HashingBusyError['reason'] | null = null;

  constructor(public currentVersion = 'v1') {}

  /** Total hashing work done (every call costs one argon2 run in production). */
  get work(): number {
    return this.calls.hash + this.calls.verify + this.calls.verifyDummy;
  }

  /** The hash this fake would store for `password` under `version`. */
  hashSync(password: string, version = this.currentVersion): string {
    return `fake$${version}$${createHash('sha256').update(password, 'utf8').digest('hex')}`;
  }

  async hash(password: string, options?: HashingOptions): Promise<string> {
    this.admit(options);
    this.calls.hash += 1;
    return this.hashSync(password);
  }

  async verify(
    hash: string,
    password: string,
    options?: HashingOptions,
  ): Promise<{ ok: boolean; needsRehash: boolean }> {
    this.admit(options);
    this.calls.verify += 1;
    const [scheme, version, digest] = hash.split('$');
    if (scheme !== 'fake' || version === undefined || digest === undefined)
      return { ok: false, needsRehash: false };
    const expected = Buffer.from(this.hashSync(password, version));
    const actual = Buffer.from(hash);
    const ok = expected.length === actual.length && timingSafeEqual(expected, actual);
    return { ok, needsRehash: ok && version !== this.currentVersion };
  }

  async verifyDummy(password: string, options?: HashingOptions): Promise<false> {
    this.admit(options);
    this.calls.verifyDummy += 1;
    this.hashSync(password);
    return false;
  }

  private admit(options: HashingOptions | undefined): void {
    if (this.busy) throw new HashingBusyError(this.busy);
    this.queueKeys.push(options?.queueKey ?? '');
  }
}

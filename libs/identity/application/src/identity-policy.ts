/** Every number identity's security behaviour depends on, in one place (defaults follow the design decisions). */
export interface IdentityPolicy {
  /** Access-token lifetime; also the bound on how long a revoked session's last token stays usable. */
  readonly accessTokenTtlMs: number;
  /** A session not refreshed for this long ends. */
  readonly sessionIdleMs: number;
  /** A session ends this long after sign-in, however active. */
  readonly sessionAbsoluteMs: number;
  /** Lifetime of a pending MFA or enrolment step. */
  readonly pendingStepTtlMs: number;
  /** Wrong answers a pending step accepts before it is dead. */
  readonly pendingStepMaxAttempts: number;
  readonly accountThrottle: {
    /** Failures are counted within this sliding window. */
    readonly windowMs: number;
    /** From this many failures on, each further attempt waits 2^(n - delayAfter) seconds. */
    readonly delayAfter: number;
    /** Upper bound of that delay. */
    readonly maxDelayMs: number;
    /** At this many failures the account is locked (audited once, when the lock starts). */
    readonly lockAfter: number;
    readonly lockMs: number;
  };
  readonly sourceThrottle: {
    readonly windowMs: number;
    /** At this many failures from one source address, it is refused (audited once). */
    readonly blockAfter: number;
    readonly blockMs: number;
  };
  /** Recovery codes handed out at enrolment. */
  readonly recoveryCodeCount: number;
  /** The issuer label authenticator apps show next to the login name. */
  readonly totpIssuer: string;
}

const MINUTE_MS = 60_000;

/** The policy Ferry ships with. */
export const DEFAULT_IDENTITY_POLICY: IdentityPolicy = {
  accessTokenTtlMs: 5 * MINUTE_MS,
  sessionIdleMs: 30 * MINUTE_MS,
  sessionAbsoluteMs: 12 * 60 * MINUTE_MS,
  pendingStepTtlMs: 5 * MINUTE_MS,
  pendingStepMaxAttempts: 5,
  accountThrottle: {
    windowMs: 15 * MINUTE_MS,
    delayAfter: 5,
    maxDelayMs: 15 * MINUTE_MS,
    lockAfter: 10,
    lockMs: 15 * MINUTE_MS,
  },
  sourceThrottle: { windowMs: 15 * MINUTE_MS, blockAfter: 100, blockMs: 15 * MINUTE_MS },
  recoveryCodeCount: 10,
  totpIssuer: 'Ferry',
};

export const IDENTITY_POLICY = Symbol('IdentityPolicy');

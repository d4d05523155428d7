import type {
  Account,
  FederatedIdentity,
  Organisation,
  PendingPurpose,
  Session,
  SessionRevokeReason,
  SsoProviderName,
  SsoSettings,
} from '@ferry/identity/domain';
import type { RoleName } from '@ferry/platform/rbac';

/** Raised by a repository when a unique login name or federated identity is already taken. */
export class AlreadyExistsError extends Error {
  constructor(what: string) {
    super(`${what} already exists`);
    this.name = 'AlreadyExistsError';
  }
}

export interface OrganisationRepository {
  insert(org: Organisation): Promise<void>;
  findById(id: string): Promise<Organisation | null>;
  updateSso(id: string, sso: SsoSettings): Promise<void>;
  /** Whether accounts without an admin role must use TOTP; admin roles always must. */
  updateMfaRequired(id: string, mfaRequired: boolean): Promise<void>;
  /** Deletes an organisation that has no accounts left (refused while it has some). */
  remove(id: string): Promise<void>;
}

/**
 * Accounts and their credentials. Secret material goes in and comes out only through the dedicated
 * calls below; infra seals the TOTP secret (envelope encryption, bound to the account id).
 */
export interface AccountRepository {
  /** Inserts the account with its password hash (null for federated accounts). AlreadyExistsError on a taken login name or federated identity. */
  insert(account: Account, passwordHash: string | null): Promise<void>;
  /** `loginName` is already normalised. */
  findByLoginName(loginName: string): Promise<{ account: Account; passwordHash: string | null } | null>;
  /** orgId scopes the lookup; null looks up platform accounts. */
  findById(orgId: string | null, id: string): Promise<Account | null>;
  findFederated(identity: FederatedIdentity): Promise<Account | null>;
  listByOrg(orgId: string): Promise<Account[]>;
  countPlatformAdmins(): Promise<number>;
  updatePasswordHash(id: string, passwordHash: string): Promise<void>;
  setRoles(id: string, roles: readonly RoleName[]): Promise<void>;
  /** Deletes the account with its credentials, roles and sessions. */
  remove(id: string): Promise<void>;

  /** Stores a TOTP secret awaiting verification, replacing any previous pending one. */
  storePendingTotpSecret(id: string, secret: string): Promise<void>;
  /** The pending (`enrolled = false`) or enrolled secret, unsealed; null when there is none. */
  readTotpSecret(id: string): Promise<{ secret: string; enrolled: boolean } | null>;
  /** Marks the pending secret enrolled and records `step` as the last accepted time step. */
  confirmTotp(id: string, step: number): Promise<void>;
  /**
   * Records `step` as the last accepted TOTP time step only if it is greater than the stored one,
   * atomically (one conditional UPDATE), so two replicas cannot both accept the same code.
   * Returns false when the step was at or below the last accepted one: a replay.
   */
  advanceTotpStep(id: string, step: number): Promise<boolean>;
  /** Removes TOTP secret, enrolment and recovery codes. */
  clearMfa(id: string): Promise<void>;
  replaceRecoveryCodes(id: string, codeHashes: readonly string[]): Promise<void>;
  /** Marks one unused recovery code used, atomically; false when no unused code has that hash. */
  consumeRecoveryCode(id: string, codeHash: string): Promise<boolean>;
  remainingRecoveryCodes(id: string): Promise<number>;
}

export interface SessionRepository {
  insert(session: Session, refreshTokenHash: string): Promise<void>;
  findById(id: string): Promise<Session | null>;
  /**
   * Spends a refresh token: if `tokenHash` is the session's current, unspent token, marks it spent,
   * stores `nextTokenHash` as current and updates lastUsedAt/idleExpiresAt, atomically. Returns
   * `reused` when the hash belongs to a token already spent (the caller revokes the family),
   * `unknown` when no session has ever issued it. A current token of a session that is revoked or
   * past its idle or absolute expiry at `now` is not rotated: `ended` (checked in the same statement,
   * because after rotation the previous idle deadline is gone).
   */
  rotateRefreshToken(
    tokenHash: string,
    nextTokenHash: string,
    now: Date,
    idleExpiresAt: Date,
  ): Promise<
    | { outcome: 'rotated'; session: Session }
    | { outcome: 'reused'; session: Session }
    | { outcome: 'ended'; session: Session }
    | { outcome: 'unknown' }
  >;
  revoke(id: string, reason: SessionRevokeReason, now: Date): Promise<void>;
  /** Revokes every live session of an account; returns the ids of the sessions it ended. */
  revokeAllForAccount(accountId: string, reason: SessionRevokeReason, now: Date): Promise<readonly string[]>;
}

/** Single-use steps between password and session (MFA challenge, enrolment). Tokens are stored hashed. */
export interface PendingStepRepository {
  /** `orgId` is the account's organisation (null for platform accounts), so the account can be looked up scoped. */
  insert(step: {
    tokenHash: string;
    accountId: string;
    orgId: string | null;
    purpose: PendingPurpose;
    amr: readonly string[];
    expiresAt: Date;
  }): Promise<void>;
  /** Returns the live step for the hash and purpose, without consuming it. */
  find(
    tokenHash: string,
    purpose: PendingPurpose,
    now: Date,
  ): Promise<{ accountId: string; orgId: string | null; amr: readonly string[]; attempts: number } | null>;
  /** Counts one failed answer; returns the new count. */
  recordFailedAttempt(tokenHash: string): Promise<number>;
  /** Deletes the step; false if it was already consumed (a concurrent answer won). */
  consume(tokenHash: string): Promise<boolean>;
}

/** Failure counters shared by all replicas. Keys are opaque (pseudonymised login name, source address). */
export interface ThrottleStore {
  /** The current state of a key; failures within the window and the lock end, if locked. */
  read(key: string, now: Date): Promise<{ failures: number; lockedUntil: Date | null }>;
  /** Counts a failure and sets the lock end computed by the caller from the new count; atomic. */
  recordFailure(
    key: string,
    now: Date,
    windowMs: number,
    lockFor: (failures: number) => number,
  ): Promise<{ failures: number; lockedUntil: Date | null }>;
  reset(key: string): Promise<void>;
}

/** An OIDC flow in progress, stored by hash of its state; the PKCE verifier is sealed by infra. */
export interface SsoTransaction {
  readonly stateHash: string;
  readonly bindingHash: string;
  readonly orgId: string;
  readonly provider: SsoProviderName;
  /** The Entra tenant the flow was started for (the ID token is verified against it); null for Google. */
  readonly tenantId: string | null;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly expiresAt: Date;
}

export interface SsoTransactionRepository {
  insert(tx: SsoTransaction): Promise<void>;
  /** Returns and deletes the live transaction for the hash, in one step; null if none (or expired). */
  take(stateHash: string, now: Date): Promise<SsoTransaction | null>;
}

/** Whom a hash is done for. */
export interface HashingOptions {
  /**
   * The caller's source address ('' when unknown; the default). Hashes wait in a queue per key,
   * served in turn, so one source flooding sign-ins cannot hold up callers from other sources.
   * Only held in memory: never logged, never in an error.
   */
  readonly queueKey?: string;
}

/**
 * Raised at once, without hashing, when the hasher has no room to queue the caller (its key's queue
 * or the whole queue is full), or when the wait for a free lane passed its deadline. Nothing was
 * checked: it says nothing about the password.
 */
export class HashingBusyError extends Error {
  constructor(readonly reason: 'key-queue-full' | 'queue-full' | 'deadline') {
    super(`password hashing is busy (${reason})`);
    this.name = 'HashingBusyError';
  }
}

/**
 * argon2id, behind a bounded fair queue. `verify` of an unknown account uses `verifyDummy`, which
 * costs the same. Every method may raise HashingBusyError instead of hashing.
 */
export interface PasswordHasher {
  hash(password: string, options?: HashingOptions): Promise<string>;
  /** `needsRehash` when the stored hash used weaker parameters than the current ones. */
  verify(
    hash: string,
    password: string,
    options?: HashingOptions,
  ): Promise<{ ok: boolean; needsRehash: boolean }>;
  /** Spends the same time as a real verification, for accounts that do not exist. Always false. */
  verifyDummy(password: string, options?: HashingOptions): Promise<false>;
}

/** RFC 6238 TOTP: SHA-1, 6 digits, 30 s steps. */
export interface Totp {
  generateSecret(): string;
  /** `label` is the account's login name; `issuer` the installation's name. */
  uri(secret: string, label: string): string;
  qrSvg(uri: string): Promise<string>;
  /** The time step the code matches within ±1 step of `now`, or null. */
  match(secret: string, code: string, now: Date): number | null;
}

/** Keyed one-way functions: pseudonyms for addresses, lookup hashes for tokens and recovery codes. */
export interface KeyedHasher {
  /** HMAC-SHA-256 hex under the installation's pseudonym key. */
  pseudonym(value: string): string;
  /** SHA-256 hex of a high-entropy token (refresh, pending step, state, binding, recovery code). */
  tokenHash(token: string): string;
}

/** Signs access tokens with the current key and publishes the public keys. */
export interface AccessTokenSigner {
  sign(claims: {
    accountId: string;
    sessionId: string;
    orgId: string | null;
    roles: readonly RoleName[];
    amr: readonly string[];
  }): Promise<{ token: string; expiresAt: Date }>;
  /** JWK Set of the current and recently retired public keys. */
  jwks(): Promise<{ keys: Record<string, unknown>[] }>;
}

/** What an identity provider asserted, after the ID token was verified (issuer, audience, nonce, signature). */
export interface ProviderAssertion {
  readonly identity: FederatedIdentity;
  /** Entra `tid`; null for Google. */
  readonly tenantId: string | null;
  /** Google `hd`; null for Entra or consumer accounts. */
  readonly hostedDomain: string | null;
  /** UPN (Entra `preferred_username`) or email; checked against allowed domains, then dropped. */
  readonly userPrincipal: string;
  /** Entra `groups` claim (object ids) or Google groups; empty when none. */
  readonly groups: readonly string[];
  readonly displayName: string;
}

/** The OIDC relying party for Entra and Google (authorization code + PKCE, state, nonce). */
export interface OidcRelyingParty {
  isConfigured(provider: SsoProviderName): boolean;
  /** Builds the authorization URL for a new flow. `tenantId` is the Entra tenant to sign in to. */
  authorizationUrl(
    provider: SsoProviderName,
    params: {
      state: string;
      nonce: string;
      codeVerifier: string;
      tenantId: string | null;
      hostedDomain: string | null;
    },
  ): Promise<string>;
  /** Exchanges the callback's code and verifies the ID token. Throws SsoRejectedError with a reason code. */
  complete(
    provider: SsoProviderName,
    callbackUrl: string,
    params: { state: string; nonce: string; codeVerifier: string; tenantId: string | null },
  ): Promise<ProviderAssertion>;
}

/** Raised when an identity provider's answer is refused; `reason` is a code for the audit record. */
export class SsoRejectedError extends Error {
  constructor(readonly reason: string) {
    super(`single sign-on refused: ${reason}`);
    this.name = 'SsoRejectedError';
  }
}

/** Identity's audit actions (the vocabulary is documented in services/identity/README.md). */
export type IdentityAuditAction =
  | 'auth.signin.succeeded'
  | 'auth.signin.failed'
  | 'auth.mfa.challenge.failed'
  | 'auth.mfa.enrolled'
  | 'auth.mfa.reset'
  | 'auth.recovery_code.used'
  | 'auth.lockout.account'
  | 'auth.throttle.source'
  | 'auth.refresh.reused'
  | 'auth.session.refreshed'
  | 'auth.session.revoked'
  | 'auth.session.ended'
  | 'auth.signout'
  | 'auth.sso.failed'
  | 'org.created'
  | 'org.sso.updated'
  | 'org.settings.updated'
  | 'account.created'
  | 'account.password.rehashed'
  | 'role.granted'
  | 'role.revoked';

/** One audit record as identity describes it; infra adds id, time and trace id. Never a secret or address. */
export interface IdentityAuditEntry {
  readonly orgId: string | null;
  readonly actor: { readonly kind: 'account' | 'service' | 'anonymous'; readonly id: string };
  readonly action: IdentityAuditAction;
  readonly target: { readonly type: string; readonly id: string };
  readonly outcome: 'success' | 'failure' | 'denied';
  readonly sourceAddress: string;
  readonly userAgent: string;
  /** Small typed detail, e.g. `{ reason: 'bad-password' }`. */
  readonly detail?: Readonly<Record<string, string>>;
  /**
   * The sign-in session the record belongs to (the proto's `session_id`): the session an event of a
   * session's life is about (sign-in, refresh, sign-out, its end), or the session of the access token
   * an action was taken with. Absent when there is none (a failed sign-in, identity acting on its own).
   */
  readonly sessionId?: string;
}

/** Publishes audit records; resolves once the audit stream stored the record. */
export interface IdentityAuditTrail {
  record(entry: IdentityAuditEntry): Promise<void>;
}

export interface Clock {
  now(): Date;
}

/** The repositories a unit of work writes through, bound to its one database transaction. */
export interface IdentityTransaction {
  readonly organisations: OrganisationRepository;
  readonly accounts: AccountRepository;
  readonly sessions: SessionRepository;
}

/**
 * Runs a change in one database transaction: it commits when `work` resolves and rolls back when it
 * throws (or the process dies first), so other readers see all of it or none of it, and only once
 * it committed. A configuration change publishes its audit records inside `work`, awaiting the
 * stream's acknowledgement, so a change the trail did not take is never applied (see
 * recordBeforeCommit). Keep `work` short: it holds a connection and row locks until it ends. Runs
 * do not nest.
 */
export interface IdentityUnitOfWork {
  run<T>(work: (tx: IdentityTransaction) => Promise<T>): Promise<T>;
}

export const ORGANISATION_REPOSITORY = Symbol('OrganisationRepository');
export const ACCOUNT_REPOSITORY = Symbol('AccountRepository');
export const SESSION_REPOSITORY = Symbol('SessionRepository');
export const PENDING_STEP_REPOSITORY = Symbol('PendingStepRepository');
export const THROTTLE_STORE = Symbol('ThrottleStore');
export const SSO_TRANSACTION_REPOSITORY = Symbol('SsoTransactionRepository');
export const PASSWORD_HASHER = Symbol('PasswordHasher');
export const TOTP = Symbol('Totp');
export const KEYED_HASHER = Symbol('KeyedHasher');
export const ACCESS_TOKEN_SIGNER = Symbol('AccessTokenSigner');
export const OIDC_RELYING_PARTY = Symbol('OidcRelyingParty');
export const IDENTITY_AUDIT_TRAIL = Symbol('IdentityAuditTrail');
export const CLOCK = Symbol('Clock');
export const IDENTITY_UNIT_OF_WORK = Symbol('IdentityUnitOfWork');

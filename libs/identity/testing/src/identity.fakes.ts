import { DEFAULT_IDENTITY_POLICY, type IdentityPolicy } from '@ferry/identity/application';
import { TestAccessTokenSigner } from './es256-access-token.signer';
import { FakePasswordHasher } from './fake-password.hasher';
import { TestKeyedHasher } from './hmac-keyed.hasher';
import { MemoryAccountRepository } from './memory-account.repository';
import { MemoryOrganisationRepository } from './memory-organisation.repository';
import { MemoryPendingStepRepository } from './memory-pending-step.repository';
import { MemorySessionRepository } from './memory-session.repository';
import { MemoryUnitOfWork } from './memory-unit-of-work';
import { MemorySsoTransactionRepository } from './memory-sso-transaction.repository';
import { MemoryThrottleStore } from './memory-throttle.store';
import { TestTotp } from './otpauth.totp';
import { RecordingAuditTrail } from './recording-audit.trail';
import { ScriptedOidcRelyingParty } from './scripted-oidc.relying-party';
import { SettableClock } from './settable.clock';

/** One set of fakes for every identity port, sharing one clock, as a use-case test wires them. */
export interface IdentityFakes {
  readonly policy: IdentityPolicy;
  readonly clock: SettableClock;
  readonly organisations: MemoryOrganisationRepository;
  readonly accounts: MemoryAccountRepository;
  readonly sessions: MemorySessionRepository;
  /** Transactions over organisations, accounts and sessions. */
  readonly unitOfWork: MemoryUnitOfWork;
  readonly pendingSteps: MemoryPendingStepRepository;
  readonly throttle: MemoryThrottleStore;
  readonly ssoTransactions: MemorySsoTransactionRepository;
  readonly passwordHasher: FakePasswordHasher;
  readonly totp: TestTotp;
  readonly keyedHasher: TestKeyedHasher;
  readonly signer: TestAccessTokenSigner;
  readonly oidc: ScriptedOidcRelyingParty;
  readonly audit: RecordingAuditTrail;
}

/** Builds fresh fakes; pass `policy` to tighten or loosen limits for one test. */
export function createIdentityFakes(options: { policy?: IdentityPolicy; start?: Date } = {}): IdentityFakes {
  const policy = options.policy ?? DEFAULT_IDENTITY_POLICY;
  const clock = new SettableClock(options.start);
  const organisations = new MemoryOrganisationRepository();
  const accounts = new MemoryAccountRepository();
  const sessions = new MemorySessionRepository();
  return {
    policy,
    clock,
    organisations,
    accounts,
    sessions,
    unitOfWork: new MemoryUnitOfWork({ organisations, accounts, sessions }),
    pendingSteps: new MemoryPendingStepRepository(),
    throttle: new MemoryThrottleStore(),
    ssoTransactions: new MemorySsoTransactionRepository(),
    passwordHasher: new FakePasswordHasher(),
    totp: new TestTotp(policy.totpIssuer),
    keyedHasher: new TestKeyedHasher(),
    signer: new TestAccessTokenSigner({ ttlMs: policy.accessTokenTtlMs, now: () => clock.now() }),
    oidc: new ScriptedOidcRelyingParty(),
    audit: new RecordingAuditTrail(),
  };
}

import { Inject, Injectable } from '@nestjs/common';
import type { Account, PendingPurpose } from '@ferry/identity/domain';
import { InvalidCredentialsError } from '../identity.errors';
import {
  ACCOUNT_REPOSITORY,
  type AccountRepository,
  KEYED_HASHER,
  type KeyedHasher,
  PENDING_STEP_REPOSITORY,
  type PendingStepRepository,
} from '../identity.ports';
import { IDENTITY_POLICY, type IdentityPolicy } from '../identity-policy';
import { newOpaqueToken } from '../session-issuer';
import type { PendingStepToken } from './sign-in.result';

/** A live pending step and the account it belongs to, reloaded so changes since the password step count. */
export interface OpenStep {
  readonly tokenHash: string;
  readonly account: Account;
  readonly amr: readonly string[];
}

/**
 * Pending steps between password and session: opened with a fresh random token (only its hash is
 * stored), answered at most `pendingStepMaxAttempts` times wrongly, consumed once.
 */
@Injectable()
export class PendingSteps {
  constructor(
    @Inject(PENDING_STEP_REPOSITORY) private readonly steps: PendingStepRepository,
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(KEYED_HASHER) private readonly hasher: KeyedHasher,
    @Inject(IDENTITY_POLICY) private readonly policy: IdentityPolicy,
  ) {}

  async open(
    account: Account,
    purpose: PendingPurpose,
    amr: readonly string[],
    now: Date,
  ): Promise<PendingStepToken> {
    const token = newOpaqueToken();
    const expiresAt = new Date(now.getTime() + this.policy.pendingStepTtlMs);
    await this.steps.insert({
      tokenHash: this.hasher.tokenHash(token),
      accountId: account.id,
      orgId: account.orgId,
      purpose,
      amr,
      expiresAt,
    });
    return { token, expiresAt };
  }

  /** The live step for `token`; InvalidCredentialsError when it is unknown, expired, used up or its account is gone. */
  async load(token: string, purpose: PendingPurpose, now: Date): Promise<OpenStep> {
    const tokenHash = this.hasher.tokenHash(token);
    const step = await this.steps.find(tokenHash, purpose, now);
    if (!step) throw new InvalidCredentialsError();
    if (step.attempts >= this.policy.pendingStepMaxAttempts) {
      await this.steps.consume(tokenHash);
      throw new InvalidCredentialsError();
    }
    const account = await this.accounts.findById(step.orgId, step.accountId);
    if (!account) throw new InvalidCredentialsError();
    return { tokenHash, account, amr: step.amr };
  }

  /** Counts a wrong answer; the step dies with the last allowed one. */
  async recordWrongAnswer(step: OpenStep): Promise<void> {
    const attempts = await this.steps.recordFailedAttempt(step.tokenHash);
    if (attempts >= this.policy.pendingStepMaxAttempts) await this.steps.consume(step.tokenHash);
  }

  /** Spends the step; InvalidCredentialsError when a concurrent answer already did. */
  async consume(step: OpenStep): Promise<void> {
    if (!(await this.steps.consume(step.tokenHash))) throw new InvalidCredentialsError();
  }
}

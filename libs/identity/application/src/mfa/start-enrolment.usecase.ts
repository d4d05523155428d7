import { Inject, Injectable } from '@nestjs/common';
import { InvalidCredentialsError } from '../identity.errors';
import {
  ACCOUNT_REPOSITORY,
  type AccountRepository,
  CLOCK,
  type Clock,
  TOTP,
  type Totp,
} from '../identity.ports';
import { PendingSteps } from '../signin/pending-steps.service';
import type { StartEnrolmentCommand } from './start-enrolment.command';

/** What an authenticator app needs; shown once to the user, never logged. */
export interface EnrolmentStarted {
  readonly otpauthUri: string;
  readonly qrSvg: string;
}

/**
 * Begins TOTP enrolment: a new secret is stored pending (replacing an earlier unconfirmed one) and
 * returned as an otpauth URI and QR code. The step stays open for VerifyEnrolmentUseCase.
 */
@Injectable()
export class StartEnrolmentUseCase {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(TOTP) private readonly totp: Totp,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PendingSteps) private readonly pending: PendingSteps,
  ) {}

  async execute(command: StartEnrolmentCommand): Promise<EnrolmentStarted> {
    const step = await this.pending.load(command.pendingToken, 'enrolment', this.clock.now());
    if (step.account.mfaEnrolled) throw new InvalidCredentialsError();
    const secret = this.totp.generateSecret();
    await this.accounts.storePendingTotpSecret(step.account.id, secret);
    const otpauthUri = this.totp.uri(secret, step.account.loginName);
    return { otpauthUri, qrSvg: await this.totp.qrSvg(otpauthUri) };
  }
}

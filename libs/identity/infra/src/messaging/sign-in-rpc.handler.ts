import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ACCESS_TOKEN_SIGNER,
  type AccessTokenSigner,
  callerInfo,
  CompleteMfaCommand,
  CompleteMfaUseCase,
  CompleteSsoCommand,
  CompleteSsoUseCase,
  RefreshCommand,
  RefreshUseCase,
  SignInWithPasswordCommand,
  SignInWithPasswordUseCase,
  SignOutUseCase,
  StartEnrolmentCommand,
  StartEnrolmentUseCase,
  StartSsoCommand,
  StartSsoUseCase,
  VerifyEnrolmentCommand,
  VerifyEnrolmentUseCase,
} from '@ferry/identity/application';
import { Rpc } from '@ferry/contracts';
import { AccessTokenVerifier, authenticateCall } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import { IDENTITY_INFRA_OPTIONS, type IdentityInfraOptions } from '../identity-infra.options';
import { providerName, signInMessage, tokensMessage } from './identity-messages';
import { answering } from './rpc-errors';

const from = (caller: { sourceAddress: string; userAgent: string } | undefined) => callerInfo(caller ?? {});

/** Serves the public sign-in subjects: validates, builds a command, delegates, maps errors. */
@Injectable()
export class SignInRpcHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(SignInWithPasswordUseCase) private readonly signIn: SignInWithPasswordUseCase,
    @Inject(CompleteMfaUseCase) private readonly completeMfa: CompleteMfaUseCase,
    @Inject(StartEnrolmentUseCase) private readonly startEnrolment: StartEnrolmentUseCase,
    @Inject(VerifyEnrolmentUseCase) private readonly verifyEnrolment: VerifyEnrolmentUseCase,
    @Inject(RefreshUseCase) private readonly refresh: RefreshUseCase,
    @Inject(SignOutUseCase) private readonly signOut: SignOutUseCase,
    @Inject(StartSsoUseCase) private readonly startSso: StartSsoUseCase,
    @Inject(CompleteSsoUseCase) private readonly completeSso: CompleteSsoUseCase,
    @Inject(ACCESS_TOKEN_SIGNER) private readonly signer: AccessTokenSigner,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
    @Inject(IDENTITY_INFRA_OPTIONS) private readonly options: IdentityInfraOptions,
  ) {}

  /** The gateway forwards the callback's path and query; it is read against the registered redirect URI. */
  private callbackUrl(forwarded: string): string {
    try {
      return new URL(forwarded.slice(0, 8192), this.options.sso.redirectUri ?? 'https://sso.invalid/').toString();
    } catch {
      return '';
    }
  }

  onApplicationBootstrap(): void {
    const m = this.messaging;
    void m.serve(Rpc.identity.signInWithPassword, (req) =>
      answering(async () => signInMessage(await this.signIn.execute(SignInWithPasswordCommand.create({ loginName: req.loginName, password: req.password, ...from(req.caller) })))),
    );
    void m.serve(Rpc.identity.completeMfa, (req) =>
      answering(async () =>
        signInMessage(await this.completeMfa.execute(CompleteMfaCommand.create({ pendingToken: req.pendingToken, totpCode: req.totpCode || null, recoveryCode: req.recoveryCode || null, ...from(req.caller) }))),
      ),
    );
    void m.serve(Rpc.identity.startEnrolment, (req) =>
      answering(async () => {
        const started = await this.startEnrolment.execute(StartEnrolmentCommand.create({ pendingToken: req.pendingToken, ...from(req.caller) }));
        return { otpauthUri: started.otpauthUri, qrSvg: started.qrSvg };
      }),
    );
    void m.serve(Rpc.identity.verifyEnrolment, (req) =>
      answering(async () => {
        const done = await this.verifyEnrolment.execute(VerifyEnrolmentCommand.create({ pendingToken: req.pendingToken, totpCode: req.totpCode, ...from(req.caller) }));
        return { tokens: tokensMessage(done.tokens), recoveryCodes: [...done.recoveryCodes] };
      }),
    );
    void m.serve(Rpc.identity.refresh, (req) =>
      answering(async () => ({ tokens: tokensMessage(await this.refresh.execute(RefreshCommand.create({ refreshToken: req.refreshToken, ...from(req.caller) }))) })),
    );
    void m.serve(Rpc.identity.signOut, (req) =>
      answering(async () => {
        const claims = await authenticateCall(this.verifier, req.caller?.accessToken ?? '');
        await this.signOut.execute(claims, from(req.caller));
        return {};
      }),
    );
    void m.serve(Rpc.identity.startSso, (req) =>
      answering(async () => {
        const started = await this.startSso.execute(StartSsoCommand.create({ orgId: req.orgId, provider: providerName(req.provider), hint: req.hint || null, ...from(req.caller) }));
        return { authorizationUrl: started.authorizationUrl, browserBinding: started.browserBinding, expiresAt: timestampFromDate(started.expiresAt) };
      }),
    );
    void m.serve(Rpc.identity.completeSso, (req) =>
      answering(async () => {
        const tokens = await this.completeSso.execute(CompleteSsoCommand.create({ callbackUrl: this.callbackUrl(req.callbackUrl), browserBinding: req.browserBinding, ...from(req.caller) }));
        return { result: { step: { case: 'tokens' as const, value: tokensMessage(tokens) } } };
      }),
    );
    void m.serve(Rpc.identity.jwks, async () => ({ jwksJson: JSON.stringify(await this.signer.jwks()) }));
  }
}

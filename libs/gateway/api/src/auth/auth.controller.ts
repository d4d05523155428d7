import { Body, Controller, HttpCode, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { Rpc } from '@ferry/contracts';
import { AccessGuard, bearerToken, Public } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Request } from 'express';
import { callerOf } from '../common/caller';
import { RpcFailureFilter } from '../common/rpc-failure.filter';
import { ZodBodyPipe } from '../common/zod-body.pipe';
import { EnrolmentBody, MfaBody, RefreshBody, SignInBody, signInView, tokensView, VerifyEnrolmentBody } from './auth.dto';

/**
 * /api/v1/auth — sign-in steps, refresh and sign-out, forwarded to the identity service. These are
 * the only public routes of the API besides the JWKS; identity throttles them.
 */
@UseFilters(RpcFailureFilter)
@UseGuards(AccessGuard)
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly messaging: MessagingClient) {}

  @Public()
  @Post('signin')
  @HttpCode(200)
  async signIn(@Body(new ZodBodyPipe(SignInBody)) body: SignInBody, @Req() req: Request) {
    const { result } = await this.messaging.request(Rpc.identity.signInWithPassword, { loginName: body.loginName, password: body.password, caller: callerOf(req) });
    return signInView(result);
  }

  @Public()
  @Post('mfa')
  @HttpCode(200)
  async mfa(@Body(new ZodBodyPipe(MfaBody)) body: MfaBody, @Req() req: Request) {
    const { result } = await this.messaging.request(Rpc.identity.completeMfa, {
      pendingToken: body.pendingToken,
      totpCode: body.code ?? '',
      recoveryCode: body.recoveryCode ?? '',
      caller: callerOf(req),
    });
    return signInView(result);
  }

  @Public()
  @Post('mfa/enrolment')
  @HttpCode(200)
  async startEnrolment(@Body(new ZodBodyPipe(EnrolmentBody)) body: EnrolmentBody, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.identity.startEnrolment, { pendingToken: body.pendingToken, caller: callerOf(req) });
    return { otpauthUri: r.otpauthUri, qrSvg: r.qrSvg };
  }

  @Public()
  @Post('mfa/enrolment/verify')
  @HttpCode(200)
  async verifyEnrolment(@Body(new ZodBodyPipe(VerifyEnrolmentBody)) body: VerifyEnrolmentBody, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.identity.verifyEnrolment, { pendingToken: body.pendingToken, totpCode: body.code, caller: callerOf(req) });
    return { status: 'signed-in', ...tokensView(r.tokens), recoveryCodes: r.recoveryCodes };
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  async refresh(@Body(new ZodBodyPipe(RefreshBody)) body: RefreshBody, @Req() req: Request) {
    const r = await this.messaging.request(Rpc.identity.refresh, { refreshToken: body.refreshToken, caller: callerOf(req) });
    return tokensView(r.tokens);
  }

  // Public at the gateway because any signed-in account may sign out; identity verifies the token.
  @Public()
  @Post('signout')
  @HttpCode(204)
  async signOut(@Req() req: Request) {
    await this.messaging.request(Rpc.identity.signOut, { caller: callerOf(req, bearerToken(req.get('authorization')) ?? '') });
  }
}

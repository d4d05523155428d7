import { BadRequestException, Controller, Get, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { Rpc, SsoProvider } from '@ferry/contracts';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { AccessGuard, Public } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Request, Response } from 'express';
import { callerOf } from '../common/caller';
import { OrgIdPipe } from '../common/org-id.pipe';
import { RpcFailureFilter } from '../common/rpc-failure.filter';
import { signInView } from './auth.dto';

const PROVIDERS: Record<string, SsoProvider> = { entra: SsoProvider.ENTRA, google: SsoProvider.GOOGLE };
/** The cookie that binds an SSO flow to the browser that started it (login-CSRF protection). */
export const SSO_BINDING_COOKIE = 'ferry_sso';
const COOKIE_PATH = '/api/v1/auth/sso';

function bindingFrom(req: Request): string {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SSO_BINDING_COOKIE) return value.join('=').slice(0, 128);
  }
  return '';
}

/**
 * /api/v1/auth/sso — OIDC sign-in with Entra ID or Google. `start` redirects to the provider and sets
 * the binding cookie; the provider redirects back to `callback`, which answers with the session.
 */
@UseFilters(RpcFailureFilter)
@UseGuards(AccessGuard)
@Controller('api/v1/auth/sso')
export class SsoController {
  constructor(private readonly messaging: MessagingClient) {}

  @Public()
  @Get(':provider/start')
  async start(@Param('provider') provider: string, @Query('org', OrgIdPipe) org: string, @Req() req: Request, @Res() res: Response, @Query('hint') hint?: string) {
    const which = Object.hasOwn(PROVIDERS, provider) ? PROVIDERS[provider] : undefined;
    if (which === undefined) throw new BadRequestException('provider must be entra or google');
    if (hint !== undefined && (typeof hint !== 'string' || hint.length > 253)) throw new BadRequestException('hint must be a tenant id or a domain');
    const r = await this.messaging.request(Rpc.identity.startSso, { orgId: org, provider: which, hint: hint ?? '', caller: callerOf(req) });
    const maxAge = r.expiresAt ? Math.max(1, Math.round((timestampDate(r.expiresAt).getTime() - Date.now()) / 1000)) : 600;
    // Lax, not Strict: the provider's redirect back is a top-level cross-site navigation.
    res.setHeader('set-cookie', `${SSO_BINDING_COOKIE}=${r.browserBinding}; Path=${COOKIE_PATH}; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Lax`);
    res.setHeader('cache-control', 'no-store');
    res.redirect(302, r.authorizationUrl);
  }

  @Public()
  @Get('callback')
  async callback(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    if (req.originalUrl.length > 8192) throw new BadRequestException('callback URL too long');
    const { result } = await this.messaging.request(Rpc.identity.completeSso, {
      callbackUrl: req.originalUrl,
      browserBinding: bindingFrom(req),
      caller: callerOf(req),
    });
    res.setHeader('set-cookie', `${SSO_BINDING_COOKIE}=; Path=${COOKIE_PATH}; Max-Age=0; HttpOnly; Secure; SameSite=Lax`);
    res.setHeader('cache-control', 'no-store');
    return signInView(result);
  }
}

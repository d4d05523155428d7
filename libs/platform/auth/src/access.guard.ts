import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  Optional,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AccessClaims, grants, type Permission } from '@ferry/platform/rbac';
import type { Request, Response } from 'express';
import {
  ACCESS_DENIED_RECORDER,
  type AccessDenialReason,
  type AccessDeniedRecorder,
} from './access-denied.recorder';
import { PUBLIC_ROUTE, REQUIRED_PERMISSION } from './access-metadata.decorators';
import { AccessTokenVerifier } from './access-token.verifier';
import { AUTHENTICATION, type AuthenticatedRequest, bearerToken } from './authenticated-request';
import { InvalidTokenError, KeySourceUnavailableError } from './errors';
import { isPlatformPermission, sameOrg } from './org-scope';

/** The route parameter that names the organisation a request is about. */
export const ORG_ROUTE_PARAM = 'org';

type Rule = { kind: 'public' } | { kind: 'permission'; permission: Permission } | { kind: 'none' };

/**
 * Authenticates and authorises HTTP requests; apply with `@UseGuards(AccessGuard)` on controllers
 * (not globally: health endpoints stay open). Deny by default: a handler needs `@RequirePermission`
 * or `@Public`, on itself or its controller. A `:org` route is answered 404 unless the token's
 * organisation is that one (another tenant's objects do not exist for the caller).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('AccessGuard');

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
    @Optional() @Inject(ACCESS_DENIED_RECORDER) private readonly recorder: AccessDeniedRecorder | null = null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.ruleFor(context);
    if (rule.kind === 'public') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request & AuthenticatedRequest>();
    const claims = await this.authenticate(request, http.getResponse<Response>());
    if (rule.kind === 'none') throw new ForbiddenException('this route has no access rule');

    const { permission } = rule;
    const requestedOrg = request.params?.[ORG_ROUTE_PARAM];
    if (
      typeof requestedOrg === 'string' &&
      !isPlatformPermission(permission) &&
      !sameOrg(claims.orgId, requestedOrg)
    ) {
      await this.record(request, claims, permission, requestedOrg, 'cross-org');
      throw new NotFoundException();
    }
    if (!grants(claims.roles, permission)) {
      await this.record(
        request,
        claims,
        permission,
        typeof requestedOrg === 'string' ? requestedOrg : null,
        'permission',
      );
      throw new ForbiddenException(`missing permission ${permission}`);
    }
    return true;
  }

  /** The handler's own rule wins over its controller's; a permission wins over @Public on the same target. */
  private ruleFor(context: ExecutionContext): Rule {
    for (const target of [context.getHandler(), context.getClass()]) {
      const permission = this.reflector.get<Permission | undefined>(REQUIRED_PERMISSION, target);
      if (permission) return { kind: 'permission', permission };
      if (this.reflector.get<boolean | undefined>(PUBLIC_ROUTE, target) === true) return { kind: 'public' };
    }
    return { kind: 'none' };
  }

  private async authenticate(
    request: Request & AuthenticatedRequest,
    response: Response,
  ): Promise<AccessClaims> {
    const token = bearerToken(request.headers.authorization);
    if (token === null) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="ferry"');
      throw new UnauthorizedException('a bearer access token is required');
    }
    try {
      const claims = await this.verifier.verify(token);
      request[AUTHENTICATION] = { claims, token };
      return claims;
    } catch (err) {
      if (err instanceof InvalidTokenError) {
        response.setHeader('WWW-Authenticate', 'Bearer realm="ferry", error="invalid_token"');
        throw new UnauthorizedException('invalid or expired access token');
      }
      if (err instanceof KeySourceUnavailableError) throw new ServiceUnavailableException();
      throw err;
    }
  }

  private async record(
    request: Request,
    claims: AccessClaims,
    permission: Permission,
    requestedOrg: string | null,
    reason: AccessDenialReason,
  ): Promise<void> {
    if (!this.recorder) return;
    const route: unknown = (request as { route?: { path?: unknown } }).route?.path;
    try {
      await this.recorder.record({
        claims,
        permission,
        requestedOrg,
        reason,
        sourceAddress: request.ip ?? null,
        userAgent: request.headers['user-agent'] ?? null,
        route: typeof route === 'string' ? route : null,
      });
    } catch (err) {
      this.logger.warn(`could not record an access denial: ${(err as Error)?.name ?? 'error'}`);
    }
  }
}

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AccessClaims } from '@ferry/platform/rbac';
import { type Authentication, AUTHENTICATION, type AuthenticatedRequest } from './authenticated-request';

function authentication(ctx: ExecutionContext): Authentication {
  const found = ctx.switchToHttp().getRequest<AuthenticatedRequest>()[AUTHENTICATION];
  // A wiring mistake (no AccessGuard, or a @Public route), not a client error: fail closed.
  if (!found)
    throw new Error('no verified access token on this request: is the route guarded by AccessGuard?');
  return found;
}

/** The verified claims of the caller's access token (routes behind AccessGuard that are not @Public). */
export const CurrentClaims = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AccessClaims => authentication(ctx).claims,
);

/** The caller's raw access token, for forwarding to services over NATS (`Caller.access_token`). */
export const BearerToken = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string => authentication(ctx).token,
);

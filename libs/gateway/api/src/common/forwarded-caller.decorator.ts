import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { bearerToken } from '@ferry/platform/auth';
import type { Request } from 'express';
import { callerOf } from './caller';

/** What a migration RPC carries as `caller`: the bearer token (verified again by the service) and the request's origin. */
export type ForwardedCaller = ReturnType<typeof callerOf>;

/**
 * The caller to forward, from a route behind AccessGuard: the token the guard verified (the
 * `Authorization` header) with the source address and user agent, bounded by `callerOf`.
 */
export const Forwarded = createParamDecorator((_: unknown, ctx: ExecutionContext): ForwardedCaller => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const token = bearerToken(req.get('authorization'));
  // A wiring mistake (an unguarded route), not a client error: fail closed.
  if (!token) throw new Error('no bearer token on this request: is the route guarded by AccessGuard?');
  return callerOf(req, token);
});

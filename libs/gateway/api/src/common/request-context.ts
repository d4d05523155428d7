import type { Request } from 'express';

/**
 * Who is calling, for the audit trail. Until the identity service issues tokens (issue 5), the actor
 * is recorded as `unauthenticated`.
 */
export function requestContext(req: Request): { actorId: string; sourceAddress: string; userAgent: string } {
  return {
    actorId: 'unauthenticated',
    sourceAddress: (req.ip ?? '').slice(0, 64),
    userAgent: (req.get('user-agent') ?? '').slice(0, 256),
  };
}

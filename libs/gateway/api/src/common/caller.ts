import type { Request } from 'express';

/**
 * Who is calling, as services receive it: the bearer token (each service verifies it again) and
 * where the request came from, for audit. Lengths are bounded here so no service sees more.
 */
export function callerOf(req: Request, accessToken = ''): { accessToken: string; sourceAddress: string; userAgent: string } {
  return {
    accessToken,
    sourceAddress: (req.ip ?? '').slice(0, 64),
    userAgent: (req.get('user-agent') ?? '').slice(0, 256),
  };
}


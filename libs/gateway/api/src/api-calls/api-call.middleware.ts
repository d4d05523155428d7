import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { verifiedClaims } from '@ferry/platform/auth';
import { context } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { ApiCallRecorder } from './api-call.recorder';

/**
 * Records every call the AccessGuard authenticated with an access token once its connection is done
 * with it ('close': after the answer was sent, or when the client went away), so recording never
 * delays or changes an answer. Runs before the guards, which is why it also sees the calls they refuse
 * (403, cross-organisation 404); calls without a verified token (sign-in steps, refresh, JWKS, health,
 * a refused token) are not recorded here. Reads only the method, the matched route's pattern and the
 * status: never the path, query, headers (but the user agent) or body.
 */
@Injectable()
export class ApiCallMiddleware implements NestMiddleware {
  constructor(@Inject(ApiCallRecorder) private readonly recorder: ApiCallRecorder) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    // The request's trace: the record is published after its span ended, but names it.
    const requestContext = context.active();
    res.once('close', () => {
      const claims = verifiedClaims(req);
      if (!claims) return;
      const route: unknown = (req as { route?: { path?: unknown } }).route?.path;
      context.with(requestContext, () =>
        this.recorder.record({
          claims,
          method: req.method,
          route: typeof route === 'string' ? route : null,
          status: res.headersSent ? res.statusCode : null,
          completed: res.writableFinished,
          durationMs: performance.now() - started,
          sourceAddress: req.ip ?? null,
          userAgent: req.get('user-agent') ?? null,
        }),
      );
    });
    next();
  }
}

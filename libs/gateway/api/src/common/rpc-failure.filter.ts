import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import { RpcErrorCode } from '@ferry/contracts';
import { RpcFailure } from '@ferry/platform/messaging';
import type { Response } from 'express';

const STATUS: Record<RpcErrorCode, HttpStatus> = {
  [RpcErrorCode.UNSPECIFIED]: HttpStatus.INTERNAL_SERVER_ERROR,
  [RpcErrorCode.INVALID_ARGUMENT]: HttpStatus.BAD_REQUEST,
  [RpcErrorCode.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [RpcErrorCode.ALREADY_EXISTS]: HttpStatus.CONFLICT,
  [RpcErrorCode.PERMISSION_DENIED]: HttpStatus.FORBIDDEN,
  [RpcErrorCode.UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
  [RpcErrorCode.INTERNAL]: HttpStatus.INTERNAL_SERVER_ERROR,
  [RpcErrorCode.UNAUTHENTICATED]: HttpStatus.UNAUTHORIZED,
  [RpcErrorCode.RESOURCE_EXHAUSTED]: HttpStatus.TOO_MANY_REQUESTS,
  [RpcErrorCode.FAILED_PRECONDITION]: HttpStatus.CONFLICT,
};

/** Maps a failed NATS RPC onto the HTTP status and body the API documents. */
@Catch(RpcFailure)
export class RpcFailureFilter implements ExceptionFilter {
  catch(failure: RpcFailure, host: ArgumentsHost): void {
    const status: number = STATUS[failure.code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
    const body: Record<string, unknown> = {
      statusCode: status,
      error: HttpStatus[status],
      // A 503 says which dependency is down; other 5xx reasons stay inside.
      message: status >= 500 && status !== 503 ? 'internal error' : failure.message,
    };
    if (failure.violations.length > 0) body['violations'] = failure.violations;
    const res = host.switchToHttp().getResponse<Response>();
    if (status === 429 && failure.retryAfterSeconds > 0) res.setHeader('retry-after', String(failure.retryAfterSeconds));
    if (status === 401) res.setHeader('www-authenticate', 'Bearer realm="ferry"');
    res.status(status).json(body);
  }
}

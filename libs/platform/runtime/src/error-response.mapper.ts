import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

/** What the client receives for a failed request. */
export interface ErrorResponse {
  readonly statusCode: number;
  readonly body: object;
  /** True for server faults: the caller logs the original exception, the client only sees a status text. */
  readonly isServerFault: boolean;
}

/**
 * Turns any exception into Nest's usual `{ statusCode, error?, message }` answer. Client errors
 * (HttpExceptions below 500) keep their message; everything else answers with the status text
 * only, whatever the exception said.
 */
export function toErrorResponse(exception: unknown): ErrorResponse {
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    if (statusCode >= 500) return serverFault(statusCode);
    const response = exception.getResponse();
    // Same shape as Nest's built-in filter: an object response is sent as it is.
    return clientError(
      statusCode,
      typeof response === 'object' ? response : { statusCode, message: response },
    );
  }
  return serverFault(500);
}

function clientError(statusCode: number, body: object): ErrorResponse {
  return { statusCode, body, isServerFault: false };
}

function serverFault(statusCode: number): ErrorResponse {
  const error = reasonPhrase(statusCode);
  const message = error.charAt(0) + error.slice(1).toLowerCase();
  return { statusCode, body: { statusCode, error, message }, isServerFault: true };
}

function reasonPhrase(statusCode: number): string {
  return STATUS_CODES[statusCode] ?? 'Error';
}

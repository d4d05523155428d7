import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  type HttpServer,
  type LoggerService,
} from '@nestjs/common';
import { redactCredentials } from './credential-redaction.util';
import { toErrorResponse } from './error-response.mapper';

/**
 * The one exception filter of a Ferry HTTP app: answers every failure in Nest's error shape and
 * logs server faults (with their stack) instead of sending them.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly httpAdapter: HttpServer,
    private readonly logger: LoggerService,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    // Registered on the HTTP app only; other transports have their own error handling.
    if (host.getType() !== 'http') throw exception;
    const request: unknown = host.switchToHttp().getRequest();
    const response: unknown = host.switchToHttp().getResponse();
    const answer = toErrorResponse(exception);
    if (answer.isServerFault) this.logServerFault(exception, request, answer.statusCode);
    if (this.httpAdapter.isHeadersSent(response)) {
      this.httpAdapter.end(response);
      return;
    }
    this.httpAdapter.reply(response, answer.body, answer.statusCode);
  }

  private logServerFault(exception: unknown, request: unknown, statusCode: number): void {
    const method = this.httpAdapter.getRequestMethod?.(request) ?? 'HTTP';
    // The route pattern, not the URL: paths and query strings may carry addresses or tokens.
    const route = (request as { route?: { path?: unknown } }).route?.path;
    const where = `${method} ${typeof route === 'string' ? route : '(no route matched)'}`;
    const error = exception instanceof Error ? exception : new Error(`non-error thrown: ${typeof exception}`);
    const summary = redactCredentials(`${statusCode} answering ${where}: ${error.name}: ${error.message}`);
    this.logger.error(
      summary,
      error.stack === undefined ? undefined : redactCredentials(error.stack),
      'HttpErrorFilter',
    );
  }
}

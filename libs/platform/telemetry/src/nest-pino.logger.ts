import type { LoggerService, LogLevel } from '@nestjs/common';
import type { Level, Logger } from 'pino';

// Nest's levels, most to least verbose, and the pino level each one writes at.
const NEST_TO_PINO: Readonly<Record<LogLevel, Level>> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};
const PINO_ORDER: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const STACK = /^[^\n]*\n\s+at /;

/**
 * Nest's `LoggerService` over a pino logger from `createLogger`, so framework messages get the same
 * JSON shape, redaction and trace fields as the service's own:
 * `NestFactory.create(AppModule, { logger: new NestPinoLogger(logger) })` or `app.useLogger(...)`.
 * Nest's trailing context argument becomes a `context` field; an error's stack becomes `err.stack`.
 */
export class NestPinoLogger implements LoggerService {
  constructor(
    private readonly logger: Logger,
    private readonly context?: string,
  ) {}

  /** A logger whose lines carry `context` unless a call names another. */
  withContext(context: string): NestPinoLogger {
    return new NestPinoLogger(this.logger, context);
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('log', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('verbose', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  /** Sets pino's level to the most verbose of `levels` (Nest passes the levels it wants written). */
  setLogLevels(levels: LogLevel[]): void {
    const wanted = levels.map((level) => NEST_TO_PINO[level]);
    this.logger.level = PINO_ORDER.find((level) => wanted.includes(level)) ?? 'silent';
  }

  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    const rest = params.filter((param) => param !== undefined);
    let context = this.context;
    // Nest passes the context last; on error() a stack string may precede it.
    if (
      rest.length > 0 &&
      typeof rest[rest.length - 1] === 'string' &&
      !STACK.test(rest[rest.length - 1] as string)
    ) {
      context = rest.pop() as string;
    }
    const stack =
      level === 'error' && typeof rest[0] === 'string' && STACK.test(rest[0])
        ? (rest.shift() as string)
        : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (stack) fields['err'] = { stack };
    if (rest.length > 0) fields['details'] = rest;
    const pinoLevel = NEST_TO_PINO[level];
    if (message instanceof Error) {
      this.logger[pinoLevel]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[pinoLevel]({ ...fields, data: message });
    } else {
      this.logger[pinoLevel](fields, String(message));
    }
  }
}

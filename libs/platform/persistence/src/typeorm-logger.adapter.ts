import { maskSqlLiterals } from '@ferry/platform/telemetry';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { PERSISTENCE_LOG_CONTEXT, type PersistenceLogger } from './persistence.logger';
import { queryErrorSummary, redactSecret } from './persistence.errors';

const MAX_SQL_CHARS = 200;

/**
 * Routes TypeORM's log calls to a {@link PersistenceLogger}. Query parameters are never logged
 * (they carry tenant data and secrets), nor is a failed query's server message when the server gave
 * a code (it can quote a parameter: `invalid input syntax for type uuid: "..."`); SQL text is
 * shortened with its string literals masked, and successful queries are silent.
 */
export class TypeOrmLoggerAdapter implements TypeOrmLogger {
  constructor(
    private readonly logger: PersistenceLogger,
    private readonly secret: string | undefined,
  ) {}

  logQuery(): void {
    // Per-query logging belongs to tracing (instrumentation-pg), not to logs.
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.error(
      `query failed: ${queryErrorSummary(error, this.secret)} [${this.sql(query)}]`,
      PERSISTENCE_LOG_CONTEXT,
    );
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${this.sql(query)}`, PERSISTENCE_LOG_CONTEXT);
  }

  logSchemaBuild(): void {
    // Schema-builder chatter is debug-level; migrations report what they applied.
  }

  logMigration(message: string): void {
    this.logger.log(redactSecret(message, this.secret), PERSISTENCE_LOG_CONTEXT);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = redactSecret(String(message), this.secret);
    if (level === 'warn') this.logger.warn(text, PERSISTENCE_LOG_CONTEXT);
    else this.logger.log(text, PERSISTENCE_LOG_CONTEXT);
  }

  private sql(query: string): string {
    const flat = maskSqlLiterals(redactSecret(query.replace(/\s+/g, ' ').trim(), this.secret));
    return flat.length > MAX_SQL_CHARS ? `${flat.slice(0, MAX_SQL_CHARS)}...` : flat;
  }
}

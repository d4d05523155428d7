import type { Logger as TypeOrmLogger } from 'typeorm';
import type { PersistenceLogger } from './persistence.logger';
import { TypeOrmLoggerAdapter } from './typeorm-logger.adapter';

const SECRET = 'hunter2-db-password';

function recorder(): { logger: PersistenceLogger; lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { logger: { log: push('log'), warn: push('warn'), error: push('error') }, lines };
}

describe('TypeOrmLoggerAdapter', () => {
  it('never logs query parameters', () => {
    const { logger, lines } = recorder();
    // Called as TypeORM calls it, parameters included.
    const adapter: TypeOrmLogger = new TypeOrmLoggerAdapter(logger, SECRET);
    adapter.logQuery('SELECT * FROM account WHERE email = $1', ['alice@example.com']);
    adapter.logQueryError(new Error('duplicate key'), 'INSERT INTO account (email) VALUES ($1)', [
      'alice@example.com',
    ]);
    adapter.logQuerySlow(2_500, 'SELECT * FROM account WHERE email = $1', ['alice@example.com']);
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toContain('INSERT INTO account');
    expect(lines.join('\n')).not.toContain('alice@example.com');
  });

  it('redacts the database password wherever it appears', () => {
    const { logger, lines } = recorder();
    const adapter = new TypeOrmLoggerAdapter(logger, SECRET);
    adapter.logQueryError(`auth failed for ${SECRET}`, `ALTER USER x PASSWORD '${SECRET}'`);
    adapter.log('warn', `pool error ${SECRET}`);
    adapter.logMigration(`migration ${SECRET}`);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toContain(SECRET);
  });

  it('shortens long SQL', () => {
    const { logger, lines } = recorder();
    new TypeOrmLoggerAdapter(logger, undefined).logQuerySlow(3_000, `SELECT ${'x, '.repeat(500)}1`);
    expect(lines[0]!.length).toBeLessThan(300);
    expect(lines[0]).toMatch(/^warn slow query \(3000 ms\): SELECT x, x/);
  });
});

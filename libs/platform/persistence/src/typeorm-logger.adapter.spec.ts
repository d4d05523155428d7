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

describe('TypeOrmLoggerAdapter on a query the server refused', () => {
  it("names the server's error code, not its message, and masks the statement's literals", () => {
    const { logger, lines } = recorder();
    const refused = Object.assign(new Error('invalid input syntax for type uuid: "tok-planted-value"'), {
      code: '22P02',
    });
    new TypeOrmLoggerAdapter(logger, undefined).logQueryError(
      refused,
      "SELECT * FROM account WHERE id = $1 AND note = 'carol@example.com'",
    );
    expect(lines).toEqual([
      "error query failed: SQLSTATE 22P02 [SELECT * FROM account WHERE id = $1 AND note = '?']",
    ]);
  });

  it('keeps the message of an error the server gave no code for', () => {
    const { logger, lines } = recorder();
    const adapter = new TypeOrmLoggerAdapter(logger, undefined);
    adapter.logQueryError(Object.assign(new Error('Connection terminated'), { code: 'EPIPE' }), 'SELECT 1');
    adapter.logQueryError(Object.assign(new Error('Conversion failed for "x"'), { number: 245 }), 'SELECT 2');
    expect(lines).toEqual([
      'error query failed: Connection terminated [SELECT 1]',
      'error query failed: SQL Server error 245 [SELECT 2]',
    ]);
  });
});

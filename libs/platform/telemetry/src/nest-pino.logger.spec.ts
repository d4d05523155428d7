import { Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Pseudonymizer } from './address.pseudonymizer';
import { createLogger } from './logger.factory';
import { NestPinoLogger } from './nest-pino.logger';

const ADDRESS = 'erin.planted@example.net';

function capture() {
  const lines: string[] = [];
  const pino = createLogger({
    service: 'identity',
    level: 'trace',
    pseudonymizer: new Pseudonymizer(Buffer.alloc(32, 4)),
    destination: { write: (l: string) => lines.push(l) },
  });
  return {
    nest: new NestPinoLogger(pino),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => lines.join(''),
  };
}

describe('NestPinoLogger', () => {
  it('writes Nest levels as pino levels with the context as a field', () => {
    const { nest, records } = capture();
    nest.log('hello', 'Bootstrap');
    nest.warn('careful', 'Bootstrap');
    nest.debug('details');
    nest.verbose('chatter');
    nest.fatal('gone');
    expect(records().map((r) => [r['level'], r['msg'], r['context']])).toEqual([
      ['info', 'hello', 'Bootstrap'],
      ['warn', 'careful', 'Bootstrap'],
      ['debug', 'details', undefined],
      ['trace', 'chatter', undefined],
      ['fatal', 'gone', undefined],
    ]);
  });

  it('takes a stack and a context on error()', () => {
    const { nest, records } = capture();
    const stack = new Error('boom').stack ?? '';
    nest.error('request failed', stack, 'ExceptionsHandler');
    const [record] = records();
    expect(record).toMatchObject({ level: 'error', msg: 'request failed', context: 'ExceptionsHandler' });
    expect((record?.['err'] as { stack?: string } | undefined)?.stack).toContain('at ');
  });

  it('logs an Error passed as the message with its type', () => {
    const { nest, records, text } = capture();
    nest.error(new TypeError(`no mailbox for ${ADDRESS}`), 'Worker');
    expect(records()[0]).toMatchObject({ context: 'Worker', err: { type: 'TypeError' } });
    expect(text()).not.toContain(ADDRESS);
  });

  it('logs an object message under data, redacted', () => {
    const { nest, records } = capture();
    nest.log({ event: 'signin', password: 'pw-Pl4nted' }, 'Auth');
    expect(records()[0]).toEqual(
      expect.objectContaining({ context: 'Auth', data: { event: 'signin', password: '[redacted]' } }),
    );
  });

  it('uses the context it was created with unless a call names one', () => {
    const { nest, records } = capture();
    const scoped = nest.withContext('Scheduler');
    scoped.log('tick');
    scoped.log('tock', 'Other');
    expect(records().map((r) => r['context'])).toEqual(['Scheduler', 'Other']);
  });

  it('maps setLogLevels to the most verbose level asked for', () => {
    const { nest, records } = capture();
    nest.setLogLevels(['error', 'warn']);
    nest.log('dropped');
    nest.warn('kept');
    expect(records().map((r) => r['msg'])).toEqual(['kept']);
  });

  it('receives Nest’s own messages when passed to NestFactory', async () => {
    @Injectable()
    class Greeter implements OnModuleInit {
      private readonly logger = new Logger(Greeter.name);
      onModuleInit(): void {
        this.logger.log(`greeting ${ADDRESS}`);
      }
    }
    @Module({ providers: [Greeter] })
    class AppModule {}

    const { nest, records, text } = capture();
    const app = await NestFactory.createApplicationContext(AppModule, { logger: nest });
    await app.close();
    expect(records()).toEqual(
      expect.arrayContaining([expect.objectContaining({ context: 'NestFactory', level: 'info' })]),
    );
    expect(records().find((r) => r['context'] === 'Greeter')?.['msg']).toMatch(/^greeting u_[a-z2-7]{20}$/);
    expect(text()).not.toContain(ADDRESS);
  });
});

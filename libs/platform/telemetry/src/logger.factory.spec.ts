import { installSpanCapture, type SpanCapture } from '@ferry/platform/testing';
import { trace } from '@opentelemetry/api';
import { Pseudonymizer } from './address.pseudonymizer';
import { createLogger, logRedactPaths } from './logger.factory';

const PASSWORD = 'hunter2-Pl4nted';
const TOKEN = 'tok-0123456789abcdef';
const SECRET = 'sec-Pl4nted-9876';
const ADDRESS = 'dana.planted@example.org';
const pseudonymizer = new Pseudonymizer(Buffer.alloc(32, 7));

function capture() {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'gateway',
    level: 'trace',
    pseudonymizer,
    destination: { write: (l: string) => lines.push(l) },
  });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, records, text: () => lines.join('') };
}

function expectClean(text: string): void {
  for (const planted of [PASSWORD, TOKEN, SECRET, ADDRESS, 'dana.planted%40example.org'])
    expect(text).not.toContain(planted);
}

describe('createLogger', () => {
  let spans: SpanCapture;
  beforeAll(() => (spans = installSpanCapture()));
  afterAll(() => spans.uninstall());

  it('writes JSON lines with level name, ISO time, service and message', () => {
    const { logger, records } = capture();
    logger.info('started');
    const [record] = records();
    expect(record).toMatchObject({ level: 'info', service: 'gateway', msg: 'started' });
    expect(record?.['time']).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('adds trace_id and span_id of the active span', () => {
    const { logger, records } = capture();
    trace.getTracer('test').startActiveSpan('work', (span) => {
      logger.info('inside');
      span.end();
      const { traceId, spanId } = span.spanContext();
      expect(records()[0]).toEqual(expect.objectContaining({ trace_id: traceId, span_id: spanId }));
    });
  });

  it('has no trace fields outside a span', () => {
    const { logger, records } = capture();
    logger.info('outside');
    expect(records()[0]).not.toHaveProperty('trace_id');
    expect(records()[0]).not.toHaveProperty('span_id');
  });

  it('masks credential and person keys at every depth', () => {
    const { logger, records, text } = capture();
    logger.info(
      {
        password: PASSWORD,
        user: { email: ADDRESS, upn: ADDRESS, token: TOKEN },
        a: { b: { c: { clientSecret: SECRET } } },
        d1: { d2: { d3: { d4: { d5: { refresh_token: TOKEN, apiKey: SECRET } } } } },
        list: [{ accessToken: TOKEN }],
      },
      'nested',
    );
    expectClean(text());
    expect(records()[0]).toMatchObject({ password: '[redacted]', user: { email: '[redacted]' } });
  });

  it('masks Authorization and Cookie request headers', () => {
    const { logger, text, records } = capture();
    logger.info(
      {
        req: {
          method: 'GET',
          headers: { authorization: `Bearer ${TOKEN}`, cookie: `sid=${SECRET}`, 'x-request-id': 'r1' },
        },
      },
      'request',
    );
    expectClean(text());
    expect(records()[0]).toEqual(
      expect.objectContaining({
        req: {
          method: 'GET',
          headers: { authorization: '[redacted]', cookie: '[redacted]', 'x-request-id': 'r1' },
        },
      }),
    );
  });

  it('pseudonymises addresses in the message and in string values', () => {
    const { logger, records, text } = capture();
    logger.info({ target: `mailbox of ${ADDRESS}` }, 'migrating %s', ADDRESS);
    expectClean(text());
    const token = pseudonymizer.pseudonym(ADDRESS);
    expect(records()[0]).toEqual(
      expect.objectContaining({ msg: `migrating ${token}`, target: `mailbox of ${token}` }),
    );
  });

  it('scrubs an error whose message holds a secret and an address', () => {
    const { logger, records, text } = capture();
    const cause = new Error(`upstream said token=${TOKEN}`);
    const err = Object.assign(new Error(`login failed for ${ADDRESS} with password=${PASSWORD}`, { cause }), {
      secret: SECRET,
    });
    logger.error(err);
    logger.error({ err }, 'wrapped');
    expectClean(text());
    const logged = records()[0]?.['err'] as { type: string; message: string } | undefined;
    expect(logged?.type).toBe('Error');
    expect(logged?.message).toContain('password=[redacted]');
  });

  it('does not modify the objects it logs', () => {
    const { logger } = capture();
    const payload = { password: PASSWORD, nested: { email: ADDRESS } };
    logger.info(payload);
    expect(payload).toEqual({ password: PASSWORD, nested: { email: ADDRESS } });
  });

  it('scrubs child logger bindings', () => {
    const { logger, text } = capture();
    logger.child({ user: ADDRESS, token: TOKEN }).info('child');
    expectClean(text());
  });

  it('survives circular references', () => {
    const { logger, records } = capture();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop['self'] = loop;
    logger.info({ loop }, 'circular');
    expect(records()[0]).toEqual(expect.objectContaining({ loop: { name: 'loop', self: '[circular]' } }));
  });

  it('writes binary data as its length only', () => {
    const { logger, records } = capture();
    logger.info({ key: Buffer.from(SECRET) }, 'binary');
    expect(records()[0]).toEqual(expect.objectContaining({ key: `[binary ${SECRET.length} bytes]` }));
  });
});

describe('logRedactPaths', () => {
  it('spells out wildcard paths for depths 0 to 3', () => {
    expect(logRedactPaths(['password', 'set-cookie'])).toEqual([
      'password',
      '["set-cookie"]',
      '*.password',
      '*.["set-cookie"]',
      '*.*.password',
      '*.*.["set-cookie"]',
      '*.*.*.password',
      '*.*.*.["set-cookie"]',
    ]);
  });
});

describe('createLogger child loggers', () => {
  it('scrubs bindings of grandchildren and keeps every level of bindings', () => {
    const { logger, records, text } = capture();
    logger.child({ tenant: 'org-1' }).child({ owner: ADDRESS, password: PASSWORD }).info('grandchild');
    expectClean(text());
    expect(records()[0]).toEqual(
      expect.objectContaining({ tenant: 'org-1', owner: pseudonymizer.pseudonym(ADDRESS) }),
    );
  });

  it('scrubs bindings set later', () => {
    const { logger, text } = capture();
    const child = logger.child({ tenant: 'org-1' });
    child.setBindings({ secret: SECRET, who: ADDRESS });
    child.info('rebound');
    expectClean(text());
  });
});

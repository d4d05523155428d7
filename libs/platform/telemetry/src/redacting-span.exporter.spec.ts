import { installSpanCapture, type SpanCapture } from '@ferry/platform/testing';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Pseudonymizer } from './address.pseudonymizer';
import { RedactingSpanExporter } from './redacting-span.exporter';

const TOKEN = 'tok-Pl4nted-abcdef123';
const PASSWORD = 'pw-Pl4nted-456';
const ADDRESS = 'frank.planted@example.com';
const pseudonymizer = new Pseudonymizer(Buffer.alloc(32, 8));

describe('RedactingSpanExporter', () => {
  let capture: SpanCapture;
  beforeAll(
    () =>
      (capture = installSpanCapture({ wrapExporter: (e) => new RedactingSpanExporter(e, pseudonymizer) })),
  );
  afterEach(() => capture.reset());
  afterAll(() => capture.uninstall());

  function exportedText(spans: unknown): string {
    return JSON.stringify(spans, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  }

  it('masks attributes whose key names a credential, including header attributes', async () => {
    const span = trace.getTracer('t').startSpan('GET /api/v1/me', { kind: SpanKind.SERVER });
    span.setAttributes({
      'http.request.header.authorization': [`Bearer ${TOKEN}`],
      'http.request.header.cookie': `sid=${TOKEN}`,
      'db.password': PASSWORD,
      client_secret: PASSWORD,
      'http.response.status_code': 200,
    });
    span.end();
    const [exported] = await capture.finished();
    expect(exported?.attributes).toEqual({
      'http.request.header.authorization': '[redacted]',
      'http.request.header.cookie': '[redacted]',
      'db.password': '[redacted]',
      client_secret: '[redacted]',
      'http.response.status_code': 200,
    });
  });

  it('pseudonymises addresses and masks tokens in URLs and span names', async () => {
    const url = `https://graph.example/v1.0/users/${ADDRESS}/messages?access_token=${TOKEN}&$top=5`;
    const span = trace.getTracer('t').startSpan(`GET /users/${ADDRESS}`, { kind: SpanKind.CLIENT });
    span.setAttributes({ 'url.full': url, 'http.target': `/users?mail=${encodeURIComponent(ADDRESS)}` });
    span.end();
    const spans = await capture.finished();
    const text = exportedText(spans);
    expect(text).not.toContain(ADDRESS);
    expect(text).not.toContain(encodeURIComponent(ADDRESS));
    expect(text).not.toContain(TOKEN);
    const token = pseudonymizer.pseudonym(ADDRESS);
    expect(spans[0]?.name).toBe(`GET /users/${token}`);
    expect(spans[0]?.attributes['url.full']).toBe(
      `https://graph.example/v1.0/users/${token}/messages?access_token=[redacted]&$top=5`,
    );
  });

  it('scrubs recorded exceptions and the status message', async () => {
    const span = trace.getTracer('t').startSpan('login');
    span.recordException(new Error(`bad login for ${ADDRESS}: password=${PASSWORD}`));
    span.setStatus({ code: SpanStatusCode.ERROR, message: `denied ${ADDRESS}` });
    span.addEvent(`retry for ${ADDRESS}`, { 'user.email': ADDRESS, token: TOKEN });
    span.end();
    const text = exportedText(await capture.finished());
    expect(text).not.toContain(ADDRESS);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(TOKEN);
    expect(text).toContain(pseudonymizer.pseudonym(ADDRESS));
  });

  it('keeps span identity and timing so the trace still links up', async () => {
    const tracer = trace.getTracer('t');
    await tracer.startActiveSpan(`parent ${ADDRESS}`, async (parent) => {
      tracer.startSpan('child').end();
      parent.end();
      await Promise.resolve();
    });
    const [child, parent] = await capture.finished();
    expect(child?.spanContext().traceId).toBe(parent?.spanContext().traceId);
    expect(child?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    expect(parent?.endTime).toEqual(expect.any(Array));
  });

  async function exported(name: string, attributes: Record<string, string | number>, status?: string) {
    const span = trace.getTracer('t').startSpan(name, { kind: SpanKind.CLIENT, attributes });
    if (status !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: status });
    span.end();
    const [out] = await capture.finished();
    if (!out) throw new Error('no span exported');
    return out;
  }

  it('masks every query value of a traced URL but the paging and shape parameters', async () => {
    const span = await exported('GET', {
      'url.full': `https://www.googleapis.com/gmail/v1/users/me/messages?key=${TOKEN}&pageToken=${TOKEN}&maxResults=50&q=from%3Aalice#frag`,
      'http.target': `/api/v1/orgs/o/audit?actor=${TOKEN}&limit=20`,
      'url.query': `sig=${TOKEN}&$top=5&%24filter=displayName%20eq%20%27Heidi%27`,
    });
    expect(span.attributes['url.full']).toBe(
      'https://www.googleapis.com/gmail/v1/users/me/messages?key=[redacted]&pageToken=[redacted]&maxResults=50&q=[redacted]#[redacted]',
    );
    expect(span.attributes['http.target']).toBe('/api/v1/orgs/o/audit?actor=[redacted]&limit=20');
    expect(span.attributes['url.query']).toBe('sig=[redacted]&$top=5&%24filter=[redacted]');
  });

  it('replaces the value of a person-named attribute by its pseudonym, whatever its shape', async () => {
    const span = await exported('lookup', {
      'user.email': 'Heidi Planted',
      'enduser.upn': ADDRESS,
      'ferry.mailbox': pseudonymizer.pseudonym(ADDRESS),
      'user.mail': pseudonymizer.pseudonym(ADDRESS),
    });
    expect(span.attributes).toEqual({
      'user.email': pseudonymizer.pseudonym('Heidi Planted'),
      'enduser.upn': pseudonymizer.pseudonym(ADDRESS),
      'ferry.mailbox': pseudonymizer.pseudonym(ADDRESS),
      'user.mail': pseudonymizer.pseudonym(ADDRESS),
    });
  });

  it("withholds a database error's text and the literals written into a statement", async () => {
    const span = await exported(
      'SELECT ferry',
      {
        'db.system': 'postgresql',
        'db.statement': `SELECT id FROM accounts WHERE login = 'it''s ${TOKEN}' AND n = 3 AND id = $1`,
        'db.query.text': `UPDATE t SET note = N'${ADDRESS}'`,
      },
      `invalid input syntax for type uuid: "${TOKEN}"`,
    );
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'database error' });
    expect(span.attributes['db.statement']).toBe(
      "SELECT id FROM accounts WHERE login = '?' AND n = 3 AND id = $1",
    );
    expect(span.attributes['db.query.text']).toBe("UPDATE t SET note = N'?'");
  });

  it('keeps the status message of other spans, scrubbed', async () => {
    const span = await exported('send', { 'messaging.system': 'nats' }, `refused for ${ADDRESS}`);
    expect(span.status.message).toBe(`refused for ${pseudonymizer.pseudonym(ADDRESS)}`);
  });
});

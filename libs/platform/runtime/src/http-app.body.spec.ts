import { type RunningTestApp, startTestApp } from './testing/test-app.fixture';

const LIMIT = 1024;

/** A JSON object serialised to exactly `bytes` bytes. */
function jsonOfSize(bytes: number): string {
  const frame = JSON.stringify({ pad: '' }).length;
  return JSON.stringify({ pad: 'x'.repeat(bytes - frame) });
}

async function post(
  running: RunningTestApp,
  path: string,
  body: string | ReadableStream<Uint8Array>,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST', body, headers };
  if (body instanceof ReadableStream) init.duplex = 'half';
  const response = await fetch(`${running.baseUrl}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('createHttpApp request bodies', () => {
  let running: RunningTestApp;

  beforeAll(async () => {
    running = await startTestApp({ bodyLimitBytes: LIMIT, textBodyTypes: ['text/xml'] });
  });

  afterAll(async () => {
    await running.app.close();
  });

  it('parses a JSON body', async () => {
    const answer = await post(running, '/echo', '{"name":"Ferry"}', JSON_HEADERS);
    expect(answer).toEqual({ status: 201, body: { received: { name: 'Ferry' } } });
  });

  it('parses application/*+json bodies as JSON', async () => {
    const answer = await post(running, '/echo', '{"op":"add"}', {
      'content-type': 'application/merge-patch+json',
    });
    expect(answer.body).toEqual({ received: { op: 'add' } });
  });

  it('answers malformed JSON with 400, the reason and its position, without echoing the body', async () => {
    const answer = await post(running, '/echo', '{"password": "hunter2",}', JSON_HEADERS);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Malformed JSON body: expected a double-quoted property name at position 23',
    });
  });

  it('answers a bare token with 400 without quoting it back', async () => {
    const answer = await post(running, '/echo', 'hunter2-token', JSON_HEADERS);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe(
      'Malformed JSON body: the top-level value must be an object or an array',
    );
    expect(JSON.stringify(answer.body)).not.toContain('hunter2');
  });

  it('answers a truncated JSON body with 400', async () => {
    const answer = await post(running, '/echo', '{"secret": "hunter2"', JSON_HEADERS);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/^Malformed JSON body: /);
    expect(JSON.stringify(answer.body)).not.toContain('hunter2');
  });

  it('accepts a body of exactly the limit', async () => {
    const body = jsonOfSize(LIMIT);
    expect(Buffer.byteLength(body)).toBe(LIMIT);
    const answer = await post(running, '/echo', body, JSON_HEADERS);
    expect(answer.status).toBe(201);
    expect((answer.body.received as { pad: string }).pad).toHaveLength(LIMIT - '{"pad":""}'.length);
  });

  it('answers a body one byte over the limit with 413 stating the limit', async () => {
    const answer = await post(running, '/echo', jsonOfSize(LIMIT + 1), JSON_HEADERS);
    expect(answer).toEqual({
      status: 413,
      body: {
        statusCode: 413,
        error: 'Payload Too Large',
        message: `Request body exceeds the limit of ${LIMIT} bytes`,
      },
    });
  });

  it('answers a chunked body that grows past the limit with 413', async () => {
    const chunk = new TextEncoder().encode(jsonOfSize(LIMIT));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(new TextEncoder().encode('     '));
        controller.close();
      },
    });
    const answer = await post(running, '/echo', stream, JSON_HEADERS);
    expect(answer.status).toBe(413);
  });

  it('applies the limit to form bodies', async () => {
    const answer = await post(running, '/echo', `a=${'x'.repeat(LIMIT)}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(answer.status).toBe(413);
  });

  it('answers a body of an unsupported content type with 415', async () => {
    const answer = await post(running, '/echo', 'name,email\nx,y', { 'content-type': 'text/csv' });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    expect(answer.body.message).toContain('application/json');
  });

  it('answers a JSON body in a charset other than UTF-8 with 415', async () => {
    const answer = await post(running, '/echo', '{"a":1}', {
      'content-type': 'application/json; charset=latin1',
    });
    expect(answer.status).toBe(415);
    expect(answer.body.message).toBe('Unsupported charset: request bodies must be UTF-8');
  });

  it('reads configured text media types as strings under the same limit', async () => {
    const fits = await post(running, '/text', '<a/>', { 'content-type': 'text/xml' });
    expect(fits).toEqual({ status: 201, body: { length: 4 } });
    const tooLarge = await post(running, '/text', `<a>${'x'.repeat(LIMIT)}</a>`, {
      'content-type': 'text/xml',
    });
    expect(tooLarge.status).toBe(413);
  });
});

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createOutboundAgent, DestinationPolicy } from '@ferry/platform/net';
import { ensureSandboxCa, type Sandbox, startTestSandbox } from '@ferry/sandbox';
import { ProviderError } from './provider-error';
import {
  createStreamingTransport,
  responseError,
  type StreamingTransportOptions,
} from './streaming-transport';

jest.setTimeout(60_000);

const MiB = 1024 * 1024;

/** A lazily generated body: `total` bytes in 64 KiB chunks, counting what was pulled from it. */
function generated(total: number): { stream: Readable; pulled: () => number; destroyed: () => boolean } {
  let pulled = 0;
  const stream = new Readable({
    read() {
      if (pulled >= total) {
        this.push(null);
        return;
      }
      const size = Math.min(64 * 1024, total - pulled);
      pulled += size;
      this.push(Buffer.alloc(size, pulled % 251));
    },
  });
  return { stream, pulled: () => pulled, destroyed: () => stream.destroyed };
}

async function expectProviderError(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

async function drain(body: Readable): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

describe('the streaming transport for large bodies', () => {
  let sandbox: Sandbox;
  let local: HttpsServer;
  let base = '';
  let silent: Server;
  let silentPort = 0;
  const sockets: Socket[] = [];
  /** What the local server did with the last upload. */
  let received = { size: 0, sha256: '' };
  let receivedSoFar = 0;
  /** The Content-Length the last upload declared (none when it was sent chunked). */
  let declaredLength: string | undefined;
  /** How much of the last '/big' answer the local server produced so far. */
  let bigPulled = () => 0;

  // The local peer's routes: each one a behaviour the transport must cope with.
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    // Reads the upload slowly (backpressure) and reports what it got.
    '/slow-sink': (req, res) => {
      declaredLength = req.headers['content-length'];
      const hash = createHash('sha256');
      receivedSoFar = 0;
      req.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        receivedSoFar += chunk.length;
        req.pause();
        setTimeout(() => req.resume(), 2);
      });
      req.on('end', () => {
        received = { size: receivedSoFar, sha256: hash.digest('hex') };
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    },
    // Sends 32 MiB.
    '/big': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const source = generated(32 * MiB);
      bigPulled = source.pulled;
      source.stream.pipe(res);
    },
    // Sends the head and a little of the body, then nothing.
    '/stall': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(Buffer.alloc(1024));
    },
    // Takes the request and never answers.
    '/never': () => undefined,
    // Answers at once, two bytes.
    '/small': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    },
    // Answers at once and sends its body over about 2.4 s, a little at a time.
    '/drip': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let sent = 0;
      const timer = setInterval(() => {
        res.write(Buffer.alloc(1024, sent));
        if (++sent === 16) {
          clearInterval(timer);
          res.end();
        }
      }, 150);
      res.on('close', () => clearInterval(timer));
    },
    // Refuses the upload at once, without reading it.
    '/refuse-early': (_req, res) => {
      res
        .writeHead(413, { 'content-type': 'application/json', connection: 'close' })
        .end('{"error":{"code":"RequestEntityTooLarge","message":"secret@example.com"}}');
    },
    '/throttled': (_req, res) => {
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' })
        .end(`{"error":{"code":"ApplicationThrottled","message":"${'x'.repeat(64 * 1024)}"}}`);
    },
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox({ scenario: { name: 'empty' } });
    const ca = await ensureSandboxCa(process.env['FERRY_SANDBOX_DIR'] ?? '');
    local = createHttpsServer({ cert: ca.serverCertPem, key: ca.serverKeyPem }, (req, res) => {
      const route = routes[new URL(req.url ?? '/', 'https://x').pathname];
      if (route) route(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${(local.address() as { port: number }).port}`;
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    local.closeAllConnections();
    await new Promise((r) => local.close(r));
    await new Promise((r) => silent.close(r));
    await sandbox.close();
  });

  const build = (allow: string[], options: Partial<StreamingTransportOptions> = {}) => {
    const policy = new DestinationPolicy({ allow });
    return createStreamingTransport({ policy, agent: createOutboundAgent(policy), ...options });
  };
  const signal = () => new AbortController().signal;

  it('streams an answer from an allow-listed host over verified TLS', async () => {
    const res = await build(['127.0.0.1'])({
      method: 'GET',
      url: `${sandbox.endpoints.inspect}/summary`,
      signal: signal(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    expect(JSON.parse(Buffer.concat(chunks).toString('utf8'))).toEqual(expect.any(Object));
  });

  it('refuses loopback without the allow-list, plain http and the metadata address', async () => {
    const refused = async (allow: string[], url: string) =>
      (await expectProviderError(build(allow)({ method: 'GET', url, signal: signal() }))).code;
    expect(await refused([], `${sandbox.endpoints.inspect}/summary`)).toBe('destination-refused');
    expect(await refused(['127.0.0.1'], `${base.replace('https:', 'http:')}/big`)).toBe(
      'destination-refused',
    );
    expect(await refused(['127.0.0.1'], 'https://169.254.169.254/latest/meta-data/')).toBe(
      'destination-refused',
    );
  });

  it('streams a 24 MiB upload to a slow reader without reading ahead of it', async () => {
    const total = 24 * MiB;
    const body = generated(total);
    const expected = createHash('sha256');
    const check = generated(total).stream;
    for await (const chunk of check) expected.update(chunk as Buffer);
    let maxAhead = 0;
    const sampler = setInterval(() => (maxAhead = Math.max(maxAhead, body.pulled() - receivedSoFar)), 5);
    try {
      const res = await build(['127.0.0.1'])({
        method: 'PUT',
        url: `${base}/slow-sink`,
        body: body.stream,
        bodyLength: total,
        signal: signal(),
      });
      expect(res.status).toBe(201);
      await drain(res.body);
    } finally {
      clearInterval(sampler);
    }
    expect(received).toEqual({ size: total, sha256: expected.digest('hex') });
    // Socket and stream buffers only: far below the body's size.
    expect(maxAhead).toBeLessThan(8 * MiB);
  });

  it('sends a body given as pieces, byte for byte, with their total as its length', async () => {
    const pieces = [Buffer.from('--b\r\n'), Buffer.alloc(0), Buffer.alloc(300_000, 7), Buffer.from('\r\n--b--\r\n')];
    const res = await build(['127.0.0.1'])({ method: 'POST', url: `${base}/slow-sink`, body: pieces, signal: signal() });
    expect(res.status).toBe(201);
    await drain(res.body);
    const whole = Buffer.concat(pieces);
    expect(received).toEqual({ size: whole.length, sha256: createHash('sha256').update(whole).digest('hex') });
    expect(declaredLength).toBe(String(whole.length));
  });

  it('streams a 32 MiB answer to a slow consumer, whose pauses are not idleness', async () => {
    const res = await build(['127.0.0.1'], { idleTimeoutMs: 200 })({
      method: 'GET',
      url: `${base}/big`,
      signal: signal(),
    });
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size < 2 * MiB) await sleep(50);
      if (size === (chunk as Buffer).length) await sleep(600);
    }
    expect(size).toBe(32 * MiB);
  });

  it('does not read an answer ahead of a consumer that stopped reading', async () => {
    const res = await build(['127.0.0.1'])({ method: 'GET', url: `${base}/big`, signal: signal() });
    const iterator = res.body[Symbol.asyncIterator]();
    let taken = ((await iterator.next()).value as Buffer).length;
    await sleep(500);
    // Socket and stream buffers only, while the consumer holds still: far below the answer's size.
    expect(bigPulled() - taken).toBeLessThan(8 * MiB);
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      taken += (next.value as Buffer).length;
    expect(taken).toBe(32 * MiB);
  });

  it('fails the body of an answer larger than its limit', async () => {
    const res = await build(['127.0.0.1'])({
      method: 'GET',
      url: `${base}/big`,
      signal: signal(),
      maxResponseBytes: MiB,
    });
    const err = await expectProviderError(drain(res.body));
    expect(err.code).toBe('provider-error');
    expect(err.message).toMatch(/more than 1048576 bytes/);
  });

  it('fails a body that stops arriving, after the idle timeout', async () => {
    const res = await build(['127.0.0.1'], { idleTimeoutMs: 300 })({
      method: 'GET',
      url: `${base}/stall`,
      signal: signal(),
    });
    const started = Date.now();
    const err = await expectProviderError(drain(res.body));
    expect(err.code).toBe('unreachable');
    expect(err.message).toBe(`${new URL(base).host} sent nothing for 300 ms`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects a request the peer never answers, after the idle timeout', async () => {
    const err = await expectProviderError(
      build(['127.0.0.1'], { idleTimeoutMs: 300 })({ method: 'GET', url: `${base}/never`, signal: signal() }),
    );
    expect(err.code).toBe('unreachable');
  });

  it('gives up on a peer that never completes the TLS handshake', async () => {
    const started = Date.now();
    const err = await expectProviderError(
      build(['127.0.0.1'], { connectTimeoutMs: 300 })({
        method: 'GET',
        url: `https://127.0.0.1:${silentPort}/`,
        signal: signal(),
      }),
    );
    expect(err.code).toBe('unreachable');
    expect(err.message).toBe(`127.0.0.1:${silentPort} did not connect within 300 ms`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('takes a kept-alive socket the agent hands over from its queue as connected, leaving no listener on it', async () => {
    const policy = new DestinationPolicy({ allow: ['127.0.0.1'] });
    const agent = createOutboundAgent(policy, { maxSockets: 1 });
    const transport = createStreamingTransport({ policy, agent, connectTimeoutMs: 1000 });
    try {
      // One socket: the first request opens it, the others wait in the agent's queue and are handed it
      // in turn (Node does not flag those `reusedSocket`). The last answer lasts past the connect deadline.
      const get = (path: string) =>
        transport({ method: 'GET', url: `${base}${path}`, signal: signal() }).then((res) => drain(res.body));
      const small = Array.from({ length: 4 }, () => get('/small'));
      const drip = get('/drip');
      expect((await Promise.all(small)).map((d) => d.size)).toEqual([2, 2, 2, 2]);
      expect((await drip).size).toBe(16 * 1024);
      const sockets = Object.values(agent.freeSockets).flat();
      expect(sockets).toHaveLength(1);
      expect(sockets[0]?.listenerCount('secureConnect')).toBe(0);
    } finally {
      agent.destroy();
    }
  });

  it('stops on abort, mid-answer, and stops reading the upload it was sending', async () => {
    const controller = new AbortController();
    const res = await build(['127.0.0.1'])({ method: 'GET', url: `${base}/big`, signal: controller.signal });
    const reading = drain(res.body);
    controller.abort();
    expect((await expectProviderError(reading)).message).toMatch(/aborted/);

    const upload = generated(64 * MiB);
    const uploadAbort = new AbortController();
    const pending = build(['127.0.0.1'])({
      method: 'PUT',
      url: `${base}/never`,
      body: upload.stream,
      bodyLength: 64 * MiB,
      signal: uploadAbort.signal,
    });
    await sleep(100);
    uploadAbort.abort();
    expect((await expectProviderError(pending)).code).toBe('unreachable');
    expect(upload.destroyed()).toBe(true);
    expect(upload.pulled()).toBeLessThan(64 * MiB);
  });

  it('refuses a body that does not match its declared length', async () => {
    const err = await expectProviderError(
      build(['127.0.0.1'])({
        method: 'PUT',
        url: `${base}/slow-sink`,
        body: generated(1000).stream,
        bodyLength: 2000,
        signal: signal(),
      }),
    );
    expect(err.code).toBe('invalid-input');
  });

  it('hands back an early refusal and maps it without quoting the peer', async () => {
    const upload = generated(64 * MiB);
    const res = await build(['127.0.0.1'])({
      method: 'PUT',
      url: `${base}/refuse-early?mailbox=secret@example.com`,
      body: upload.stream,
      bodyLength: 64 * MiB,
      signal: signal(),
    });
    expect(res.status).toBe(413);
    const err = await responseError(res, `${base}/refuse-early?mailbox=secret@example.com`);
    expect(err.code).toBe('provider-error');
    expect(err.details).toEqual({ status: 413, providerCode: 'RequestEntityTooLarge' });
    expect(err.message).toBe(`${new URL(base).host} answered 413 (RequestEntityTooLarge)`);
    expect(err.message).not.toContain('secret');
  });

  it('maps a 429 with Retry-After to throttled, reading only the start of a large error body', async () => {
    const res = await build(['127.0.0.1'])({ method: 'GET', url: `${base}/throttled`, signal: signal() });
    const err = await responseError(res, `${base}/throttled`);
    expect(err.code).toBe('throttled');
    expect(err.retryable).toBe(true);
    // The vendor code sits in the first bytes; the 64 KiB message was not read for it.
    expect(err.details).toEqual({ status: 429, retryAfterSeconds: 7 });
    expect(res.body.destroyed).toBe(true);
  });

  it("maps the sandbox's injected 503 with Retry-After to throttled and its 404 to the vendor code", async () => {
    const fault = await fetch(`${sandbox.endpoints.inspect}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        operation: 'inspect.summary',
        effect: { kind: 'status', status: 503, retryAfterS: 3 },
        times: 1,
      }),
    });
    expect(fault.status).toBeLessThan(300);
    const transport = build(['127.0.0.1']);
    const url = `${sandbox.endpoints.inspect}/summary`;
    const throttled = await responseError(await transport({ method: 'GET', url, signal: signal() }), url);
    expect(throttled.code).toBe('throttled');
    expect(throttled.details.retryAfterSeconds).toBe(3);

    const missing = `${sandbox.endpoints.graph}/users/nobody@contoso.example/messages`;
    const res = await transport({ method: 'GET', url: missing, signal: signal() });
    expect(res.status).toBe(401);
    const err = await responseError(res, missing);
    expect(err.code).toBe('invalid-credentials');
    expect(err.message).not.toContain('nobody');
  });
});

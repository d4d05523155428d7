import { getEventListeners } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { createOutboundAgent, DestinationPolicy } from '@ferry/platform/net';
import { type Sandbox, startTestSandbox } from '@ferry/sandbox';
import { createOutboundFetch } from './outbound-fetch';
import { ProviderError } from './provider-error';

jest.setTimeout(60_000);

describe('the outbound fetch every provider adapter uses', () => {
  let sandbox: Sandbox;
  let silent: Server;
  let silentPort = 0;
  const sockets: Socket[] = [];
  const summary = () => `${sandbox.endpoints.inspect}/summary`;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ scenario: { name: 'empty' } });
    // Accepts connections and never says a word: a peer that hangs in the TLS handshake.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => silent.close(r));
    await sandbox.close();
  });

  const build = (allow: string[], options: { timeoutMs?: number; maxResponseBytes?: number } = {}) => {
    const policy = new DestinationPolicy({ allow });
    return createOutboundFetch({ policy, agent: createOutboundAgent(policy), ...options });
  };
  const failure = async (p: Promise<unknown>): Promise<ProviderError> => {
    try {
      await p;
    } catch (err) {
      if (err instanceof ProviderError) return err;
      throw err;
    }
    throw new Error('expected a ProviderError');
  };

  it('reaches an allow-listed host over verified TLS and hands back a standard Response', async () => {
    const res = await build(['127.0.0.1'])(summary());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual(expect.any(Object));
  });

  it('leaves no listener on the caller\'s signal once an exchange is over', async () => {
    const shared = new AbortController().signal;
    const fetchOnce = build(['127.0.0.1']);
    for (let i = 0; i < 3; i++) expect((await fetchOnce(summary(), { signal: shared })).status).toBe(200);
    expect((await failure(build(['127.0.0.1'], { timeoutMs: 100 })(`https://127.0.0.1:${silentPort}/`, { signal: shared }))).code).toBe('unreachable');
    await new Promise((r) => setImmediate(r));
    expect(getEventListeners(shared, 'abort')).toHaveLength(0);
  });

  it('refuses loopback without the allow-list, before any connection', async () => {
    const summaries = async () =>
      ((await (await fetch(`${sandbox.endpoints.inspect}/stats`)).json()) as { operations: Record<string, { requests: number } | undefined> }).operations['inspect.summary']?.requests ?? 0;
    const before = await summaries();
    const err = await failure(build([])(summary()));
    expect(err.code).toBe('destination-refused');
    expect(err.message).toContain('loopback');
    expect(await summaries()).toBe(before);
  });

  it('refuses plain http and link-local metadata addresses', async () => {
    expect((await failure(build(['127.0.0.1'])(summary().replace('https:', 'http:')))).code).toBe('destination-refused');
    expect((await failure(build(['127.0.0.1'])('https://169.254.169.254/latest/meta-data/'))).code).toBe('destination-refused');
  });

  it('stops reading an answer larger than its limit', async () => {
    const err = await failure(build(['127.0.0.1'], { maxResponseBytes: 16 })(summary()));
    expect(err.code).toBe('provider-error');
    expect(err.message).toMatch(/more than 16 bytes/);
  });

  it('gives up on a peer that never answers, within its deadline', async () => {
    const started = Date.now();
    const err = await failure(build(['127.0.0.1'], { timeoutMs: 500 })(`https://127.0.0.1:${silentPort}/`));
    expect(err.code).toBe('unreachable');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('names the host and an error code for a refused connection, nothing else', async () => {
    // A port that was free a moment ago: nothing listens there now.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const err = await failure(build(['127.0.0.1'])(`https://127.0.0.1:${port}/path?secret=planted-value`));
    expect(err.code).toBe('unreachable');
    expect(err.message).toBe(`127.0.0.1:${port} could not be reached (ECONNREFUSED)`);
  });
});

import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { DestinationPolicy, type ResolveAll } from './destination-policy';
import { DestinationRefusedError } from './errors';
import { pinnedLookup } from './pinned-lookup';

/** Connects through `lookup` and reports whether the socket connected or the error it failed with. */
function tryConnect(
  port: number,
  lookup: ReturnType<typeof pinnedLookup>,
): Promise<{ connected: boolean; error?: Error }> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: 'sandbox.ferry.test', port, lookup });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ connected: true });
    });
    socket.once('error', (error) => resolve({ connected: false, error }));
  });
}

describe('pinnedLookup with a real socket', () => {
  let server: Server;
  let port: number;
  let accepted = 0;
  const toLoopback: ResolveAll = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);

  beforeAll(async () => {
    server = createServer((socket) => {
      accepted += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    accepted = 0;
  });

  it('refuses to connect to a name resolving to loopback', async () => {
    const outcome = await tryConnect(port, pinnedLookup(new DestinationPolicy(), { lookup: toLoopback }));

    expect(outcome.connected).toBe(false);
    expect(outcome.error).toBeInstanceOf(DestinationRefusedError);
    expect(outcome.error).toMatchObject({
      reason: 'loopback',
      host: 'sandbox.ferry.test',
      address: '127.0.0.1',
    });
    expect(accepted).toBe(0);
  });

  it('connects to loopback when the operator allow-lists 127.0.0.1', async () => {
    const policy = new DestinationPolicy({ allow: ['127.0.0.1'] });
    const outcome = await tryConnect(port, pinnedLookup(policy, { lookup: toLoopback }));

    expect(outcome).toEqual({ connected: true });
  });

  it('refuses at connect a name that was public when checked and loopback when connecting (rebinding)', async () => {
    let calls = 0;
    const rebinding: ResolveAll = () => {
      calls += 1;
      return Promise.resolve([{ address: calls === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }]);
    };
    const policy = new DestinationPolicy();
    await expect(
      policy.resolveDestination('sandbox.ferry.test', { lookup: rebinding }),
    ).resolves.toBeDefined();

    const outcome = await tryConnect(port, pinnedLookup(policy, { lookup: rebinding }));

    expect(outcome.error).toMatchObject({ reason: 'loopback' });
    expect(accepted).toBe(0);
  });
});

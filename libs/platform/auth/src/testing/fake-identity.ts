// Serves identity's JWKS RPC over real NATS with a key set the test changes, counting requests.
import { Rpc } from '@ferry/contracts';
import { MessagingClient } from '@ferry/platform/messaging';
import { natsTestNamespace, TEST_NATS_URL } from '@ferry/platform/testing';
import type { JWK } from 'jose';

export interface FakeIdentity {
  readonly prefix: string;
  /** The JWKS members served from now on. */
  keys: JWK[];
  /** JWKS requests answered so far. */
  readonly requests: () => number;
  /** A client of the same installation (prefix), for the side under test. */
  client(service?: string): MessagingClient;
  /** Stops answering (the identity service goes away). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeIdentity(keys: JWK[]): Promise<FakeIdentity> {
  const ns = natsTestNamespace('auth');
  const clients: MessagingClient[] = [];
  const make = (service: string) => {
    const c = new MessagingClient({
      servers: [TEST_NATS_URL],
      service,
      region: 'test',
      prefix: ns.prefix,
      maxConnectBackoffMs: 500,
      requestTimeoutMs: 1000,
      drainTimeoutMs: 2000,
    });
    clients.push(c);
    return c;
  };
  const identity = make('identity');
  let requests = 0;
  const fake: FakeIdentity = {
    prefix: ns.prefix,
    keys,
    requests: () => requests,
    client: (service = 'gateway') => make(service),
    stop: () => identity.close(),
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await ns.cleanup();
    },
  };
  await identity.serve(Rpc.identity.jwks, async () => {
    requests += 1;
    return { jwksJson: JSON.stringify({ keys: fake.keys }) };
  });
  return fake;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

import { fromBinary } from '@bufbuild/protobuf';
import { ConnectorKind, ConnectorSchema, Rpc, RpcErrorCode, RpcErrorSchema } from '@ferry/contracts';
import { natsTestNamespace, TEST_NATS_URL } from '@ferry/platform/testing';
import { connect } from 'nats';
import { RpcException, RpcFailure } from './errors';
import type { MessagingClient } from './messaging.client';
import { client } from './testing/fixtures';

describe('request/reply RPC', () => {
  const ns = natsTestNamespace('rpc');
  const clients: MessagingClient[] = [];
  const make = (service = 'connectors') => {
    const c = client(TEST_NATS_URL, ns.prefix, service);
    clients.push(c);
    return c;
  };

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await ns.cleanup();
  });

  it('handles each request exactly once across two replicas in the default queue group', async () => {
    const handledBy: string[] = [];
    for (const replica of ['a', 'b']) {
      await make().serve(Rpc.connectors.list, async (req) => {
        handledBy.push(replica);
        return { connectors: [{ id: '1', orgId: req.orgId, name: replica, kind: ConnectorKind.IMAP }] };
      });
    }
    const caller = make('gateway');
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) => caller.request(Rpc.connectors.list, { orgId: `org-${i}` })),
    );
    expect(handledBy).toHaveLength(60);
    expect(replies.map((r) => r.connectors[0]?.orgId)).toEqual(Array.from({ length: 60 }, (_, i) => `org-${i}`));
    // Both replicas took part (queue groups spread load randomly; 60 requests all landing on one is ~1e-18).
    expect(new Set(handledBy)).toEqual(new Set(['a', 'b']));
  });

  it('carries a handler RpcException to the caller with its code and violations', async () => {
    await make('audit').serve(Rpc.audit.query, async () => {
      throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'limit out of range', [{ field: 'limit', reason: 'max 500' }]);
    });
    const failure = await make('gateway').request(Rpc.audit.query, { orgId: 'o', limit: 9999 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RpcFailure);
    expect(failure).toMatchObject({ code: RpcErrorCode.INVALID_ARGUMENT, message: 'limit out of range', violations: [{ field: 'limit', reason: 'max 500' }] });
  });

  it('hides an unexpected handler error behind a generic internal error', async () => {
    await make('connectors').serve(Rpc.connectors.create, async () => {
      throw new Error('db password=hunter2 rejected');
    });
    const failure = (await make('gateway')
      .request(Rpc.connectors.create, { orgId: 'o', name: 'n', secret: 's' })
      .catch((e: unknown) => e)) as RpcFailure;
    expect(failure.code).toBe(RpcErrorCode.INTERNAL);
    expect(failure.message).toBe('internal error');
    expect(JSON.stringify(failure)).not.toContain('hunter2');
  });

  it('answers a request that does not decode with INVALID_ARGUMENT', async () => {
    // connectors.list is served by the replicas of the first test.
    const nc = await connect({ servers: TEST_NATS_URL });
    try {
      const reply = await nc.request(`${ns.prefix}.${Rpc.connectors.list.subject}`, new Uint8Array([0xff, 0xff, 0xff]), { timeout: 3000 });
      expect(reply.headers?.get('Ferry-Status')).toBe('error');
      const err = fromBinary(RpcErrorSchema, reply.data);
      expect(err.code).toBe(RpcErrorCode.INVALID_ARGUMENT);
      expect(err.message).toContain('ferry.connectors.v1.ListConnectorsRequest');
    } finally {
      await nc.close();
    }
  });

  it('fails fast with UNAVAILABLE when nobody serves the subject', async () => {
    const lonely = client(TEST_NATS_URL, `${ns.prefix}x`, 'gateway');
    clients.push(lonely);
    const failure = (await lonely.request(Rpc.audit.query, { orgId: 'o' }, { timeoutMs: 2000 }).catch((e: unknown) => e)) as RpcFailure;
    expect(failure).toBeInstanceOf(RpcFailure);
    expect(failure.code).toBe(RpcErrorCode.UNAVAILABLE);
    expect(ConnectorSchema.typeName).toBe('ferry.connectors.v1.Connector');
  });
});

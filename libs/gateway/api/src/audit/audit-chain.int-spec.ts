import { ChainViolationKind, type GetAuditRetentionRequest, Rpc, RpcErrorCode, type SetAuditRetentionRequest, type VerifyAuditChainRequest, WitnessState } from '@ferry/contracts';
import { type MessagingClient, RpcException } from '@ferry/platform/messaging';
import { natsTestNamespace, TEST_NATS_URL } from '@ferry/platform/testing';
import { type AuditGateway, startAuditGateway } from './audit-gateway.fixture';

const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';

describe('the gateway’s audit chain routes', () => {
  const ns = natsTestNamespace('gwaudit');
  let gateway: AuditGateway;
  let base: string;
  const verifyRequests: VerifyAuditChainRequest[] = [];
  const retentionRequests: (GetAuditRetentionRequest | SetAuditRetentionRequest)[] = [];

  // A stand-in audit service: a tampered chain beyond sequence 5, and a retention it echoes.
  const serveAudit = async (audit: MessagingClient) => {
    await audit.serve(Rpc.audit.verify, async (req) => {
      verifyRequests.push(req);
      if (req.toSequence === 3n) return { ok: true, records: 3n, checkpoints: 0n, durationMs: 4, fromSequence: 1n, lastSequence: 3n, headSequence: 9n, witness: WitnessState.CONSULTED };
      return {
        ok: false,
        violation: { sequence: 6n, kind: ChainViolationKind.OUT_OF_ORDER, reason: 'its previous hash is not the hash of record 5' },
        records: 5n,
        checkpoints: 1n,
        durationMs: 7,
        fromSequence: 1n,
        lastSequence: 5n,
        headSequence: 9n,
        witness: WitnessState.NOT_CONFIGURED,
      };
    });
    await audit.serve(Rpc.audit.getRetention, async (req) => {
      retentionRequests.push(req);
      return { days: 365, configured: false };
    });
    await audit.serve(Rpc.audit.setRetention, async (req) => {
      retentionRequests.push(req);
      if (req.days === 7) throw new RpcException(RpcErrorCode.UNAVAILABLE, 'the audit stream did not take the change');
      return { days: req.days, configured: true };
    });
  };

  beforeAll(async () => {
    gateway = await startAuditGateway({ name: 'gwaudit', natsUrl: TEST_NATS_URL, prefix: ns.prefix, org: ORG, serveAudit });
    base = `${gateway.base}/${ORG}/audit`;
  });
  afterAll(async () => {
    await gateway.close();
    await ns.cleanup();
  });

  const sign = (claims: { roles: string[] }) => gateway.sign(claims);
  const get = async (path: string, roles = ['auditor']) => fetch(`${base}/${path}`, { headers: { authorization: `Bearer ${await sign({ roles })}` } });

  it('reports the first violation of the chain to an auditor, sequences as strings and kinds as words', async () => {
    const res = await get('verification');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: false,
      violation: { sequence: '6', kind: 'out-of-order', reason: 'its previous hash is not the hash of record 5' },
      records: 5,
      checkpoints: 1,
      durationMs: 7,
      fromSequence: '1',
      lastSequence: '5',
      headSequence: '9',
      witness: 'not-configured',
    });
    expect(verifyRequests.at(-1)).toMatchObject({ orgId: ORG, fromSequence: 0n, toSequence: 0n });
    expect(verifyRequests.at(-1)?.caller?.accessToken).toBeTruthy();
  });

  it('passes a range on, and refuses a malformed one with 400', async () => {
    const res = await get('verification?from=2&to=3');
    expect(await res.json()).toMatchObject({ ok: true, violation: null, witness: 'consulted' });
    expect(verifyRequests.at(-1)).toMatchObject({ fromSequence: 2n, toSequence: 3n });
    const count = verifyRequests.length;
    for (const bad of ['from=0', 'to=-1', 'from=abc', `to=${'9'.repeat(20)}`, 'from=1&from=2']) expect((await get(`verification?${bad}`)).status).toBe(400);
    expect(verifyRequests).toHaveLength(count);
  });

  it('refuses verification to a role without audit.read', async () => {
    expect((await get('verification', ['viewer'])).status).toBe(403);
    expect((await get('verification', ['migration-operator'])).status).toBe(403);
  });

  it('lets an auditor read the retention but only an org-admin change it; a change the audit stream refuses fails', async () => {
    expect(await (await get('retention')).json()).toEqual({ days: 365, configured: false });
    const put = async (body: unknown, roles: string[]) =>
      fetch(`${base}/retention`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${await sign({ roles })}` }, body: JSON.stringify(body) });
    expect((await put({ days: 90 }, ['auditor'])).status).toBe(403);
    const ok = await put({ days: 90 }, ['org-admin']);
    expect([ok.status, await ok.json()]).toEqual([200, { days: 90, configured: true }]);
    expect(retentionRequests.at(-1)).toMatchObject({ orgId: ORG, days: 90 });
    for (const bad of [{ days: 0 }, { days: 3651 }, { days: 1.5 }, { days: '90' }, { days: 90, extra: 1 }]) expect((await put(bad, ['org-admin'])).status).toBe(400);
    expect((await put({ days: 7 }, ['org-admin'])).status).toBe(503);
  });
});

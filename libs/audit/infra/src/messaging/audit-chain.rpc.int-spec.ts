import { auditEventFixture, AuditRetentionUseCase, AuditTrailUnavailableError, EphemeralChainSigner } from '@ferry/audit/application';
import { ChainViolationKind, Rpc, RpcErrorCode, WitnessState } from '@ferry/contracts';
import { MessagingClient, type RpcFailure } from '@ferry/platform/messaging';
import type { AccessClaims } from '@ferry/platform/rbac';
import { createTestDatabase, natsTestNamespace, TEST_NATS_URL, type TestDatabase } from '@ferry/platform/testing';
import { type AuditChainHarness, startAuditChainHarness, until } from '../testing/audit-chain.fixture';
import { namedTokenVerifier, roleClaims } from '../testing/role-tokens.fixture';
import { AuditRetentionHandler } from './audit-retention.handler';
import { AuditVerifyHandler } from './audit-verify.handler';

const ORG = '7a7f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const OTHER = '8b7f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';

const claims = (roles: AccessClaims['roles'], orgId = ORG) => roleClaims(roles, orgId);
/** Tokens are role names here. */
const TOKENS: Record<string, AccessClaims> = { auditor: claims(['auditor']), admin: claims(['org-admin']), viewer: claims(['viewer']), stranger: claims(['auditor'], OTHER) };
const verifier = namedTokenVerifier(TOKENS);

describe('the audit service’s verification and retention RPCs', () => {
  const ns = natsTestNamespace('auditrpc');
  let database: TestDatabase;
  let h: AuditChainHarness;
  let caller: MessagingClient;

  beforeAll(async () => {
    database = await createTestDatabase('audit_rpc');
    h = await startAuditChainHarness({ databaseUrl: database.url, natsUrl: TEST_NATS_URL, prefix: ns.prefix, signer: new EphemeralChainSigner(), chain: { checkpointEvery: 4 } });
    const retention = new AuditRetentionUseCase(h.retention, h.trail, h.settings);
    new AuditVerifyHandler(h.messaging, h.verify, verifier, { maxConcurrentVerifications: 2 }).onApplicationBootstrap();
    new AuditRetentionHandler(h.messaging, retention, verifier).onApplicationBootstrap();
    await h.consumer.start();
    for (let i = 1; i <= 10; i += 1) await h.batcher.submit(auditEventFixture(i, ORG));
    caller = new MessagingClient({ servers: [TEST_NATS_URL], service: 'gateway', region: 'test', prefix: ns.prefix });
  });
  afterAll(async () => {
    await caller.close();
    await h.dropWitness();
    await h.close();
    await database.drop();
    await ns.cleanup();
  });

  const verify = (token: string, range: { fromSequence?: bigint; toSequence?: bigint } = {}) => caller.request(Rpc.audit.verify, { orgId: ORG, ...range, caller: { accessToken: token } }, { timeoutMs: 15_000 });
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: RpcFailure) => e.code);

  it('verifies for an auditor, and reports tampering as the first violation', async () => {
    expect(await verify('auditor')).toMatchObject({ ok: true, records: 10n, checkpoints: 2n, lastSequence: 10n, headSequence: 10n, witness: WitnessState.CONSULTED });
    await h.db.query("UPDATE audit.events SET action = 'connector.deleted' WHERE org_id = $1 AND sequence = 6", [ORG]);
    const tampered = await verify('auditor');
    expect(tampered).toMatchObject({ ok: false, violation: { sequence: 6n, kind: ChainViolationKind.ALTERED, reason: 'its action column disagrees with its payload' }, lastSequence: 5n });
    expect(await verify('auditor', { fromSequence: 1n, toSequence: 5n })).toMatchObject({ ok: true, lastSequence: 5n });
    await h.db.query("UPDATE audit.events SET action = 'connector.created' WHERE org_id = $1 AND sequence = 6", [ORG]);
  });

  it('refuses a caller without audit.read, another organisation’s caller, and a bad range', async () => {
    expect(await failure(verify('viewer'))).toBe(RpcErrorCode.PERMISSION_DENIED);
    expect(await failure(verify('stranger'))).toBe(RpcErrorCode.NOT_FOUND);
    expect(await failure(verify('auditor', { fromSequence: 5n, toSequence: 4n }))).toBe(RpcErrorCode.INVALID_ARGUMENT);
  });

  it('lets an org-admin change the retention, which is audited in the chain itself; an auditor may only read it', async () => {
    expect(await caller.request(Rpc.audit.getRetention, { orgId: ORG, caller: { accessToken: 'auditor' } })).toMatchObject({ days: 365, configured: false });
    expect(await failure(caller.request(Rpc.audit.setRetention, { orgId: ORG, days: 30, caller: { accessToken: 'auditor' } }))).toBe(RpcErrorCode.PERMISSION_DENIED);
    expect(await caller.request(Rpc.audit.setRetention, { orgId: ORG, days: 30, caller: { accessToken: 'admin', sourceAddress: '203.0.113.9' } })).toMatchObject({ days: 30, configured: true });
    expect(await h.retention.days(ORG)).toBe(30);
    await until(async () => (await h.store.page(ORG, 1, undefined))[0]?.summary.action === 'audit.retention.updated');
    expect(await verify('auditor')).toMatchObject({ ok: true, records: 11n });
  });

  it('does not change the retention when the audit event cannot be published', async () => {
    const refusing = new AuditRetentionUseCase(h.retention, { record: async () => Promise.reject(new Error('stream unavailable')) }, h.settings);
    await expect(refusing.set(ORG, 90, { accountId: 'a', sourceAddress: '', userAgent: '' })).rejects.toThrow(AuditTrailUnavailableError);
    expect(await h.retention.days(ORG)).toBe(30);
  });
});

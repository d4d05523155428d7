import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { auditEventFixture, EphemeralChainSigner, ListSessionEventsUseCase, QueryAuditEventsUseCase } from '@ferry/audit/application';
import { ActorKind, Outcome, type QueryAuditEventsResponse, Rpc, RpcErrorCode } from '@ferry/contracts';
import { MessagingClient, type RpcFailure } from '@ferry/platform/messaging';
import type { AccessClaims } from '@ferry/platform/rbac';
import { createTestDatabase, natsTestNamespace, TEST_NATS_URL, type TestDatabase } from '@ferry/platform/testing';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { AuditEventFilterSchema } from '@ferry/contracts';
import { type AuditChainHarness, startAuditChainHarness, until } from '../testing/audit-chain.fixture';
import { namedTokenVerifier, roleClaims } from '../testing/role-tokens.fixture';
import { AuditQueryHandler } from './audit-query.handler';

const ORG = '9a7f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const OTHER = 'ab7f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';

const claims = (roles: AccessClaims['roles'], orgId = ORG) => roleClaims(roles, orgId);
/** Tokens are role names here. */
const TOKENS: Record<string, AccessClaims> = {
  auditor: claims(['auditor']),
  admin: claims(['org-admin']),
  viewer: claims(['viewer']),
  operator: claims(['migration-operator']),
  stranger: claims(['auditor'], OTHER),
};
const verifier = namedTokenVerifier(TOKENS);

/** The trail of ORG: what each record is, by sequence (1-based). */
const TRAIL = [
  { action: 'auth.signin.succeeded', actor: 'acc-1', target: ['session', 'sess-a'], outcome: Outcome.SUCCESS, session: 'sess-a' },
  { action: 'api.call', actor: 'acc-1', target: ['route', '/api/v1/orgs/:org/connectors'], outcome: Outcome.SUCCESS, session: 'sess-a' },
  { action: 'connector.created', actor: 'acc-1', target: ['connector', 'c-1'], outcome: Outcome.SUCCESS, session: 'sess-a' },
  { action: 'authz.permission.denied', actor: 'acc-2', target: ['route', '/api/v1/orgs/:org/audit'], outcome: Outcome.DENIED, session: 'sess-b' },
  { action: 'auth.signin.failed', actor: '', target: ['login', 'p-77'], outcome: Outcome.FAILURE, session: '' },
  { action: 'connector.secret.rotated', actor: 'acc-1', target: ['connector', 'c-1'], outcome: Outcome.SUCCESS, session: 'sess-a' },
  { action: 'migration.pass.started', actor: 'migration', target: ['pass', 'p-1'], outcome: Outcome.SUCCESS, session: '' },
  { action: 'connector.created', actor: 'acc-2', target: ['connector', 'c-2'], outcome: Outcome.FAILURE, session: 'sess-b' },
  { action: 'a_c.x', actor: 'acc-2', target: ['thing', 't'], outcome: Outcome.SUCCESS, session: '' },
  { action: 'abc.x', actor: 'acc-2', target: ['thing', 't'], outcome: Outcome.SUCCESS, session: '' },
  { action: 'auth.signout.succeeded', actor: 'acc-1', target: ['session', 'sess-a'], outcome: Outcome.SUCCESS, session: 'sess-a' },
  { action: 'auth.mfa.enrolled', actor: 'acc-3', target: ['thing', 't'], outcome: Outcome.SUCCESS, session: '' },
] as const;
/** Record n occurred at 2026-01-01T00:00:00Z + n seconds. */
const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000);

type Filter = Omit<MessageInitShape<typeof AuditEventFilterSchema>, '$typeName'>;

describe('the audit service’s query and session RPCs on PostgreSQL', () => {
  const ns = natsTestNamespace('auditquery');
  let database: TestDatabase;
  let h: AuditChainHarness;
  let caller: MessagingClient;

  beforeAll(async () => {
    database = await createTestDatabase('audit_query');
    h = await startAuditChainHarness({ databaseUrl: database.url, natsUrl: TEST_NATS_URL, prefix: ns.prefix, signer: new EphemeralChainSigner() });
    new AuditQueryHandler(h.messaging, new QueryAuditEventsUseCase(h.store), new ListSessionEventsUseCase(h.store), verifier).onApplicationBootstrap();
    await h.store.appendBatch(
      TRAIL.map((t, i) =>
        auditEventFixture(i + 1, ORG, {
          action: t.action,
          actor: t.actor ? { kind: t.actor === 'migration' ? ActorKind.SERVICE : ActorKind.ACCOUNT, id: t.actor } : { kind: ActorKind.ANONYMOUS, id: '' },
          target: { type: t.target[0], id: t.target[1] },
          outcome: t.outcome,
          sessionId: t.session,
        }),
      ),
    );
    // Another organisation with records every filter below would match.
    await h.store.appendBatch(TRAIL.map((t, i) => auditEventFixture(100 + i, OTHER, { action: t.action, actor: { kind: ActorKind.ACCOUNT, id: 'acc-1' }, target: { type: t.target[0], id: t.target[1] }, sessionId: 'sess-a' })));
    caller = new MessagingClient({ servers: [TEST_NATS_URL], service: 'gateway', region: 'test', prefix: ns.prefix });
    // The handler subscribes in the background (as on application bootstrap).
    await until(() => caller.request(Rpc.audit.query, { orgId: ORG, caller: { accessToken: 'auditor' } }).then(() => true, () => false));
  });
  afterAll(async () => {
    await caller.close();
    await h.dropWitness();
    await h.close();
    await database.drop();
    await ns.cleanup();
  });

  const query = (filter: Filter, more: { limit?: number; cursor?: string; countLimit?: number; token?: string } = {}) =>
    caller.request(Rpc.audit.query, { orgId: ORG, filter, limit: more.limit ?? 0, cursor: more.cursor ?? '', countLimit: more.countLimit ?? 0, caller: { accessToken: more.token ?? 'auditor' } });
  const sequences = (r: QueryAuditEventsResponse) => r.events.map((e) => Number(e.sequence));
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: RpcFailure) => ({ code: e.code, fields: e.violations.map((v) => v.field) }));

  /** Every page of a filtered query, `limit` at a time. */
  async function walk(filter: Filter, limit: number): Promise<number[]> {
    const seen: number[] = [];
    let cursor = '';
    do {
      const page = await query(filter, { limit, cursor });
      seen.push(...sequences(page));
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  }

  it.each<[string, Filter, number[]]>([
    ['no filter', {}, [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]],
    ['a time range, from inclusive and to exclusive', { from: timestampFromDate(at(3)), to: timestampFromDate(at(6)) }, [5, 4, 3]],
    ['from alone', { from: timestampFromDate(at(10)) }, [12, 11, 10]],
    ['to alone', { to: timestampFromDate(at(3)) }, [2, 1]],
    ['an actor', { actorId: 'acc-2' }, [10, 9, 8, 4]],
    ['a service actor', { actorId: 'migration' }, [7]],
    ['an action prefix on dotted boundaries (not authz)', { action: 'auth' }, [12, 11, 5, 1]],
    ['a longer action prefix', { action: 'auth.signin' }, [5, 1]],
    ['an exact action', { action: 'connector.created' }, [8, 3]],
    ['an action prefix with an underscore, which is no wildcard', { action: 'a_c' }, [9]],
    ['a target type', { targetType: 'connector' }, [8, 6, 3]],
    ['a target type and id', { targetType: 'connector', targetId: 'c-1' }, [6, 3]],
    ['a target id holding slashes and colons', { targetType: 'route', targetId: '/api/v1/orgs/:org/audit' }, [4]],
    ['an outcome', { outcome: Outcome.DENIED }, [4]],
    ['every filter at once', { actorId: 'acc-1', action: 'connector', targetType: 'connector', targetId: 'c-1', outcome: Outcome.SUCCESS, from: timestampFromDate(at(4)) }, [6]],
    ['an id that looks like SQL', { actorId: "'OR'1'='1" }, []],
  ])('filters by %s, within the organisation', async (_, filter, expected) => {
    const page = await query(filter, { limit: 500 });
    expect(sequences(page)).toEqual(expected);
    expect(page.events.every((e) => e.event?.orgId === ORG)).toBe(true);
  });

  it('pages a filtered query newest first without gaps or repeats, while records are appended', async () => {
    const filter: Filter = { actorId: 'acc-1' };
    const first = await query(filter, { limit: 2 });
    expect(sequences(first)).toEqual([11, 6]);
    // Appended after the first page: newer than it, so never on a later page.
    await h.store.appendBatch([auditEventFixture(50, ORG, { actor: { kind: ActorKind.ACCOUNT, id: 'acc-9' } })]);
    const rest: number[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await query(filter, { limit: 2, cursor });
      rest.push(...sequences(page));
      cursor = page.nextCursor;
    }
    expect(rest).toEqual([3, 2, 1]);
    expect(await walk({ action: 'auth' }, 1)).toEqual([12, 11, 5, 1]);
    expect(await walk({ outcome: Outcome.SUCCESS }, 3)).toEqual([13, 12, 11, 10, 9, 7, 6, 3, 2, 1]);
  });

  it('refuses a cursor with other filters or in another organisation', async () => {
    const { nextCursor } = await query({ actorId: 'acc-1' }, { limit: 1 });
    expect(await failure(query({ actorId: 'acc-2' }, { limit: 1, cursor: nextCursor }))).toEqual({ code: RpcErrorCode.INVALID_ARGUMENT, fields: ['cursor'] });
    expect(await failure(query({}, { limit: 1, cursor: nextCursor }))).toEqual({ code: RpcErrorCode.INVALID_ARGUMENT, fields: ['cursor'] });
    const session = await caller.request(Rpc.audit.sessionEvents, { orgId: ORG, sessionId: 'sess-a', limit: 1, caller: { accessToken: 'auditor' } });
    expect(await failure(query({ actorId: 'acc-1' }, { limit: 1, cursor: session.nextCursor }))).toMatchObject({ fields: ['cursor'] });
  });

  it('counts the matching records up to the limit asked', async () => {
    expect((await query({ action: 'connector' }, { limit: 1, countLimit: 100 })).matched).toBe(4n);
    expect((await query({}, { limit: 1, countLimit: 5 })).matched).toBe(5n);
    expect(await failure(query({}, { countLimit: 1_000_002 }))).toEqual({ code: RpcErrorCode.INVALID_ARGUMENT, fields: ['count_limit'] });
  });

  it.each<[string, Filter, string[]]>([
    ['to before from', { from: timestampFromDate(at(5)), to: timestampFromDate(at(4)) }, ['to']],
    ['a time before 1970', { from: { seconds: -10n, nanos: 0 } }, ['from']],
    ['a time past 9999', { to: { seconds: 253_402_300_800n, nanos: 0 } }, ['to']],
    ['an actor with a space', { actorId: 'acc 1' }, ['actor']],
    ['an actor too long', { actorId: 'a'.repeat(257) }, ['actor']],
    ['an action with a wildcard', { action: 'auth%' }, ['action']],
    ['an action in capitals', { action: 'Auth' }, ['action']],
    ['a target id without its type', { targetId: 'c-1' }, ['target']],
    ['a target type too long', { targetType: 't'.repeat(65) }, ['target']],
    ['an unknown outcome', { outcome: 9 as Outcome }, ['outcome']],
    ['several bad fields', { actorId: 'a b', action: 'A' }, ['actor', 'action']],
  ])('refuses %s, naming the field', async (_, filter, fields) => {
    expect(await failure(query(filter))).toEqual({ code: RpcErrorCode.INVALID_ARGUMENT, fields });
  });

  it('refuses a page larger than 500', async () => {
    expect(await failure(query({}, { limit: 501 }))).toEqual({ code: RpcErrorCode.INVALID_ARGUMENT, fields: ['limit'] });
  });

  it('reads a session’s log oldest first, a page at a time; an unknown or another organisation’s session is empty', async () => {
    const page = (sessionId: string, cursor = '', limit = 2) => caller.request(Rpc.audit.sessionEvents, { orgId: ORG, sessionId, limit, cursor, caller: { accessToken: 'auditor' } });
    const seen: number[] = [];
    let cursor = '';
    do {
      const p = await page('sess-a', cursor);
      seen.push(...p.events.map((e) => Number(e.sequence)));
      expect(p.events.every((e) => e.event?.sessionId === 'sess-a' && e.event.orgId === ORG)).toBe(true);
      cursor = p.nextCursor;
    } while (cursor);
    expect(seen).toEqual([1, 2, 3, 6, 11]);
    expect(await page('sess-unknown')).toMatchObject({ events: [], nextCursor: '' });
    expect(await failure(page('sess-b', (await page('sess-a')).nextCursor))).toMatchObject({ fields: ['cursor'] });
    expect(await failure(page(''))).toEqual({ code: RpcErrorCode.INVALID_ARGUMENT, fields: ['session'] });
    expect(await failure(page('s'.repeat(129)))).toEqual({ code: RpcErrorCode.INVALID_ARGUMENT, fields: ['session'] });
    expect(await failure(page('sess-a', '', 501))).toEqual({ code: RpcErrorCode.INVALID_ARGUMENT, fields: ['limit'] });
  });

  it('answers only auditor and org-admin of the organisation, checking the token itself', async () => {
    const session = (token: string) => caller.request(Rpc.audit.sessionEvents, { orgId: ORG, sessionId: 'sess-a', caller: { accessToken: token } });
    expect(sequences(await query({}, { token: 'admin', limit: 1 }))).toEqual([13]);
    for (const [token, code] of [
      ['viewer', RpcErrorCode.PERMISSION_DENIED],
      ['operator', RpcErrorCode.PERMISSION_DENIED],
      ['stranger', RpcErrorCode.NOT_FOUND],
      ['', RpcErrorCode.UNAUTHENTICATED],
    ] as const) {
      expect({ token, query: (await failure(query({}, { token })))?.code, session: (await failure(session(token)))?.code }).toEqual({ token, query: code, session: code });
    }
  });

  it('keeps a page of large records under the bus’s message limit, and pages on after it', async () => {
    const org = 'bc7f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
    TOKENS['big'] = claims(['auditor'], org);
    await h.store.appendBatch(Array.from({ length: 6 }, (_, i) => auditEventFixture(200 + i, org, { detail: { blob: 'x'.repeat(300 * 1024) } })));
    const big = (cursor: string) => caller.request(Rpc.audit.query, { orgId: org, limit: 500, cursor, caller: { accessToken: 'big' } }, { timeoutMs: 10_000 });
    const seen: number[] = [];
    let cursor = '';
    do {
      const page = await big(cursor);
      expect(page.events.length).toBeGreaterThan(0);
      seen.push(...sequences(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1]);
  });
});

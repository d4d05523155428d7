import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ConnectorKind,
  DeletionPolicy,
  MailSystem,
  PassKind,
  PassStatus,
  Rpc,
  RpcErrorCode,
} from '@ferry/contracts';
import { StartDuePassesUseCase } from '@ferry/migration/application';
import { auditEventText } from '@ferry/platform/testing';
import {
  type ControlPlaneUnderTest,
  ORG,
  OTHER_ORG,
  rpcFailure,
  startControlPlane,
} from './migration-control.fixture';

jest.setTimeout(120_000);

const GOOGLE = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const MICROSOFT = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const IMAP = '3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f';
const GOOGLE_2 = '4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f8a';
const OTHER_GOOGLE = '5e6f7a8b-9c0d-4e1f-8a3b-4c5d6e7f8a9b';
const OTHER_MICROSOFT = '6f7a8b9c-0d1e-4f2a-9b4c-5d6e7f8a9b0c';
const CSV =
  'source_address,target_address\r\nann@source.example,ann@target.example\r\nbob@source.example,bob@target.example\r\n';

describe('migration control over NATS', () => {
  let cp: ControlPlaneUnderTest;
  let operator: string;

  beforeAll(async () => {
    cp = await startControlPlane('migctl');
    cp.connectors.push(
      { id: GOOGLE, orgId: ORG, kind: ConnectorKind.GOOGLE_WORKSPACE },
      { id: GOOGLE_2, orgId: ORG, kind: ConnectorKind.GOOGLE_WORKSPACE },
      { id: MICROSOFT, orgId: ORG, kind: ConnectorKind.MICROSOFT_365 },
      { id: IMAP, orgId: ORG, kind: ConnectorKind.IMAP },
      { id: OTHER_GOOGLE, orgId: OTHER_ORG, kind: ConnectorKind.GOOGLE_WORKSPACE },
      { id: OTHER_MICROSOFT, orgId: OTHER_ORG, kind: ConnectorKind.MICROSOFT_365 },
    );
    operator = await cp.accessToken();
  });
  afterAll(async () => {
    await cp?.close();
  });

  const caller = (accessToken: string) => ({
    accessToken,
    sourceAddress: '203.0.113.9',
    userAgent: 'int-spec',
  });
  const createProject = async (source = GOOGLE, target = MICROSOFT, token = operator, org = ORG) =>
    cp.peer.request(Rpc.migration.createProject, {
      orgId: org,
      name: 'Wave 1',
      sourceConnectorId: source,
      targetConnectorId: target,
      workloads: ['mail'],
      caller: caller(token),
    });
  const ref = (projectId: string, token = operator, org = ORG) => ({
    orgId: org,
    projectId,
    caller: caller(token),
  });
  const importCsv = (projectId: string, csv: string, token = operator) =>
    cp.peer.request(Rpc.migration.importMappings, { ref: ref(projectId, token), csv });

  it('creates a Google -> Microsoft project, asking the connectors service with the caller forwarded', async () => {
    cp.connectorRequests.length = 0;
    const { project } = await createProject();
    expect(project).toMatchObject({
      orgId: ORG,
      source: MailSystem.GOOGLE,
      target: MailSystem.MICROSOFT,
      deletionPolicy: DeletionPolicy.KEEP,
      workloads: ['mail'],
    });
    expect(
      cp.connectorRequests.map((r) => [
        r.orgId,
        r.connectorId,
        r.context?.accessToken === operator,
        r.context?.actorId,
        r.context?.sourceAddress,
      ]),
    ).toEqual([
      [ORG, GOOGLE, true, '0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b', '203.0.113.9'],
      [ORG, MICROSOFT, true, '0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b', '203.0.113.9'],
    ]);
    const listed = await cp.peer.request(Rpc.migration.listProjects, {
      orgId: ORG,
      caller: caller(operator),
    });
    expect(listed.projects.map((p) => p.id)).toContain(project?.id);
  });

  it('refuses an unsupported pair and a connector of another organisation as INVALID_ARGUMENT naming the field, storing nothing', async () => {
    const before = (await cp.projects.list(ORG)).length;
    const google = await rpcFailure(createProject(GOOGLE, GOOGLE_2));
    expect(google.code).toBe(RpcErrorCode.INVALID_ARGUMENT);
    expect(google.violations).toEqual([
      {
        field: 'targetConnectorId',
        reason: expect.stringContaining('google -> google is not supported') as string,
      },
    ]);
    const microsoftToImap = await rpcFailure(createProject(MICROSOFT, IMAP));
    expect(microsoftToImap.violations[0]?.reason).toContain('microsoft -> imap is not supported');
    const foreign = await rpcFailure(createProject(GOOGLE, OTHER_MICROSOFT));
    expect(foreign.violations).toEqual([
      { field: 'targetConnectorId', reason: 'no such connector in this organisation' },
    ]);
    expect((await cp.projects.list(ORG)).length).toBe(before);
  });

  it('imports a mapping, and refuses a CSV with a bad row with one violation per line, storing nothing', async () => {
    const { project } = await createProject(IMAP, GOOGLE);
    const id = project?.id ?? '';
    expect(await importCsv(id, CSV)).toMatchObject({ imported: 2 });
    const bad = await rpcFailure(
      importCsv(
        id,
        'source,target\r\ncid@source.example,cid@target.example\r\nnot an address,dee@target.example\r\nann@source.example\r\n',
      ),
    );
    expect(bad.code).toBe(RpcErrorCode.INVALID_ARGUMENT);
    expect(bad.violations).toEqual([
      { field: 'line 3', reason: 'source is not an email address' },
      { field: 'line 4', reason: 'expected 2 columns (source, target), found 1' },
    ]);
    const mappings = await cp.peer.request(Rpc.migration.listMappings, { ref: ref(id), offset: 0, limit: 0 });
    expect([mappings.total, mappings.mappings.map((m) => m.sourceAddress)]).toEqual([
      2,
      ['ann@source.example', 'bob@source.example'],
    ]);
  });

  it("answers NOT_FOUND for another organisation's project, whichever organisation the request names", async () => {
    const { project } = await createProject();
    const id = project?.id ?? '';
    const outsider = await cp.accessToken({ org: OTHER_ORG, roles: ['org-admin'] });
    // Its own organisation, this project's id: scoped away.
    expect(
      (await rpcFailure(cp.peer.request(Rpc.migration.getProject, ref(id, outsider, OTHER_ORG)))).code,
    ).toBe(RpcErrorCode.NOT_FOUND);
    expect(
      (await rpcFailure(cp.peer.request(Rpc.migration.listPasses, ref(id, outsider, OTHER_ORG)))).code,
    ).toBe(RpcErrorCode.NOT_FOUND);
    expect(
      (await rpcFailure(cp.peer.request(Rpc.migration.deleteProject, ref(id, outsider, OTHER_ORG)))).code,
    ).toBe(RpcErrorCode.NOT_FOUND);
    // This project's organisation with a token of another: the token decides.
    expect((await rpcFailure(cp.peer.request(Rpc.migration.getProject, ref(id, outsider, ORG)))).code).toBe(
      RpcErrorCode.NOT_FOUND,
    );
    expect(
      (await rpcFailure(cp.peer.request(Rpc.migration.getProject, ref(id, 'not.a.token', ORG)))).code,
    ).toBe(RpcErrorCode.UNAUTHENTICATED);
  });

  it("lets a viewer read but not start a pass (PERMISSION_DENIED), and queues an operator's pass after it commits", async () => {
    const { project } = await createProject();
    const id = project?.id ?? '';
    await importCsv(id, CSV);
    const viewer = await cp.accessToken({ roles: ['viewer'] });
    const denied = await rpcFailure(
      cp.peer.request(Rpc.migration.startPass, { ref: ref(id, viewer), kind: PassKind.FULL }),
    );
    expect(denied.code).toBe(RpcErrorCode.PERMISSION_DENIED);
    expect(await cp.projects.passes(ORG, id)).toEqual([]);
    expect((await cp.peer.request(Rpc.migration.getProject, ref(id, viewer))).project?.id).toBe(id);
    const { pass } = await cp.peer.request(Rpc.migration.startPass, {
      ref: ref(id),
      kind: PassKind.DELTA,
      final: true,
    });
    expect(pass).toMatchObject({ kind: PassKind.DELTA, status: PassStatus.RUNNING, final: true });
    expect(cp.queue.queuedFor(pass?.id ?? '')).toHaveLength(2);
    const again = await rpcFailure(
      cp.peer.request(Rpc.migration.startPass, { ref: ref(id), kind: PassKind.FULL }),
    );
    expect(again.code).toBe(RpcErrorCode.FAILED_PRECONDITION);
    const replace = await rpcFailure(importCsv(id, CSV));
    expect(replace.code).toBe(RpcErrorCode.FAILED_PRECONDITION);
  });

  it('pauses, resumes and cancels a pass; the scheduler starts a scheduled one when its time comes', async () => {
    const { project } = await createProject();
    const id = project?.id ?? '';
    await importCsv(id, CSV);
    const at = new Date(Date.now() + 1500);
    const { pass } = await cp.peer.request(Rpc.migration.startPass, {
      ref: ref(id),
      kind: PassKind.FULL,
      scheduledFor: timestampFromDate(at),
    });
    const passRef = { orgId: ORG, projectId: id, passId: pass?.id ?? '', caller: caller(operator) };
    expect(pass?.status).toBe(PassStatus.SCHEDULED);
    expect(cp.queue.queuedFor(passRef.passId)).toEqual([]);
    expect(await cp.app.get(StartDuePassesUseCase).execute(new Date(at.getTime() + 1))).toMatchObject({
      started: 1,
    });
    expect(cp.queue.queuedFor(passRef.passId)).toHaveLength(2);
    expect((await cp.peer.request(Rpc.migration.pausePass, passRef)).pass?.status).toBe(PassStatus.PAUSED);
    expect((await rpcFailure(cp.peer.request(Rpc.migration.pausePass, passRef))).code).toBe(
      RpcErrorCode.FAILED_PRECONDITION,
    );
    expect((await cp.peer.request(Rpc.migration.resumePass, passRef)).pass?.status).toBe(PassStatus.RUNNING);
    const cancelled = await cp.peer.request(Rpc.migration.cancelPass, passRef);
    expect(cancelled.pass?.status).toBe(PassStatus.CANCELLED);
    expect(cancelled.pass?.finishedAt).toBeDefined();
    expect(cp.queue.queuedFor(passRef.passId)).toEqual([]);
  });

  it('reports a finished pass: counts per mailbox that add up, the cut-over time, failed items paged, addresses for the authorised caller', async () => {
    const { project } = await createProject();
    const id = project?.id ?? '';
    await importCsv(id, CSV);
    const { pass } = await cp.peer.request(Rpc.migration.startPass, { ref: ref(id), kind: PassKind.FULL });
    const passId = pass?.id ?? '';
    const mappings = await cp.projects.mappings(ORG, id);
    for (const [i, m] of mappings.entries()) {
      await cp.runs.recordPlan({
        passId,
        mappingId: m.id,
        batches: 1,
        found: 10 + i,
        bytesFound: 1000,
        skipped: 2,
        nextCursor: 'c1',
      });
      await cp.runs.recordBatch({
        passId,
        mappingId: m.id,
        batchId: `${passId}:${m.id}:0`,
        migrated: 7 + i,
        skipped: 0,
        failed: 1,
        bytes: 900,
        failures: [{ sourceId: `msg-${i}`, reason: 'too-large', detail: 'over the target limit' }],
      });
    }
    const progress = await cp.peer.request(Rpc.migration.progress, {
      ref: ref(id),
      passId,
      offset: 0,
      limit: 100,
    });
    expect(progress.pass?.status).toBe(PassStatus.COMPLETED);
    expect(progress.mappings.map((m) => m.mapping?.sourceAddress)).toEqual([
      'ann@source.example',
      'bob@source.example',
    ]);
    const passRef = { orgId: ORG, projectId: id, passId, caller: caller(operator) };
    const report = await cp.peer.request(Rpc.migration.report, { ref: passRef, offset: 0, limit: 0 });
    expect(report.totalRows).toBe(2);
    for (const row of report.rows) {
      const c = row.counts;
      expect(c?.found).toBe((c?.migrated ?? 0n) + (c?.skipped ?? 0n) + (c?.failed ?? 0n));
      expect(row.mapping?.lastPassFinishedAt).toBeDefined();
      expect(row.mapping?.lastPassId).toBe(passId);
    }
    expect(report.totals).toMatchObject({ found: 21n, migrated: 15n, skipped: 4n, failed: 2n });
    const first = await cp.peer.request(Rpc.migration.failures, { ref: passRef, offset: 0, limit: 1 });
    const second = await cp.peer.request(Rpc.migration.failures, { ref: passRef, offset: 1, limit: 1 });
    expect([first.items.length, first.hasMore, second.items.length, second.hasMore]).toEqual([
      1,
      true,
      1,
      false,
    ]);
    expect([first.items[0]?.reason, first.items[0]?.detail]).toEqual(['too-large', 'over the target limit']);
    const auditor = await cp.accessToken({ roles: ['auditor'] });
    expect(
      (
        await cp.peer.request(Rpc.migration.report, {
          ref: { ...passRef, caller: caller(auditor) },
          offset: 0,
          limit: 1,
        })
      ).rows,
    ).toHaveLength(1);
    expect(
      (
        await rpcFailure(
          cp.peer.request(Rpc.migration.progress, { ref: ref(id, auditor), passId, offset: 0, limit: 1 }),
        )
      ).code,
    ).toBe(RpcErrorCode.PERMISSION_DENIED);
  });

  it('audits every change with its actor and ids, never an address or the token', async () => {
    const { project } = await createProject();
    const id = project?.id ?? '';
    await importCsv(id, CSV);
    await cp.peer.request(Rpc.migration.deleteProject, ref(id));
    const events = await cp.auditEvents();
    const mine = events.filter((e) => e.target?.id === id);
    expect(mine.map((e) => e.action)).toEqual([
      'migration.project.created',
      'migration.mappings.imported',
      'migration.project.deleted',
    ]);
    expect(mine[1]).toMatchObject({
      orgId: ORG,
      actor: { id: '0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b' },
      sourceAddress: '203.0.113.9',
      userAgent: 'int-spec',
      detail: { rows: '2' },
    });
    const actions = new Set(events.map((e) => e.action));
    for (const action of [
      'migration.pass.started',
      'migration.pass.scheduled',
      'migration.pass.paused',
      'migration.pass.resumed',
      'migration.pass.cancelled',
    ])
      expect(actions).toContain(action);
    for (const event of events) {
      const text = auditEventText(event);
      expect(text).not.toMatch(/@|source\.example|target\.example/);
      expect(text).not.toContain(operator);
    }
  });
});

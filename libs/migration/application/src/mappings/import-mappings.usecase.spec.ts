import { CALLER, controlPlane, ORG, OTHER_ORG, refusal } from '../testing/control-plane.fakes';
import {
  InvalidControlCommandError,
  MigrationNotFoundError,
  MigrationStateError,
} from '../projects/control-plane.errors';
import { projectWithMappings, startPass } from '../testing/project.fixture';
import { ImportMappingsUseCase, MAX_ROW_VIOLATIONS } from './import-mappings.usecase';
import { ReadMappingsUseCase } from './read-mappings.usecase';

type Fakes = ReturnType<typeof controlPlane>;
const importCsv = (f: Fakes, projectId: string, csv: string, orgId = ORG) =>
  new ImportMappingsUseCase(f.projects, f.audit).execute({ orgId, projectId, csv, caller: CALLER });

describe('migration control: importing a user mapping', () => {
  it('replaces the mapping, keeping the row id of an unchanged source, audited with the row count only', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f, 2);
    const before = await f.projects.mappings(ORG, project.id);
    const kept = before.find((m) => m.sourceAddress === 'user1@source.example');
    const result = await importCsv(
      f,
      project.id,
      'source,target\r\nUser1@Source.example,new1@target.example\r\nuser9@source.example,user9@target.example\r\n',
    );
    expect(result).toEqual({ imported: 2 });
    const after = await f.projects.mappings(ORG, project.id);
    expect(after.map((m) => [m.sourceAddress, m.targetAddress]).sort()).toEqual([
      ['user1@source.example', 'new1@target.example'],
      ['user9@source.example', 'user9@target.example'],
    ]);
    expect(after.find((m) => m.sourceAddress === 'user1@source.example')?.id).toBe(kept?.id);
    expect(f.audit.entries).toEqual([
      expect.objectContaining({
        action: 'migration.mappings.imported',
        target: { type: 'project', id: project.id },
        detail: { rows: '2' },
      }),
    ]);
    expect(JSON.stringify(f.audit.entries)).not.toMatch(/@/);
  });

  it('refuses a file with a bad row, one violation per line and never the value, and stores nothing', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f, 2);
    const before = await f.projects.mappings(ORG, project.id);
    const violations = await refusal(
      importCsv(
        f,
        project.id,
        'source,target\na@source.example,a@target.example\nnot-an-address,b@target.example\nc@source.example\n',
      ),
    );
    expect(violations).toEqual([
      { field: 'line 3', reason: 'source is not an email address' },
      { field: 'line 4', reason: 'expected 2 columns (source, target), found 1' },
    ]);
    expect(JSON.stringify(violations)).not.toContain('not-an-address');
    expect(await f.projects.mappings(ORG, project.id)).toEqual(before);
    expect(f.audit.entries).toEqual([]);
  });

  it('lists at most MAX_ROW_VIOLATIONS refused lines and counts the rest', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f, 0);
    const csv = [
      'source,target',
      ...Array.from({ length: MAX_ROW_VIOLATIONS + 5 }, (_, i) => `bad${i},x${i}@t.example`),
    ].join('\n');
    const violations = await refusal(importCsv(f, project.id, csv));
    expect(violations).toHaveLength(MAX_ROW_VIOLATIONS + 1);
    expect(violations.at(-1)).toEqual({ field: 'csv', reason: '5 more refused rows not listed' });
  });

  it('refuses while a pass is running, paused or scheduled (conflict), and for another organisation (not found)', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f, 1);
    const csv = 'a@source.example,a@target.example\n';
    await expect(importCsv(f, project.id, csv, OTHER_ORG)).rejects.toBeInstanceOf(MigrationNotFoundError);
    const pass = await startPass(f, project.id);
    for (const status of ['running', 'paused', 'scheduled'] as const) {
      await f.projects.setPassStatus(
        ORG,
        pass.id,
        ['running', 'paused', 'scheduled'],
        status,
        async () => undefined,
      );
      await expect(importCsv(f, project.id, csv)).rejects.toBeInstanceOf(MigrationStateError);
    }
    f.projects.finishPass(pass.id);
    await expect(importCsv(f, project.id, csv)).resolves.toEqual({ imported: 1 });
  });

  it('stores nothing when the import cannot be audited', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f, 1);
    f.audit.failing = true;
    await expect(importCsv(f, project.id, 'z@source.example,z@target.example\n')).rejects.toThrow(
      'audit trail is unavailable',
    );
    expect((await f.projects.mappings(ORG, project.id)).map((m) => m.sourceAddress)).toEqual([
      'user1@source.example',
    ]);
  });
});

describe('migration control: reading a user mapping', () => {
  it('pages the mapping in source-address order with its total', async () => {
    const f = controlPlane();
    const project = await projectWithMappings(f, 3);
    const read = new ReadMappingsUseCase(f.projects);
    const page = await read.list({ orgId: ORG, projectId: project.id, offset: 1, limit: 1 });
    expect([page.total, page.mappings.map((m) => m.sourceAddress)]).toEqual([3, ['user2@source.example']]);
    await expect(
      read.list({ orgId: OTHER_ORG, projectId: project.id, offset: 0, limit: 0 }),
    ).rejects.toBeInstanceOf(MigrationNotFoundError);
    await expect(
      read.list({ orgId: ORG, projectId: project.id, offset: -1, limit: 2000 }),
    ).rejects.toBeInstanceOf(InvalidControlCommandError);
  });
});

import {
  CALLER,
  controlPlane,
  GOOGLE,
  GOOGLE_2,
  IMAP,
  MICROSOFT,
  ORG,
  OTHER_ORG,
  refusal,
} from '../testing/control-plane.fakes';
import { InvalidControlCommandError, MigrationAuditUnavailableError } from './control-plane.errors';
import { CreateProjectCommand } from './create-project.command';
import { CreateProjectUseCase } from './create-project.usecase';

const command = (overrides: Partial<Parameters<typeof CreateProjectCommand.create>[0]> = {}) =>
  CreateProjectCommand.create({
    orgId: ORG,
    name: 'Contoso move',
    sourceConnectorId: GOOGLE,
    targetConnectorId: MICROSOFT,
    workloads: ['mail'],
    caller: CALLER,
    ...overrides,
  });

function violationsOf(fn: () => unknown): { field: string; reason: string }[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidControlCommandError) return [...err.violations];
    throw err;
  }
  throw new Error('expected InvalidControlCommandError');
}

describe('migration control: creating a project', () => {
  it('stores a Google -> Microsoft project with the default policies, asking the connectors service as the caller', async () => {
    const f = controlPlane();
    const project = await new CreateProjectUseCase(f.projects, f.connectors, f.audit, f.clock).execute(
      command(),
    );
    expect(project).toMatchObject({
      orgId: ORG,
      name: 'Contoso move',
      source: 'google',
      target: 'microsoft',
      deletionPolicy: 'keep',
      extraLabels: 'categories',
      workloads: ['mail'],
      version: 1,
    });
    expect(await f.projects.get(ORG, project.id)).toEqual(project);
    expect(f.connectors.asked.map((a) => [a.orgId, a.connectorId, a.caller.accessToken])).toEqual([
      [ORG, GOOGLE, 'token-of-the-caller'],
      [ORG, MICROSOFT, 'token-of-the-caller'],
    ]);
  });

  it('audits the creation by the caller with ids, systems and policies only (never the token)', async () => {
    const f = controlPlane();
    const project = await new CreateProjectUseCase(f.projects, f.connectors, f.audit, f.clock).execute(
      command({ deletionPolicy: 'mirror', extraLabels: 'ignore' }),
    );
    expect(f.audit.entries).toEqual([
      {
        orgId: ORG,
        actor: { kind: 'account', id: 'acct-operator' },
        action: 'migration.project.created',
        target: { type: 'project', id: project.id },
        sourceAddress: '192.0.2.1',
        userAgent: 'jest',
        detail: {
          source: 'google',
          target: 'microsoft',
          sourceConnectorId: GOOGLE,
          targetConnectorId: MICROSOFT,
          workloads: 'mail',
          deletionPolicy: 'mirror',
          extraLabels: 'ignore',
        },
      },
    ]);
    expect(JSON.stringify(f.audit.entries)).not.toContain('token-of-the-caller');
  });

  it.each([
    ['microsoft -> google', MICROSOFT, GOOGLE],
    ['imap -> google', IMAP, GOOGLE],
    ['imap -> microsoft', IMAP, MICROSOFT],
  ])('accepts %s', async (_pair, source, target) => {
    const f = controlPlane();
    await expect(
      new CreateProjectUseCase(f.projects, f.connectors, f.audit, f.clock).execute(
        command({ sourceConnectorId: source, targetConnectorId: target }),
      ),
    ).resolves.toMatchObject({ sourceConnectorId: source });
  });

  it.each([
    ['google -> google', GOOGLE, GOOGLE_2, 'google -> google'],
    ['microsoft -> imap', MICROSOFT, IMAP, 'microsoft -> imap'],
    ['google -> imap', GOOGLE, IMAP, 'google -> imap'],
  ])('refuses %s, naming the supported pairs, and stores nothing', async (_pair, source, target, words) => {
    const f = controlPlane();
    const violations = await refusal(
      new CreateProjectUseCase(f.projects, f.connectors, f.audit, f.clock).execute(
        command({ sourceConnectorId: source, targetConnectorId: target }),
      ),
    );
    expect(violations).toEqual([
      { field: 'targetConnectorId', reason: expect.stringContaining(`${words} is not supported`) as string },
    ]);
    expect(violations[0]?.reason).toContain('imap -> microsoft');
    expect(await f.projects.list(ORG)).toEqual([]);
    expect(f.audit.entries).toEqual([]);
  });

  it("refuses connectors the organisation does not have (another organisation's included), without saying more", async () => {
    const f = controlPlane();
    f.connectors.connectors.set(MICROSOFT, {
      id: MICROSOFT,
      orgId: OTHER_ORG,
      system: 'microsoft',
      workloads: ['mail'],
      usable: true,
    });
    const violations = await refusal(
      new CreateProjectUseCase(f.projects, f.connectors, f.audit, f.clock).execute(command()),
    );
    expect(violations).toEqual([
      { field: 'targetConnectorId', reason: 'no such connector in this organisation' },
    ]);
  });

  it('refuses a connector not set up for mail, one whose credentials were removed, and one of a kind without mail', async () => {
    const f = controlPlane();
    f.connectors.connectors.set(GOOGLE, {
      id: GOOGLE,
      orgId: ORG,
      system: 'google',
      workloads: ['calendar'],
      usable: true,
    });
    f.connectors.connectors.set(MICROSOFT, {
      id: MICROSOFT,
      orgId: ORG,
      system: 'microsoft',
      workloads: ['mail'],
      usable: false,
    });
    const useCase = new CreateProjectUseCase(f.projects, f.connectors, f.audit, f.clock);
    expect(await refusal(useCase.execute(command()))).toEqual([
      { field: 'sourceConnectorId', reason: 'the connector is not set up for mail' },
      { field: 'targetConnectorId', reason: "the connector's credentials were removed" },
    ]);
    f.connectors.connectors.set(MICROSOFT, {
      id: MICROSOFT,
      orgId: ORG,
      system: null,
      workloads: ['mail'],
      usable: true,
    });
    expect(await refusal(useCase.execute(command({ sourceConnectorId: IMAP })))).toEqual([
      { field: 'targetConnectorId', reason: 'this kind of connector carries no mail' },
    ]);
  });

  it('stores nothing when the audit trail is down', async () => {
    const f = controlPlane();
    f.audit.failing = true;
    await expect(
      new CreateProjectUseCase(f.projects, f.connectors, f.audit, f.clock).execute(command()),
    ).rejects.toBeInstanceOf(MigrationAuditUnavailableError);
    expect(await f.projects.list(ORG)).toEqual([]);
  });
});

describe('migration control: the create-project command', () => {
  it('validates on creation, naming every bad field', () => {
    expect(
      violationsOf(() =>
        CreateProjectCommand.create({
          orgId: 'org',
          name: ' ',
          sourceConnectorId: 'x',
          targetConnectorId: MICROSOFT,
          workloads: ['files', 'files'],
          deletionPolicy: 'purge',
          extraLabels: 'all',
          caller: CALLER,
        }),
      ).map((v) => v.field),
    ).toEqual([
      'orgId',
      'name',
      'sourceConnectorId',
      'workloads',
      'workloads',
      'deletionPolicy',
      'extraLabels',
    ]);
  });

  it('refuses the same connector on both sides, no workload, a long name and control characters', () => {
    expect(violationsOf(() => command({ targetConnectorId: GOOGLE.toUpperCase() }))).toEqual([
      { field: 'targetConnectorId', reason: 'must be another connector than the source' },
    ]);
    expect(violationsOf(() => command({ workloads: [] }))).toEqual([
      { field: 'workloads', reason: 'name at least one workload' },
    ]);
    expect(violationsOf(() => command({ name: 'x'.repeat(101) }))).toEqual([
      { field: 'name', reason: 'must be 1-100 characters' },
    ]);
    expect(violationsOf(() => command({ name: 'a\u0007b' }))).toEqual([
      { field: 'name', reason: 'must not contain control characters' },
    ]);
  });

  it('normalises ids to lower case and trims the name', () => {
    const c = command({
      orgId: ORG.toUpperCase(),
      sourceConnectorId: GOOGLE.toUpperCase(),
      name: '  Move  ',
    });
    expect([c.orgId, c.sourceConnectorId, c.name, c.deletionPolicy, c.extraLabels]).toEqual([
      ORG,
      GOOGLE,
      'Move',
      'keep',
      'categories',
    ]);
  });
});

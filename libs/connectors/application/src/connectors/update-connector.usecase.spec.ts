import {
  aCaller,
  aConnector,
  createConnectorFakes,
  MemoryConnectorRepository,
} from '@ferry/connectors/testing';
import type { Connector } from '@ferry/connectors/domain';
import {
  AuditUnavailableError,
  ConnectorNotFoundError,
  ConnectorStateError,
  InvalidCommandError,
} from '../connectors.errors';
import { type UpdateConnectorInput, UpdateConnectorUseCase } from './update-connector.usecase';

function setup() {
  const f = createConnectorFakes();
  const connector = f.seed(aConnector({ version: 4, projectTag: 'wave-1' }));
  const useCase = new UpdateConnectorUseCase(f.connectors, f.audit, f.clock);
  const input = (o: Partial<UpdateConnectorInput> = {}): UpdateConnectorInput => ({
    orgId: connector.orgId,
    connectorId: connector.id,
    expectedVersion: 4,
    caller: aCaller(),
    ...o,
  });
  const stored = (): Connector | undefined => f.store.connector(connector.orgId, connector.id);
  return { f, connector, useCase, input, stored };
}

describe('UpdateConnectorUseCase', () => {
  it('renames (trimmed), changes workloads and the tag, bumps the version and audits which fields changed', async () => {
    const { f, connector, useCase, input, stored } = setup();
    f.clock.advance(1000);
    const next = await useCase.execute(
      input({ name: '  Fabrikam  ', workloads: ['files'], projectTag: 'wave-2' }),
    );
    expect(next).toEqual({
      ...connector,
      name: 'Fabrikam',
      workloads: ['files'],
      projectTag: 'wave-2',
      version: 5,
      updatedAt: f.clock.now(),
    });
    expect(stored()).toEqual(next);
    expect(f.audit.entries.map((e) => [e.action, e.outcome, e.detail])).toEqual([
      ['connector.updated', 'success', { changed: 'name,workloads,projectTag' }],
    ]);
  });

  it('an empty project tag removes it; other fields stay', async () => {
    const { connector, useCase, input } = setup();
    const next = await useCase.execute(input({ projectTag: '' }));
    expect(next).toMatchObject({ projectTag: null, name: connector.name, workloads: connector.workloads });
  });

  it('refuses a stale expected version, changing and auditing nothing', async () => {
    const { f, connector, useCase, input, stored } = setup();
    await expect(useCase.execute(input({ name: 'x', expectedVersion: 3 }))).rejects.toBeInstanceOf(
      ConnectorStateError,
    );
    expect(stored()).toEqual(connector);
    expect(f.audit.attempts).toBe(0);
  });

  it('without an expected version it updates whatever version it read', async () => {
    const { useCase, input } = setup();
    expect((await useCase.execute(input({ name: 'x', expectedVersion: 0 }))).version).toBe(5);
  });

  it('a change that lands between its read and its write wins; this one is refused and not audited', async () => {
    const { f, connector, input, stored } = setup();
    class RacingRepository extends MemoryConnectorRepository {
      override async get(orgId: string, id: string): Promise<Connector | null> {
        const read = await super.get(orgId, id);
        if (read) f.store.putConnector({ ...read, name: 'concurrent', version: read.version + 1 });
        return read;
      }
    }
    const racing = new UpdateConnectorUseCase(new RacingRepository(f.store, f.clock), f.audit, f.clock);
    await expect(racing.execute(input({ name: 'mine', expectedVersion: 0 }))).rejects.toBeInstanceOf(
      ConnectorStateError,
    );
    expect(stored()).toMatchObject({ name: 'concurrent', version: connector.version + 1 });
    expect(f.audit.attempts).toBe(0);
  });

  it('refuses invalid fields before reading, naming each', async () => {
    const { useCase, input } = setup();
    const err = await useCase
      .execute(input({ name: '\u0000', workloads: ['mail', 'mail'], projectTag: 'Bad Tag' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidCommandError);
    expect((err as InvalidCommandError).violations.map((v) => v.field)).toEqual([
      'name',
      'workloads',
      'projectTag',
    ]);
  });

  it("another organisation's connector is not found and stays unchanged", async () => {
    const { f, connector, useCase, input, stored } = setup();
    const other = aConnector();
    await expect(useCase.execute(input({ orgId: other.orgId, name: 'hijack' }))).rejects.toBeInstanceOf(
      ConnectorNotFoundError,
    );
    expect(stored()).toEqual(connector);
    expect(f.audit.attempts).toBe(0);
  });

  it('when the audit record cannot be stored, it fails with AuditUnavailableError and the change is rolled back', async () => {
    const { f, connector, useCase, input, stored } = setup();
    f.audit.failing = true;
    await expect(useCase.execute(input({ name: 'Fabrikam' }))).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(stored()).toEqual(connector);
  });

  it('accepts upper-case ids', async () => {
    const { connector, useCase, input } = setup();
    expect(
      (
        await useCase.execute(
          input({ orgId: connector.orgId.toUpperCase(), connectorId: connector.id.toUpperCase(), name: 'x' }),
        )
      ).name,
    ).toBe('x');
  });
});

import { aConnector, createConnectorFakes } from '@ferry/connectors/testing';
import { ConnectorNotFoundError } from '../connectors.errors';
import { ReadConnectorsUseCase } from './read-connectors.usecase';

const DAY = 24 * 60 * 60_000;

describe('ReadConnectorsUseCase', () => {
  it("lists one organisation's connectors with secret metadata, warnings and the user credential count, never a value", async () => {
    const f = createConnectorFakes();
    const connector = f.seed(aConnector(), {
      'client-secret': 'planted-secret',
      'user/u_aaaaaaaaaaaaaaaaaaaa': 'planted-login',
      'user/u_bbbbbbbbbbbbbbbbbbbb': 'planted-login',
    });
    f.seed(aConnector());
    f.clock.advance(100 * DAY);
    const useCase = new ReadConnectorsUseCase(
      f.connectors,
      f.vault,
      { maxAgeDays: 90, expiryWarningDays: 30 },
      f.clock,
    );
    const views = await useCase.list(connector.orgId.toUpperCase());
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ connector, userCredentialCount: 2 });
    expect(views[0]?.secrets.map((s) => s.field)).toEqual(['client-secret']);
    expect(views[0]?.warnings.map((w) => [w.field, w.code])).toEqual([
      ['client-secret', 'older-than-max-age'],
      ['user-credentials', 'older-than-max-age'],
    ]);
    expect(JSON.stringify(views)).not.toContain('planted');
  });

  it('counts the user credentials older than the limit in one warning, and none when all are younger', async () => {
    const f = createConnectorFakes();
    const connector = f.seed(aConnector(), { 'user/u_aaaaaaaaaaaaaaaaaaaa': 'planted-login' });
    const useCase = new ReadConnectorsUseCase(f.connectors, f.vault, { maxAgeDays: 90, expiryWarningDays: 30 }, f.clock);
    f.clock.advance(60 * DAY);
    await f.vault.putUserCredentials(connector, [{ field: 'user/u_bbbbbbbbbbbbbbbbbbbb', value: 'planted-login', expiresAt: null }], false, async () => undefined);
    expect((await useCase.get(connector.orgId, connector.id)).warnings).toEqual([]);
    f.clock.advance(40 * DAY);
    const [warning, ...rest] = (await useCase.get(connector.orgId, connector.id)).warnings;
    expect(rest).toEqual([]);
    expect(warning).toMatchObject({ field: 'user-credentials', code: 'older-than-max-age' });
    expect(warning?.message).toMatch(/^1 of 2 user credentials are older than 90 days/);
  });

  it("another organisation's connector is not found", async () => {
    const f = createConnectorFakes();
    const connector = f.seed(aConnector());
    const useCase = new ReadConnectorsUseCase(
      f.connectors,
      f.vault,
      { maxAgeDays: 90, expiryWarningDays: 30 },
      f.clock,
    );
    await expect(useCase.get(aConnector().orgId, connector.id)).rejects.toBeInstanceOf(
      ConnectorNotFoundError,
    );
    await expect(useCase.get(connector.orgId, connector.id.toUpperCase())).resolves.toMatchObject({
      connector,
    });
  });
});

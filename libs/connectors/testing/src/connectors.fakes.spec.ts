import { aConnector, imapSettings } from './connector.factory';
import { createConnectorFakes } from './connectors.fakes';

const failingAudit = async (): Promise<void> => {
  throw new Error('audit down');
};

describe('the connectors fakes', () => {
  it('the repository rolls an insert back, secrets included, when its before-commit step throws', async () => {
    const f = createConnectorFakes();
    const c = aConnector();
    await expect(
      f.connectors.insert(c, [{ field: 'client-secret', value: 's', expiresAt: null }], failingAudit),
    ).rejects.toThrow('audit down');
    expect(await f.connectors.get(c.orgId, c.id)).toBeNull();
    expect(f.store.secrets(c.orgId, c.id).size).toBe(0);
    expect([f.store.commits, f.store.rollbacks]).toEqual([0, 1]);
  });

  it('the repository commits after its before-commit step, and scopes reads by organisation', async () => {
    const f = createConnectorFakes();
    const c = aConnector();
    const steps: string[] = [];
    await f.connectors.insert(
      c,
      [],
      async () => void steps.push(f.store.connector(c.orgId, c.id) ? 'row written' : 'no row'),
    );
    expect(steps).toEqual(['row written']);
    expect(await f.connectors.get(c.orgId, c.id)).toEqual(c);
    expect(await f.connectors.get(aConnector().orgId, c.id)).toBeNull();
  });

  it('an update at a stale version writes nothing and runs no before-commit step', async () => {
    const f = createConnectorFakes();
    const c = f.seed(aConnector({ version: 3 }));
    let ran = false;
    expect(await f.connectors.update({ ...c, name: 'x', version: 4 }, 2, async () => void (ran = true))).toBe(
      false,
    );
    expect(ran).toBe(false);
    expect(f.store.connector(c.orgId, c.id)?.name).toBe(c.name);
  });

  it('the vault rolls back a user import that replaced every credential', async () => {
    const f = createConnectorFakes();
    const c = f.seed(aConnector({ settings: imapSettings() }), { 'user/u_aaaaaaaaaaaaaaaaaaaa': '{}' });
    const next = { ...c, version: c.version + 1 };
    await expect(
      f.vault.putUserCredentials(
        next,
        [{ field: 'user/u_bbbbbbbbbbbbbbbbbbbb', value: '{}', expiresAt: null }],
        true,
        failingAudit,
      ),
    ).rejects.toThrow();
    expect([...f.store.secrets(c.orgId, c.id).keys()]).toEqual(['user/u_aaaaaaaaaaaaaaaaaaaa']);
    expect(f.store.connector(c.orgId, c.id)?.version).toBe(c.version);
  });

  it('transactions run one at a time, so a rollback never undoes another transaction', async () => {
    const f = createConnectorFakes();
    const a = aConnector();
    const b = aConnector();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = f.connectors.insert(a, [], async () => {
      await held;
      throw new Error('audit down');
    });
    const second = f.connectors.insert(b, [], async () => undefined);
    release();
    await expect(first).rejects.toThrow();
    await second;
    expect(f.store.connectors().map((c) => c.id)).toEqual([b.id]);
  });
});

import { ReadinessRegistry } from './readiness.registry';
import { FakeProbe } from './testing/fake-probe.fixture';

describe('ReadinessRegistry', () => {
  it('lists probes in registration order', () => {
    const registry = new ReadinessRegistry();
    const nats = FakeProbe.up('nats');
    const database = FakeProbe.up('database');
    registry.register(nats);
    registry.register(database);
    expect(registry.list()).toEqual([nats, database]);
  });

  it('rejects a second probe with the same name', () => {
    const registry = new ReadinessRegistry();
    registry.register(FakeProbe.up('nats'));
    expect(() => registry.register(FakeProbe.down('nats'))).toThrow(
      'ReadinessRegistry.register: a probe named "nats" is already registered',
    );
  });

  it.each(['', 'Database', '9lives', 'has space', 'x'.repeat(64)])('rejects the probe name %p', (name) => {
    expect(() => new ReadinessRegistry().register(FakeProbe.up(name))).toThrow(
      /has an invalid readiness probe name/,
    );
  });

  it('rejects an object without a check function', () => {
    expect(() => new ReadinessRegistry().register({ name: 'nats' } as never)).toThrow(
      'ReadinessRegistry.register: the argument is not a readiness probe',
    );
  });
});

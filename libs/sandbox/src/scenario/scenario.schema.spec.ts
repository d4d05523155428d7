import { BUILTIN_SCENARIOS } from './builtin-scenarios';
import { parseScenario } from './scenario.schema';

describe('parseScenario', () => {
  it('accepts every built-in scenario', () => {
    for (const s of Object.values(BUILTIN_SCENARIOS)) expect(parseScenario(s).name).toBe(s.name);
  });

  it('fills defaults: one tenant per cloud, throttling on, a 256 MiB retention budget', () => {
    const s = parseScenario({ name: 'x' });
    expect(s.microsoft.tenants).toHaveLength(1);
    expect(s.google.tenants).toHaveLength(1);
    expect(s.throttle.enabled).toBe(true);
    expect(s.retainContentBytes).toBe(256 * 1024 * 1024);
  });

  it('names the offending field', () => {
    expect(() => parseScenario({ name: 'x', microsoft: { tenants: [{ domain: 'Not A Domain', users: 1 }] } })).toThrow(/microsoft\.tenants\.0\.domain/);
    expect(() => parseScenario({ name: 'x', google: { tenants: [{ domain: 'a.example', users: -1 }] } })).toThrow(/google\.tenants\.0\.users/);
    expect(() => parseScenario({ name: 'x', throttle: { overrides: [{ limit: 'nope', spec: {} }] } })).toThrow(/throttle\.overrides\.0\.limit/);
  });
});

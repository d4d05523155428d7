import { FaultInjector } from './fault-injector';

describe('FaultInjector', () => {
  it('matches an operation exactly or by prefix, and by user case-insensitively', () => {
    const f = new FaultInjector('seed');
    f.add({ operation: 'gmail.*', effect: { kind: 'status', status: 503 } });
    f.add({ operation: 'graph.messages.list', user: 'Adele@contoso.example', effect: { kind: 'stale-delta' } });
    expect(f.effectsFor({ operation: 'gmail.messages.get', method: 'GET' })).toEqual([{ kind: 'status', status: 503 }]);
    expect(f.effectsFor({ operation: 'graph.messages.list', method: 'GET', user: 'adele@contoso.example' })).toEqual([{ kind: 'stale-delta' }]);
    expect(f.effectsFor({ operation: 'graph.messages.list', method: 'GET', user: 'b@contoso.example' })).toEqual([]);
  });

  it('skips the first requests, applies `times` times, then retires the rule', () => {
    const f = new FaultInjector('seed');
    f.add({ operation: 'drive.files.get', skip: 2, times: 2, effect: { kind: 'reset-response', afterBytes: 10 } });
    const applied = Array.from({ length: 6 }, () => f.effectsFor({ operation: 'drive.files.get', method: 'GET' }).length);
    expect(applied).toEqual([0, 0, 1, 1, 0, 0]);
    expect(f.list()).toHaveLength(0);
  });

  it('applies a probability deterministically for a seed', () => {
    const run = (seed: string) => {
      const f = new FaultInjector(seed);
      f.add({ operation: 'x', probability: 0.3, effect: { kind: 'status', status: 500 } });
      return Array.from({ length: 200 }, () => f.effectsFor({ operation: 'x', method: 'GET' }).length).join('');
    };
    const a = run('one');
    expect(run('one')).toBe(a);
    const hits = [...a].filter((c) => c === '1').length;
    expect(hits).toBeGreaterThan(30);
    expect(hits).toBeLessThan(90);
  });

  it('draws log-normal latency around its median and never beyond the cap', () => {
    const f = new FaultInjector('lat');
    const samples = Array.from({ length: 2001 }, () => f.delayMs({ kind: 'lognormal', medianMs: 50, sigma: 0.5 })).sort((a, b) => a - b);
    const median = samples[1000] ?? 0;
    expect(median).toBeGreaterThan(40);
    expect(median).toBeLessThan(60);
    expect(samples[samples.length - 1]).toBeLessThanOrEqual(60_000);
  });

  it('rejects a malformed rule with the field named', () => {
    const f = new FaultInjector('x');
    expect(() => f.add({ operation: 'x', effect: { kind: 'status', status: 200 } } as never)).toThrow(/status/);
  });
});

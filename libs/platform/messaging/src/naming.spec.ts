import { backoffDelay } from './connect-with-backoff';
import { Naming } from './naming';

describe('installation prefix', () => {
  it('prefixes subjects and streams and strips the prefix back', () => {
    const n = new Naming('run-1');
    expect(n.subject('audit.v1.events.a.b')).toBe('run-1.audit.v1.events.a.b');
    expect(n.stream('AUDIT')).toBe('RUN_1_AUDIT');
    expect(n.relative('run-1.audit.v1.x')).toBe('audit.v1.x');
  });

  it('leaves names alone without a prefix', () => {
    const n = new Naming();
    expect(n.subject('a.v1.b')).toBe('a.v1.b');
    expect(n.stream('AUDIT')).toBe('AUDIT');
  });

  it.each(['A', 'a.b', 'a*', 'x'.repeat(33)])('refuses the prefix %j', (bad) => {
    expect(() => new Naming(bad)).toThrow(/invalid NATS prefix/);
  });
});

describe('connection backoff', () => {
  it('grows exponentially and stays under the cap', () => {
    for (let attempt = 1; attempt < 40; attempt += 1) {
      const d = backoffDelay(attempt, 30_000);
      expect(d).toBeGreaterThanOrEqual(Math.min(30_000, 250 * 2 ** attempt) / 2);
      expect(d).toBeLessThanOrEqual(30_000);
    }
  });
});

import { Clock } from '../identity/clock';
import { ThrottleGovernor } from './throttle-governor';

const subject = { tenant: 't1', app: 'app1', user: 'adele@contoso.example' };

function governor(): { g: ThrottleGovernor; clock: Clock } {
  const start = Date.UTC(2026, 11, 1);
  const clock = new Clock(() => start);
  return { g: new ThrottleGovernor(clock), clock };
}

describe('ThrottleGovernor', () => {
  it('admits the documented 4 concurrent requests per app and mailbox and refuses the fifth until one finishes', () => {
    const { g } = governor();
    const held = Array.from({ length: 4 }, () => g.admit({ limits: ['graph.mailbox'], subject, units: 1, uploadBytes: 0 }));
    expect(held.every((d) => d.ok)).toBe(true);
    const fifth = g.admit({ limits: ['graph.mailbox'], subject, units: 1, uploadBytes: 0 });
    expect(fifth).toMatchObject({ ok: false, limit: 'graph.mailbox', reason: 'concurrency' });
    const first = held[0];
    if (first?.ok) first.release();
    expect(g.admit({ limits: ['graph.mailbox'], subject, units: 1, uploadBytes: 0 }).ok).toBe(true);
  });

  it('spends the documented Gmail user budget of 15,000 units a minute (600 imports) and names the wait in Retry-After seconds', () => {
    const { g, clock } = governor();
    for (let i = 0; i < 600; i++) expect(g.admit({ limits: ['gmail.user'], subject, units: 25, uploadBytes: 0 }).ok).toBe(true);
    const refused = g.admit({ limits: ['gmail.user'], subject, units: 25, uploadBytes: 0 });
    expect(refused).toMatchObject({ ok: false, reason: 'rate', retryAfterS: 1 });
    clock.advance(100);
    expect(g.admit({ limits: ['gmail.user'], subject, units: 25, uploadBytes: 0 }).ok).toBe(true);
  });

  it('keeps budgets apart per user, and a refused request charges nothing', () => {
    const { g } = governor();
    g.setOverrides([{ limit: 'gmail.user', spec: { rate: { count: 10, perSeconds: 60 } } }]);
    expect(g.admit({ limits: ['gmail.user'], subject, units: 10, uploadBytes: 0 }).ok).toBe(true);
    expect(g.admit({ limits: ['gmail.user'], subject, units: 1, uploadBytes: 0 }).ok).toBe(false);
    expect(g.admit({ limits: ['gmail.user'], subject: { ...subject, user: 'other@contoso.example' }, units: 10, uploadBytes: 0 }).ok).toBe(true);
    expect(g.stats().throttled['gmail.user']).toBe(1);
  });

  it('applies the most specific override: user over app over tenant', () => {
    const { g } = governor();
    g.setOverrides([
      { limit: 'graph.mailbox', tenant: 't1', spec: { concurrent: 2 } },
      { limit: 'graph.mailbox', tenant: 't1', user: 'ADELE@contoso.example', spec: { concurrent: 1 } },
    ]);
    expect(g.specFor('graph.mailbox', subject)).toEqual({ concurrent: 1 });
    expect(g.specFor('graph.mailbox', { ...subject, user: 'b@contoso.example' })).toEqual({ concurrent: 2 });
    expect(g.specFor('graph.mailbox', { ...subject, tenant: 't2' }).concurrent).toBe(4);
  });

  it('meters upload bytes over the mailbox window separately from requests', () => {
    const { g } = governor();
    g.setOverrides([{ limit: 'graph.mailbox', spec: { uploadBytes: { bytes: 1000, perSeconds: 300 } } }]);
    expect(g.admit({ limits: ['graph.mailbox'], subject, units: 1, uploadBytes: 800 }).ok).toBe(true);
    const refused = g.admit({ limits: ['graph.mailbox'], subject, units: 1, uploadBytes: 400 });
    expect(refused).toMatchObject({ ok: false, reason: 'upload' });
    if (!refused.ok) expect(refused.retryAfterS).toBe(60);
    expect(g.admit({ limits: ['graph.mailbox'], subject, units: 1, uploadBytes: 0 }).ok).toBe(true);
  });

  it('admits everything when disabled', () => {
    const { g } = governor();
    g.enabled = false;
    g.setOverrides([{ limit: 'gmail.user', spec: { rate: { count: 1, perSeconds: 60 } } }]);
    for (let i = 0; i < 5; i++) expect(g.admit({ limits: ['gmail.user'], subject, units: 1, uploadBytes: 0 }).ok).toBe(true);
  });
});

import { type EventContract, eventFilter, eventSubject, type RpcContract, subjectToken } from './contract';
import { Events, Rpc, Streams } from './subjects';

describe('subject catalogue', () => {
  it('builds a tenant subject from validated tokens', () => {
    expect(eventSubject(Events.audit, { region: 'weu', org: 'a1b2-c3' })).toBe('audit.v1.events.weu.a1b2-c3');
  });

  it.each(['a.b', '*', '>', 'a b', '', 'x'.repeat(129), 'ä'])('refuses the token %j that could widen a subject', (bad) => {
    expect(() => subjectToken(bad, 'org')).toThrow(/invalid subject org/);
    expect(() => eventSubject(Events.audit, { region: 'weu', org: bad })).toThrow(/invalid subject org/);
  });

  it('builds filters for a region and for the whole family', () => {
    expect(eventFilter(Events.audit)).toBe('audit.v1.events.>');
    expect(eventFilter(Events.audit, { region: 'weu' })).toBe('audit.v1.events.weu.>');
  });

  it('captures every event family in its stream', () => {
    for (const event of Object.values(Events)) {
      expect(event.stream.subjects).toContain(eventFilter(event as EventContract));
    }
  });

  it('versions every subject and keeps them unique', () => {
    const subjects = Object.values(Rpc).flatMap((domain) =>
      Object.values(domain as Record<string, RpcContract>).map((c) => c.subject),
    );
    const all = [...subjects, ...Object.values(Events).map((e) => e.base)];
    for (const s of all) expect(s).toMatch(/^[a-z]+\.v\d+\./);
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(Object.values(Streams).map((s) => s.name)).size).toBe(Object.keys(Streams).length);
  });
});

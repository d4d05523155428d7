import { parseCalendarScenario } from './calendar-scenario.schema';

describe('calendar scenario section', () => {
  it('defaults an absent section and keeps eventsPerUser', () => {
    expect(parseCalendarScenario(undefined, 'w')).toEqual({ eventsPerUser: 0, anchorDate: '2026-11-30' });
    expect(parseCalendarScenario({ eventsPerUser: 10 }, 'w').eventsPerUser).toBe(10);
  });

  it('names the bad field, including a misspelt one', () => {
    expect(() =>
      parseCalendarScenario({ eventsPerUser: -1 }, 'microsoft.tenants[0].workloads.calendar'),
    ).toThrow(/microsoft\.tenants\[0\]\.workloads\.calendar\.eventsPerUser/);
    expect(() => parseCalendarScenario({ eventPerUser: 3 }, 'x')).toThrow(/eventPerUser/);
    expect(() => parseCalendarScenario({ anchorDate: 'monday' }, 'x')).toThrow(/anchorDate/);
  });
});

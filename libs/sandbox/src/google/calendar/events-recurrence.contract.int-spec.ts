import type { calendar_v3 } from 'googleapis';
import { googleFailure } from '../../testing/google-api-failure';
import { expectShape } from '../../testing/shape';
import { EVENT_SHAPE, startCalendarFixture, type CalendarFixture } from './calendar-contract.fixture';

describe('Calendar v3 recurring events through googleapis', () => {
  let f: CalendarFixture;
  let cal: calendar_v3.Calendar;
  let seriesId: string;
  const march = { timeMin: '2026-03-01T00:00:00Z', timeMax: '2026-04-01T00:00:00Z' };
  const singles = async (extra: calendar_v3.Params$Resource$Events$List = {}) =>
    (await cal.events.list({ calendarId: 'primary', singleEvents: true, orderBy: 'startTime', q: 'Standup NYC', ...march, ...extra })).data.items ?? [];

  beforeAll(async () => {
    f = await startCalendarFixture(6);
    cal = await f.calendarAs(f.users[0]);
    const inserted = await cal.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Standup NYC',
        start: { dateTime: '2026-03-02T09:00:00', timeZone: 'America/New_York' },
        end: { dateTime: '2026-03-02T09:15:00', timeZone: 'America/New_York' },
        recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6', 'EXDATE;TZID=America/New_York:20260304T090000'],
      },
    });
    seriesId = inserted.data.id ?? '';
  }, 60_000);
  afterAll(() => f.sandbox.close());

  it('expands instances in the event zone across a DST change, dropping EXDATEs', async () => {
    const items = await singles();
    expect(items.map((i) => i.start?.dateTime)).toEqual(['2026-03-02T09:00:00-05:00', '2026-03-09T09:00:00-04:00', '2026-03-11T09:00:00-04:00', '2026-03-16T09:00:00-04:00', '2026-03-18T09:00:00-04:00']);
    expect(items[0]).toMatchObject({ id: `${seriesId}_20260302T140000Z`, recurringEventId: seriesId, originalStartTime: { dateTime: '2026-03-02T09:00:00-05:00', timeZone: 'America/New_York' } });
    expect(items[1]?.id).toBe(`${seriesId}_20260309T130000Z`);
    for (const i of items) {
      expectShape(i, EVENT_SHAPE, ['id', 'recurringEventId', 'originalStartTime', 'start', 'end']);
      expect(i.recurrence).toBeUndefined();
    }
    const april = await singles({ timeMin: '2026-04-01T00:00:00Z', timeMax: '2026-05-01T00:00:00Z' });
    expect(april).toHaveLength(0);
  });

  it('turns a patched instance into an exception and a deleted one into a cancelled instance', async () => {
    const moved = await cal.events.patch({ calendarId: 'primary', eventId: `${seriesId}_20260311T130000Z`, requestBody: { summary: 'Standup NYC (late)', start: { dateTime: '2026-03-11T10:00:00-04:00' }, end: { dateTime: '2026-03-11T10:15:00-04:00' } } });
    expect(moved.data).toMatchObject({ id: `${seriesId}_20260311T130000Z`, recurringEventId: seriesId, summary: 'Standup NYC (late)' });
    await cal.events.delete({ calendarId: 'primary', eventId: `${seriesId}_20260316T130000Z` });
    const items = await singles();
    expect(items.map((i) => [i.start?.dateTime, i.summary])).toEqual([
      ['2026-03-02T09:00:00-05:00', 'Standup NYC'],
      ['2026-03-09T09:00:00-04:00', 'Standup NYC'],
      ['2026-03-11T10:00:00-04:00', 'Standup NYC (late)'],
      ['2026-03-18T09:00:00-04:00', 'Standup NYC'],
    ]);
    // Cancelled instances keep only id, status and the series link, so a text query cannot find them.
    const withDeleted = (await cal.events.list({ calendarId: 'primary', singleEvents: true, showDeleted: true, ...march })).data.items ?? [];
    expect(withDeleted.find((i) => i.id === `${seriesId}_20260316T130000Z`)?.status).toBe('cancelled');
    // Without singleEvents: the master, its exception, and the cancelled instance.
    const raw = (await cal.events.list({ calendarId: 'primary', ...march })).data.items ?? [];
    const mine = raw.filter((i) => i.id === seriesId || i.recurringEventId === seriesId);
    expect(mine.map((i) => [i.id, i.status]).sort()).toEqual(
      [
        [seriesId, 'confirmed'],
        [`${seriesId}_20260311T130000Z`, 'confirmed'],
        [`${seriesId}_20260316T130000Z`, 'cancelled'],
      ].sort(),
    );
    expect(mine.find((i) => i.id === seriesId)?.recurrence).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6', 'EXDATE;TZID=America/New_York:20260304T090000']);
  });

  it('lists instances of one series and gets an instance by id', async () => {
    const { data } = await cal.events.instances({ calendarId: 'primary', eventId: seriesId, maxResults: 2 });
    expect(data.items).toHaveLength(2);
    expect(data.nextPageToken).toBeTruthy();
    const got = await cal.events.get({ calendarId: 'primary', eventId: `${seriesId}_20260318T130000Z` });
    expect(got.data).toMatchObject({ recurringEventId: seriesId, start: { dateTime: '2026-03-18T09:00:00-04:00' } });
    expect(await googleFailure(cal.events.get({ calendarId: 'primary', eventId: `${seriesId}_20260304T140000Z` }))).toMatchObject({ status: 404 });
  });

  it('expands all-day monthly rules by date, skipping months without the day', async () => {
    const ins = await cal.events.insert({ calendarId: 'primary', requestBody: { summary: 'Month end close', start: { date: '2026-01-31' }, end: { date: '2026-02-01' }, recurrence: ['RRULE:FREQ=MONTHLY;COUNT=3'] } });
    const { data } = await cal.events.list({ calendarId: 'primary', singleEvents: true, orderBy: 'startTime', q: 'Month end close' });
    expect(data.items?.map((i) => [i.id, i.start?.date, i.end?.date])).toEqual([
      [`${ins.data.id ?? ''}_20260131`, '2026-01-31', '2026-02-01'],
      [`${ins.data.id ?? ''}_20260331`, '2026-03-31', '2026-04-01'],
      [`${ins.data.id ?? ''}_20260531`, '2026-05-31', '2026-06-01'],
    ]);
  });

  it('seeds single, all-day and recurring events with an EXDATE and a moved instance', async () => {
    const { data } = await cal.events.list({ calendarId: 'primary', maxResults: 2500 });
    const items = data.items ?? [];
    expect(items.some((i) => i.start?.date)).toBe(true);
    expect(items.some((i) => i.start?.dateTime && !i.recurrence && !i.recurringEventId)).toBe(true);
    const master = items.find((i) => i.recurrence?.some((l) => l.startsWith('EXDATE')));
    const moved = items.find((i) => i.recurringEventId === master?.id);
    expect(moved?.summary).toMatch(/\(moved\)$/);
    const instances = await cal.events.instances({ calendarId: 'primary', eventId: master?.id ?? '', maxResults: 3 });
    const [first, second] = instances.data.items ?? [];
    expect(second?.id).toBe(moved?.id);
    expect(Date.parse(second?.start?.dateTime ?? '') - Date.parse(second?.originalStartTime?.dateTime ?? '')).toBe(3_600_000);
    expect(first?.recurringEventId).toBe(master?.id);
  });
});

import type { calendar_v3 } from 'googleapis';
import { googleFailure } from '../../testing/google-api-failure';
import { expectShape, type Shape } from '../../testing/shape';
import { CALENDAR_SCOPE, startCalendarFixture, type CalendarFixture } from './calendar-contract.fixture';

const RESPONSE_SHAPE: Shape<calendar_v3.Schema$FreeBusyResponse> = { kind: 'string', timeMin: 'string', timeMax: 'string', calendars: 'object', groups: 'object' };
const CALENDAR_SHAPE: Shape<calendar_v3.Schema$FreeBusyCalendar> = { busy: 'array', errors: 'array' };

describe('Calendar v3 freebusy.query through googleapis', () => {
  let f: CalendarFixture;
  let cal: calendar_v3.Calendar;
  let me: string;
  let tokyoCalendar: string;
  const window = { timeMin: '2026-12-07T00:00:00Z', timeMax: '2026-12-09T00:00:00Z' };
  const utc = (dateTime: string) => ({ dateTime, timeZone: 'UTC' });

  beforeAll(async () => {
    f = await startCalendarFixture(0);
    me = f.users[0] ?? '';
    cal = await f.calendarAs(me);
    const add = (requestBody: calendar_v3.Schema$Event, calendarId = 'primary') => cal.events.insert({ calendarId, requestBody });
    await add({ summary: 'opaque', start: utc('2026-12-07T09:00:00Z'), end: utc('2026-12-07T10:00:00Z') });
    await add({ summary: 'overlapping, in Paris', start: { dateTime: '2026-12-07T09:30:00', timeZone: 'Europe/Paris' }, end: { dateTime: '2026-12-07T11:00:00', timeZone: 'Europe/Paris' } });
    await add({ summary: 'free', transparency: 'transparent', start: utc('2026-12-07T13:00:00Z'), end: utc('2026-12-07T14:00:00Z') });
    await add({ summary: 'declined', attendees: [{ email: me, responseStatus: 'declined' }], start: utc('2026-12-07T15:00:00Z'), end: utc('2026-12-07T16:00:00Z') });
    await add({ summary: 'daily', recurrence: ['RRULE:FREQ=DAILY;COUNT=10', 'EXDATE:20261207T160000Z'], start: utc('2026-12-01T16:00:00Z'), end: utc('2026-12-01T16:30:00Z') });
    const gone = await add({ summary: 'cancelled', start: utc('2026-12-08T08:00:00Z'), end: utc('2026-12-08T09:00:00Z') });
    await cal.events.delete({ calendarId: 'primary', eventId: gone.data.id ?? '' });
    await add({ summary: 'before the window', start: utc('2026-12-06T22:00:00Z'), end: utc('2026-12-07T01:00:00Z') });
    const tokyo = await cal.calendars.insert({ requestBody: { summary: 'Tokyo office', timeZone: 'Asia/Tokyo' } });
    tokyoCalendar = tokyo.data.id ?? '';
    await add({ summary: 'holiday', start: { date: '2026-12-08' }, end: { date: '2026-12-09' } }, tokyoCalendar);
    const colleague = await f.calendarAs(f.users[1]);
    await colleague.events.insert({ calendarId: 'primary', requestBody: { summary: 'theirs', start: utc('2026-12-08T12:00:00Z'), end: utc('2026-12-08T13:00:00Z') } });
  }, 60_000);
  afterAll(() => f.sandbox.close());

  it('computes merged busy periods from opaque, accepted events and expanded recurrences, clipped to the window', async () => {
    const { data } = await cal.freebusy.query({ requestBody: { ...window, items: [{ id: me }, { id: tokyoCalendar }, { id: f.users[1] ?? '' }] } });
    expectShape(data, RESPONSE_SHAPE, ['kind', 'timeMin', 'timeMax', 'calendars']);
    expect(data).toMatchObject({ kind: 'calendar#freeBusy', timeMin: '2026-12-07T00:00:00.000Z', timeMax: '2026-12-09T00:00:00.000Z' });
    for (const c of Object.values(data.calendars ?? {})) expectShape(c, CALENDAR_SHAPE, ['busy']);
    expect(data.calendars?.[me]?.busy).toEqual([
      { start: '2026-12-07T00:00:00Z', end: '2026-12-07T01:00:00Z' },
      { start: '2026-12-07T08:30:00Z', end: '2026-12-07T10:00:00Z' },
      { start: '2026-12-08T16:00:00Z', end: '2026-12-08T16:30:00Z' },
    ]);
    // An all-day event is busy from midnight to midnight in its calendar's zone.
    expect(data.calendars?.[tokyoCalendar]?.busy).toEqual([{ start: '2026-12-07T15:00:00Z', end: '2026-12-08T15:00:00Z' }]);
    expect(data.calendars?.[f.users[1] ?? '']?.busy).toEqual([{ start: '2026-12-08T12:00:00Z', end: '2026-12-08T13:00:00Z' }]);
  });

  it('writes busy times in the requested time zone and follows live changes', async () => {
    const paris = await cal.freebusy.query({ requestBody: { ...window, timeZone: 'Europe/Paris', items: [{ id: 'primary' }] } });
    expect(paris.data.calendars?.['primary']?.busy?.[1]).toEqual({ start: '2026-12-07T09:30:00+01:00', end: '2026-12-07T11:00:00+01:00' });
    const ev = await cal.events.insert({ calendarId: 'primary', requestBody: { summary: 'late', start: utc('2026-12-08T20:00:00Z'), end: utc('2026-12-08T21:00:00Z') } });
    const after = await cal.freebusy.query({ requestBody: { ...window, items: [{ id: me }] } });
    expect(after.data.calendars?.[me]?.busy).toContainEqual({ start: '2026-12-08T20:00:00Z', end: '2026-12-08T21:00:00Z' });
    await cal.events.patch({ calendarId: 'primary', eventId: ev.data.id ?? '', requestBody: { transparency: 'transparent' } });
    const freed = await cal.freebusy.query({ requestBody: { ...window, items: [{ id: me }] } });
    expect(freed.data.calendars?.[me]?.busy).not.toContainEqual({ start: '2026-12-08T20:00:00Z', end: '2026-12-08T21:00:00Z' });
  });

  it("counts invitations on a colleague's calendar unless declined or free", async () => {
    const invitee = f.users[2] ?? '';
    const before = await cal.freebusy.query({ requestBody: { ...window, items: [{ id: invitee }] } });
    expect(before.data.calendars?.[invitee]?.busy).toEqual([]);
    await cal.events.insert({ calendarId: 'primary', requestBody: { summary: 'invite', attendees: [{ email: invitee }], start: utc('2026-12-08T10:00:00Z'), end: utc('2026-12-08T11:00:00Z') } });
    await cal.events.insert({ calendarId: 'primary', requestBody: { summary: 'declined invite', attendees: [{ email: invitee, responseStatus: 'declined' }], start: utc('2026-12-08T12:00:00Z'), end: utc('2026-12-08T13:00:00Z') } });
    await cal.events.insert({ calendarId: 'primary', requestBody: { summary: 'free invite', transparency: 'transparent', attendees: [{ email: invitee }], start: utc('2026-12-08T14:00:00Z'), end: utc('2026-12-08T15:00:00Z') } });
    const after = await cal.freebusy.query({ requestBody: { ...window, items: [{ id: invitee }] } });
    expect(after.data.calendars?.[invitee]?.busy).toEqual([{ start: '2026-12-08T10:00:00Z', end: '2026-12-08T11:00:00Z' }]);
  });

  it('expands groups and reports unknown and foreign calendars as notFound', async () => {
    const group = [...f.tenant.groups.values()][0];
    if (!group) throw new Error('no seeded group');
    const { data } = await cal.freebusy.query({ requestBody: { ...window, items: [{ id: group.email }, { id: 'nobody@fabrikam.example' }, { id: f.stranger }] } });
    expect(data.groups?.[group.email]?.calendars?.sort()).toEqual([...group.members.keys()].sort());
    for (const member of group.members.keys()) expect(data.calendars?.[member]?.busy).toBeDefined();
    expect(data.calendars?.['nobody@fabrikam.example']).toEqual({ busy: [], errors: [{ domain: 'global', reason: 'notFound' }] });
    expect(data.calendars?.[f.stranger]).toEqual({ busy: [], errors: [{ domain: 'global', reason: 'notFound' }] });
  });

  it('rejects a missing or malformed timeMin, an empty range, malformed JSON and a token without a calendar scope', async () => {
    expect(await googleFailure(cal.freebusy.query({ requestBody: { timeMax: window.timeMax, items: [{ id: me }] } }))).toMatchObject({ status: 400, reason: 'required' });
    expect(await googleFailure(cal.freebusy.query({ requestBody: { timeMin: 'soon', timeMax: window.timeMax, items: [{ id: me }] } }))).toMatchObject({ status: 400, reason: 'badRequest' });
    expect(await googleFailure(cal.freebusy.query({ requestBody: { timeMin: window.timeMax, timeMax: window.timeMin, items: [{ id: me }] } }))).toMatchObject({ status: 400, reason: 'timeRangeEmpty' });
    const token = await f.token(me, [CALENDAR_SCOPE]);
    const raw = await fetch(`${f.sandbox.endpoints.googleRoot}calendar/v3/freeBusy`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"timeMin":' });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ error: { errors: [{ reason: 'parseError' }] } });
    const noScope = await f.calendarAs(me, ['https://www.googleapis.com/auth/drive']);
    expect(await googleFailure(noScope.freebusy.query({ requestBody: { ...window, items: [{ id: me }] } }))).toMatchObject({ status: 403, reason: 'insufficientPermissions' });
  });
});

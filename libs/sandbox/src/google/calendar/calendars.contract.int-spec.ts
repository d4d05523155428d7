import type { calendar_v3 } from 'googleapis';
import { googleFailure } from '../../testing/google-api-failure';
import { expectShape, type Shape } from '../../testing/shape';
import { startCalendarFixture, type CalendarFixture } from './calendar-contract.fixture';

const LIST_SHAPE: Shape<calendar_v3.Schema$CalendarList> = { kind: 'string', etag: 'string', items: 'array', nextPageToken: 'string', nextSyncToken: 'string' };
const ENTRY_SHAPE: Shape<calendar_v3.Schema$CalendarListEntry> = {
  kind: 'string', etag: 'string', id: 'string', summary: 'string', description: 'string', timeZone: 'string', colorId: 'string', backgroundColor: 'string',
  foregroundColor: 'string', selected: 'boolean', accessRole: 'string', defaultReminders: 'array', primary: 'boolean', notificationSettings: 'object', conferenceProperties: 'object',
};
const CALENDAR_SHAPE: Shape<calendar_v3.Schema$Calendar> = { kind: 'string', etag: 'string', id: 'string', summary: 'string', description: 'string', location: 'string', timeZone: 'string', conferenceProperties: 'object' };

describe('Calendar v3 calendarList and calendars through googleapis', () => {
  let f: CalendarFixture;
  let cal: calendar_v3.Calendar;
  beforeAll(async () => {
    f = await startCalendarFixture(2);
    cal = await f.calendarAs(f.users[0]);
  }, 60_000);
  afterAll(() => f.sandbox.close());

  it('lists the primary calendar first, then inserted secondary calendars', async () => {
    const first = await cal.calendarList.list();
    expectShape(first.data, LIST_SHAPE, ['kind', 'etag', 'items']);
    expect(first.data.items).toHaveLength(1);
    expectShape(first.data.items?.[0], ENTRY_SHAPE, ['id', 'summary', 'timeZone', 'accessRole']);
    expect(first.data.items?.[0]).toMatchObject({ id: f.users[0], primary: true, accessRole: 'owner' });
    const inserted = await cal.calendars.insert({ requestBody: { summary: 'Migration staging', description: 'Ferry', timeZone: 'America/Chicago' } });
    expectShape(inserted.data, CALENDAR_SHAPE, ['kind', 'id', 'summary', 'timeZone']);
    expect(inserted.data.id).toMatch(/@group\.calendar\.google\.com$/);
    const after = await cal.calendarList.list({ maxResults: 1 });
    expect(after.data.items?.[0]?.id).toBe(f.users[0]);
    const next = await cal.calendarList.list({ maxResults: 1, pageToken: after.data.nextPageToken ?? '' });
    expect(next.data.items?.[0]).toMatchObject({ id: inserted.data.id, summary: 'Migration staging' });
    expect((await cal.calendars.get({ calendarId: 'primary' })).data).toMatchObject({ id: f.users[0] });
    expect((await cal.calendars.get({ calendarId: inserted.data.id ?? '' })).data.timeZone).toBe('America/Chicago');
  });

  it('rejects a calendar without a title or with a bad zone, and unknown or foreign calendars', async () => {
    expect(await googleFailure(cal.calendars.insert({ requestBody: { description: 'untitled' } }))).toMatchObject({ status: 400, reason: 'required' });
    expect(await googleFailure(cal.calendars.insert({ requestBody: { summary: 'x', timeZone: 'Mars/Olympus' } }))).toMatchObject({ status: 400, reason: 'invalid' });
    expect(await googleFailure(cal.calendars.get({ calendarId: 'nope@group.calendar.google.com' }))).toMatchObject({ status: 404, reason: 'notFound' });
    expect(await googleFailure(cal.calendars.get({ calendarId: f.stranger }))).toMatchObject({ status: 404, reason: 'notFound' });
    const asServiceAccount = await f.calendarAs(undefined);
    expect(await googleFailure(asServiceAccount.calendarList.list())).toMatchObject({ status: 404 });
  });
});

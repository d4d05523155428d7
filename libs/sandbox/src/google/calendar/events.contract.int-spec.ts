import type { calendar_v3 } from 'googleapis';
import { googleFailure } from '../../testing/google-api-failure';
import { expectShape } from '../../testing/shape';
import { CALENDAR_SCOPE, EVENT_SHAPE, EVENTS_SHAPE, startCalendarFixture, type CalendarFixture } from './calendar-contract.fixture';

describe('Calendar v3 events CRUD and import through googleapis', () => {
  let f: CalendarFixture;
  let cal: calendar_v3.Calendar;
  beforeAll(async () => {
    f = await startCalendarFixture();
    cal = await f.calendarAs(f.users[0]);
  }, 60_000);
  afterAll(() => f.sandbox.close());

  it('lists the seeded primary calendar in the official shapes, in pages of maxResults', async () => {
    const first = await cal.events.list({ calendarId: 'primary', maxResults: 3 });
    expectShape(first.data, EVENTS_SHAPE, ['kind', 'etag', 'summary', 'updated', 'timeZone', 'accessRole', 'items', 'nextPageToken']);
    expect(first.data.items).toHaveLength(3);
    for (const ev of first.data.items ?? []) expectShape(ev, EVENT_SHAPE, ['kind', 'etag', 'id', 'status', 'start', 'end', 'iCalUID', 'organizer', 'creator']);
    const ids = new Set((first.data.items ?? []).map((e) => e.id));
    let token = first.data.nextPageToken ?? undefined;
    let last: calendar_v3.Schema$Events | undefined;
    while (token) {
      const page = await cal.events.list({ calendarId: 'primary', maxResults: 3, pageToken: token });
      for (const e of page.data.items ?? []) ids.add(e.id);
      token = page.data.nextPageToken ?? undefined;
      last = page.data;
    }
    // 8 seeded events plus the one moved instance of the first series.
    expect(ids.size).toBe(9);
    expect(last?.nextSyncToken).toBeTruthy();
  });

  it('inserts, gets, patches, updates and deletes an event', async () => {
    const inserted = await cal.events.insert({
      calendarId: 'primary',
      requestBody: { summary: 'Migration kickoff', start: { dateTime: '2026-12-10T10:00:00', timeZone: 'Europe/Paris' }, end: { dateTime: '2026-12-10T11:00:00+01:00' }, attendees: [{ email: f.users[1] ?? '' }] },
    });
    expectShape(inserted.data, EVENT_SHAPE, ['id', 'etag', 'iCalUID', 'created', 'updated', 'htmlLink']);
    expect(inserted.data).toMatchObject({ status: 'confirmed', organizer: { email: f.users[0], self: true }, sequence: 0 });
    const id = inserted.data.id ?? '';
    const got = await cal.events.get({ calendarId: f.users[0] ?? '', eventId: id });
    expect(got.data.summary).toBe('Migration kickoff');
    const patched = await cal.events.patch({ calendarId: 'primary', eventId: id, requestBody: { location: 'Room 4', end: { dateTime: '2026-12-10T12:00:00+01:00' } } });
    expect(patched.data).toMatchObject({ summary: 'Migration kickoff', location: 'Room 4', sequence: 1 });
    expect(patched.data.etag).not.toBe(inserted.data.etag);
    const moved = await cal.events.patch({ calendarId: 'primary', eventId: id, requestBody: { start: { dateTime: '2026-12-10T09:30:00' } } });
    expect(moved.data.start).toEqual({ dateTime: '2026-12-10T09:30:00+01:00', timeZone: 'Europe/Paris' });
    expect(moved.data.sequence).toBe(2);
    const updated = await cal.events.update({ calendarId: 'primary', eventId: id, requestBody: { summary: 'Renamed', start: { date: '2026-12-11' }, end: { date: '2026-12-12' } } });
    expect(updated.data).toMatchObject({ summary: 'Renamed', start: { date: '2026-12-11' }, iCalUID: inserted.data.iCalUID });
    expect(updated.data.location).toBeUndefined();
    const deleted = await cal.events.delete({ calendarId: 'primary', eventId: id });
    expect(deleted.status).toBe(204);
    const after = await cal.events.get({ calendarId: 'primary', eventId: id });
    expect(after.data.status).toBe('cancelled');
    expect(await googleFailure(cal.events.delete({ calendarId: 'primary', eventId: id }))).toMatchObject({ status: 410, reason: 'deleted' });
  });

  it('imports by iCalUID idempotently, keeping a foreign organizer, and imports a modified instance', async () => {
    const body = { iCalUID: 'legacy-123@contoso.example', summary: 'Board meeting', organizer: { email: 'ceo@contoso.example' }, start: { dateTime: '2026-12-14T09:00:00-05:00', timeZone: 'America/New_York' }, end: { dateTime: '2026-12-14T10:00:00-05:00', timeZone: 'America/New_York' }, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] };
    const first = await cal.events.import({ calendarId: 'primary', requestBody: body });
    expect(first.data).toMatchObject({ iCalUID: 'legacy-123@contoso.example', organizer: { email: 'ceo@contoso.example' } });
    const again = await cal.events.import({ calendarId: 'primary', requestBody: { ...body, summary: 'Board meeting (v2)' } });
    expect(again.data.id).toBe(first.data.id);
    expect(again.data.summary).toBe('Board meeting (v2)');
    const exception = await cal.events.import({
      calendarId: 'primary',
      requestBody: { ...body, recurrence: undefined, summary: 'Board meeting (moved)', originalStartTime: { dateTime: '2026-12-21T09:00:00-05:00', timeZone: 'America/New_York' }, start: { dateTime: '2026-12-22T09:00:00-05:00', timeZone: 'America/New_York' }, end: { dateTime: '2026-12-22T10:00:00-05:00', timeZone: 'America/New_York' } },
    });
    expect(exception.data).toMatchObject({ id: `${first.data.id ?? ''}_20261221T140000Z`, recurringEventId: first.data.id });
    const instances = await cal.events.instances({ calendarId: 'primary', eventId: first.data.id ?? '' });
    expect(instances.data.items?.map((i) => i.summary)).toEqual(['Board meeting (v2)', 'Board meeting (moved)', 'Board meeting (v2)', 'Board meeting (v2)']);
    expect(await googleFailure(cal.events.import({ calendarId: 'primary', requestBody: { summary: 'x', start: { date: '2026-12-01' }, end: { date: '2026-12-02' } } }))).toMatchObject({ status: 400, reason: 'required' });
  });

  it('rejects malformed JSON, missing or inverted times, bad ids and bad timeMin', async () => {
    const token = await f.token(f.users[0], [CALENDAR_SCOPE]);
    const raw = await fetch(`${f.sandbox.endpoints.googleRoot}calendar/v3/calendars/primary/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"summary": ',
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ error: { code: 400, errors: [{ reason: 'parseError' }] } });
    expect(await googleFailure(cal.events.insert({ calendarId: 'primary', requestBody: { summary: 'no end', start: { dateTime: '2026-12-10T10:00:00Z' } } }))).toMatchObject({ status: 400, reason: 'required', message: 'Missing end time.' });
    expect(await googleFailure(cal.events.insert({ calendarId: 'primary', requestBody: { start: { dateTime: '2026-12-10T10:00:00' }, end: { dateTime: '2026-12-10T11:00:00' } } }))).toMatchObject({ status: 400, message: 'Missing time zone definition for start time.' });
    expect(await googleFailure(cal.events.insert({ calendarId: 'primary', requestBody: { start: { dateTime: '2026-12-10T10:00:00Z' }, end: { dateTime: '2026-12-10T09:00:00Z' } } }))).toMatchObject({ status: 400, reason: 'timeRangeEmpty' });
    expect(await googleFailure(cal.events.insert({ calendarId: 'primary', requestBody: { id: 'UPPER_case!', start: { date: '2026-12-10' }, end: { date: '2026-12-11' } } }))).toMatchObject({ status: 400, reason: 'invalid' });
    expect(await googleFailure(cal.events.insert({ calendarId: 'primary', requestBody: { recurrence: ['RRULE:FREQ=FORTNIGHTLY'], start: { dateTime: '2026-12-10T10:00:00Z', timeZone: 'UTC' }, end: { dateTime: '2026-12-10T11:00:00Z', timeZone: 'UTC' } } }))).toMatchObject({ status: 400, reason: 'invalid' });
    const dup = await cal.events.insert({ calendarId: 'primary', requestBody: { id: 'ferrdup0001', start: { date: '2026-12-10' }, end: { date: '2026-12-11' } } });
    expect(dup.data.id).toBe('ferrdup0001');
    expect(await googleFailure(cal.events.insert({ calendarId: 'primary', requestBody: { id: 'ferrdup0001', start: { date: '2026-12-10' }, end: { date: '2026-12-11' } } }))).toMatchObject({ status: 409, reason: 'duplicate' });
    expect(await googleFailure(cal.events.list({ calendarId: 'primary', timeMin: 'last tuesday' }))).toMatchObject({ status: 400, reason: 'badRequest' });
    expect(await googleFailure(cal.events.list({ calendarId: 'primary', timeMin: '2026-12-10T00:00:00Z', timeMax: '2026-12-01T00:00:00Z' }))).toMatchObject({ status: 400, reason: 'timeRangeEmpty' });
    expect(await googleFailure(cal.events.list({ calendarId: 'primary', orderBy: 'startTime' }))).toMatchObject({ status: 400, reason: 'badRequest' });
    expect(await googleFailure(cal.events.get({ calendarId: 'primary', eventId: 'doesnotexist1' }))).toMatchObject({ status: 404, reason: 'notFound' });
  });

  it("keeps other users' and other tenants' calendars out of reach, and enforces scopes", async () => {
    expect(await googleFailure(cal.events.list({ calendarId: f.users[1] ?? '' }))).toMatchObject({ status: 404, reason: 'notFound' });
    expect(await googleFailure(cal.events.list({ calendarId: f.stranger }))).toMatchObject({ status: 404, reason: 'notFound' });
    const noScope = await f.calendarAs(f.users[0], ['https://www.googleapis.com/auth/gmail.labels']);
    expect(await googleFailure(noScope.events.list({ calendarId: 'primary' }))).toMatchObject({ status: 403, reason: 'insufficientPermissions' });
  });
});

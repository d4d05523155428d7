import type { calendar_v3 } from 'googleapis';
import { googleFailure } from '../../testing/google-api-failure';
import { startCalendarFixture, type CalendarFixture } from './calendar-contract.fixture';

describe('Calendar v3 incremental sync through googleapis', () => {
  let f: CalendarFixture;
  let cal: calendar_v3.Calendar;
  let user: string;

  /** A full list in pages of 4; returns every item and the final sync token. */
  const fullSync = async (): Promise<{ items: calendar_v3.Schema$Event[]; syncToken: string }> => {
    const items: calendar_v3.Schema$Event[] = [];
    let pageToken: string | undefined;
    for (;;) {
      const { data } = await cal.events.list({ calendarId: 'primary', maxResults: 4, ...(pageToken ? { pageToken } : {}) });
      items.push(...(data.items ?? []));
      if (data.nextPageToken) {
        expect(data.nextSyncToken).toBeUndefined();
        pageToken = data.nextPageToken;
        continue;
      }
      return { items, syncToken: data.nextSyncToken ?? '' };
    }
  };

  beforeAll(async () => {
    f = await startCalendarFixture(10);
    user = f.users[1] ?? '';
    cal = await f.calendarAs(user);
  }, 60_000);
  afterAll(() => f.sandbox.close());

  it('returns nextSyncToken on the last page of a full sync, then only what changed since', async () => {
    const { items, syncToken } = await fullSync();
    expect(items.length).toBeGreaterThanOrEqual(10);
    expect(syncToken).toBeTruthy();
    const quiet = await cal.events.list({ calendarId: 'primary', syncToken });
    expect(quiet.data.items).toEqual([]);
    expect(quiet.data.nextSyncToken).toBeTruthy();

    const [changed, removed] = items.filter((i) => !i.recurringEventId);
    const added = await cal.events.insert({ calendarId: 'primary', requestBody: { summary: 'New one', start: { date: '2026-12-24' }, end: { date: '2026-12-25' } } });
    await cal.events.patch({ calendarId: 'primary', eventId: changed?.id ?? '', requestBody: { summary: 'Changed' } });
    await cal.events.delete({ calendarId: 'primary', eventId: removed?.id ?? '' });
    const viaInspect = await f.inspect(`${user}/events`, { method: 'POST', body: JSON.stringify({ summary: 'Added between passes' }) });
    expect(viaInspect.status).toBe(201);

    const delta = await cal.events.list({ calendarId: 'primary', syncToken: quiet.data.nextSyncToken ?? '' });
    const byId = new Map((delta.data.items ?? []).map((i) => [i.id, i]));
    expect([...byId.keys()].sort()).toEqual([added.data.id, changed?.id, removed?.id, (viaInspect.body as { id: string }).id].sort());
    expect(byId.get(changed?.id)?.summary).toBe('Changed');
    expect(byId.get(removed?.id)).toEqual({ kind: 'calendar#event', etag: expect.any(String) as string, id: removed?.id, status: 'cancelled', updated: expect.any(String) as string });
    const again = await cal.events.list({ calendarId: 'primary', syncToken: delta.data.nextSyncToken ?? '' });
    expect(again.data.items).toEqual([]);
  });

  it('answers 410 fullSyncRequired once the tokens are expired, to a garbage token and to an injected stale-delta fault', async () => {
    const { syncToken } = await fullSync();
    const fault = await fetch(`${f.sandbox.endpoints.inspect}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operation: 'calendar.events.list', effect: { kind: 'stale-delta' }, times: 1 }) });
    expect(fault.status).toBe(201);
    const stale = await googleFailure(cal.events.list({ calendarId: 'primary', syncToken }));
    expect(stale).toMatchObject({ status: 410, reason: 'fullSyncRequired', message: 'Sync token is no longer valid, a full sync is required.' });
    expect(stale.body.error?.errors?.[0]).toMatchObject({ domain: 'calendar', location: 'syncToken' });
    // The fault fired once; the token itself is still good.
    expect((await cal.events.list({ calendarId: 'primary', syncToken })).status).toBe(200);
    expect((await f.inspect(`${user}/sync-tokens/expire`, { method: 'POST' })).status).toBe(200);
    expect(await googleFailure(cal.events.list({ calendarId: 'primary', syncToken }))).toMatchObject({ status: 410, reason: 'fullSyncRequired' });
    expect(await googleFailure(cal.events.list({ calendarId: 'primary', syncToken: 'not-a-token' }))).toMatchObject({ status: 410, reason: 'fullSyncRequired' });
    const fresh = await fullSync();
    expect((await cal.events.list({ calendarId: 'primary', syncToken: fresh.syncToken })).status).toBe(200);
  });

  it('refuses a sync token combined with a time window or ordering', async () => {
    const { syncToken } = await fullSync();
    expect(await googleFailure(cal.events.list({ calendarId: 'primary', syncToken, timeMin: '2026-01-01T00:00:00Z' }))).toMatchObject({ status: 400, reason: 'invalid' });
    expect(await googleFailure(cal.events.list({ calendarId: 'primary', syncToken, orderBy: 'updated' }))).toMatchObject({ status: 400, reason: 'invalid' });
  });

  it('binds a sync token to its calendar', async () => {
    const secondary = await cal.calendars.insert({ requestBody: { summary: 'Projects' } });
    const { syncToken } = await fullSync();
    expect(await googleFailure(cal.events.list({ calendarId: secondary.data.id ?? '', syncToken }))).toMatchObject({ status: 410 });
  });
});

import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';
import type { Client } from '@microsoft/microsoft-graph-client';
import { expectShape } from '../../testing/shape';
import {
  graphFailure,
  graphScenario,
  startGraphKit,
  type GraphKit,
} from '../../testing/graph-test-kit';
import { EVENT_SHAPE } from './calendar-test-shapes';
import { graphCalendarWorkload } from './graph-calendar.workload';

// Sandbox start-up (TLS, RSA keys) and seeded expansions can be slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('graph-calendar: calendarView expands recurrences into occurrences', () => {
  let kit: GraphKit;
  let client: Client;
  let alice: string;
  const view = async (from: string, to: string, zone?: string): Promise<MicrosoftGraph.Event[]> => {
    let req = client
      .api(`/users/${alice}/calendarView`)
      .query({ startDateTime: from, endDateTime: to })
      .top(50);
    if (zone) req = req.header('Prefer', `outlook.timezone="${zone}"`);
    return ((await req.get()) as { value: MicrosoftGraph.Event[] }).value;
  };
  const create = (body: Record<string, unknown>) =>
    client.api(`/users/${alice}/events`).post(body) as Promise<MicrosoftGraph.Event>;

  beforeAll(async () => {
    kit = await startGraphKit(graphScenario({ calendar: { eventsPerUser: 0 } }), [graphCalendarWorkload]);
    client = await kit.app();
    alice = kit.users[0]?.userPrincipalName ?? '';
  });
  afterAll(() => kit.close());

  it('keeps a daily series at 09:00 local across the EU DST change (UTC shifts from 08:00 to 07:00)', async () => {
    const series = await create({
      subject: 'Daily',
      start: { dateTime: '2027-03-26T09:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2027-03-26T09:30:00', timeZone: 'W. Europe Standard Time' },
      recurrence: {
        pattern: { type: 'daily', interval: 1 },
        range: { type: 'numbered', startDate: '2027-03-26', numberOfOccurrences: 5 },
      },
    });
    const utc = await view('2027-03-25T00:00:00Z', '2027-04-05T00:00:00Z');
    expect(utc.map((e) => e.start?.dateTime)).toEqual([
      '2027-03-26T08:00:00.0000000',
      '2027-03-27T08:00:00.0000000',
      '2027-03-28T07:00:00.0000000',
      '2027-03-29T07:00:00.0000000',
      '2027-03-30T07:00:00.0000000',
    ]);
    for (const e of utc) {
      expectShape<MicrosoftGraph.Event>(e, EVENT_SHAPE, ['id', 'seriesMasterId', 'originalStart', 'type']);
      expect(e).toMatchObject({ type: 'occurrence', seriesMasterId: series.id, recurrence: null });
    }
    const local = await view('2027-03-25T00:00:00Z', '2027-04-05T00:00:00Z', 'W. Europe Standard Time');
    expect(
      local.every(
        (e) =>
          e.start?.dateTime?.endsWith('T09:00:00.0000000') && e.start.timeZone === 'W. Europe Standard Time',
      ),
    ).toBe(true);
    await client.api(`/users/${alice}/events/${series.id ?? ''}`).delete();
  });

  it('drops a deleted occurrence, lists it as cancelled, and turns a patched occurrence into an exception', async () => {
    const series = await create({
      subject: 'Weekly review',
      start: { dateTime: '2027-05-03T15:00:00', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2027-05-03T16:00:00', timeZone: 'Pacific Standard Time' },
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
        range: { type: 'endDate', startDate: '2027-05-03', endDate: '2027-05-31' },
      },
    });
    const before = await view('2027-05-01T00:00:00Z', '2027-06-05T00:00:00Z');
    expect(before).toHaveLength(5);
    const [, second, third] = before;
    await client.api(`/users/${alice}/events/${second?.id ?? ''}`).delete();
    const moved = (await client.api(`/users/${alice}/events/${third?.id ?? ''}`).patch({
      subject: 'Weekly review (moved)',
      start: { dateTime: '2027-05-18T09:00:00', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2027-05-18T10:00:00', timeZone: 'Pacific Standard Time' },
    })) as MicrosoftGraph.Event;
    expect(moved).toMatchObject({
      type: 'exception',
      seriesMasterId: series.id,
      subject: 'Weekly review (moved)',
    });
    const after = await view('2027-05-01T00:00:00Z', '2027-06-05T00:00:00Z', 'Pacific Standard Time');
    expect(after.map((e) => [e.start?.dateTime, e.type])).toEqual([
      ['2027-05-03T15:00:00.0000000', 'occurrence'],
      ['2027-05-18T09:00:00.0000000', 'exception'],
      ['2027-05-24T15:00:00.0000000', 'occurrence'],
      ['2027-05-31T15:00:00.0000000', 'occurrence'],
    ]);
    const exception = after[1];
    expect(exception?.originalStart).toBe('2027-05-17T22:00:00Z');
    const master = (await client
      .api(`/users/${alice}/events/${series.id ?? ''}`)
      .get()) as MicrosoftGraph.Event;
    expect(master.cancelledOccurrences).toEqual([`OID.${series.id ?? ''}.2027-05-10`]);
    expect(await graphFailure(client.api(`/users/${alice}/events/${second?.id ?? ''}`).get())).toMatchObject({
      statusCode: 404,
      code: 'ErrorItemNotFound',
    });
    const instances = (await client
      .api(`/users/${alice}/events/${series.id ?? ''}/instances`)
      .query({ startDateTime: '2027-05-01T00:00:00Z', endDateTime: '2027-05-20T00:00:00Z' })
      .get()) as { value: MicrosoftGraph.Event[] };
    expect(instances.value.map((e) => e.type)).toEqual(['occurrence', 'exception']);
    await client.api(`/users/${alice}/events/${series.id ?? ''}`).delete();
  });

  it('puts day-31 monthly occurrences on the last day of shorter months, and yearly series on their date', async () => {
    const monthly = await create({
      subject: 'Month end',
      start: { dateTime: '2027-01-31T12:00:00', timeZone: 'UTC' },
      end: { dateTime: '2027-01-31T13:00:00', timeZone: 'UTC' },
      recurrence: {
        pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 },
        range: { type: 'noEnd', startDate: '2027-01-31' },
      },
    });
    const occ = await view('2027-01-01T00:00:00Z', '2027-05-01T00:00:00Z');
    expect(occ.map((e) => e.start?.dateTime?.slice(0, 10))).toEqual([
      '2027-01-31',
      '2027-02-28',
      '2027-03-31',
      '2027-04-30',
    ]);
    await client.api(`/users/${alice}/events/${monthly.id ?? ''}`).delete();
  });

  it('includes single and all-day events overlapping the window and pages long views by @odata.nextLink', async () => {
    await create({
      subject: 'Spans midnight',
      start: { dateTime: '2027-07-01T23:00:00', timeZone: 'UTC' },
      end: { dateTime: '2027-07-02T01:00:00', timeZone: 'UTC' },
    });
    await create({
      subject: 'Tokyo holiday',
      isAllDay: true,
      start: { dateTime: '2027-07-03T00:00:00', timeZone: 'Tokyo Standard Time' },
      end: { dateTime: '2027-07-04T00:00:00', timeZone: 'Tokyo Standard Time' },
    });
    const window = await view('2027-07-02T00:00:00Z', '2027-07-02T16:00:00Z');
    // The all-day Tokyo day starts 2 July 15:00 UTC.
    expect(window.map((e) => e.subject)).toEqual(['Spans midnight', 'Tokyo holiday']);
    await create({
      subject: 'Daily long',
      start: { dateTime: '2027-08-01T08:00:00', timeZone: 'UTC' },
      end: { dateTime: '2027-08-01T08:10:00', timeZone: 'UTC' },
      recurrence: {
        pattern: { type: 'daily', interval: 1 },
        range: { type: 'endDate', startDate: '2027-08-01', endDate: '2027-08-12' },
      },
    });
    const first = (await client
      .api(`/users/${alice}/calendarView`)
      .query({ startDateTime: '2027-08-01T00:00:00Z', endDateTime: '2027-09-01T00:00:00Z' })
      .top(5)
      .get()) as PageCollection;
    expect(first.value).toHaveLength(5);
    expect(first['@odata.nextLink']).toBeTruthy();
    const all: MicrosoftGraph.Event[] = [];
    await new PageIterator(client, first, (e: MicrosoftGraph.Event) => {
      all.push(e);
      return true;
    }).iterate();
    expect(all).toHaveLength(12);
    expect(new Set(all.map((e) => e.id)).size).toBe(12);
  });

  it('requires a valid startDateTime/endDateTime window (400 ErrorInvalidParameter)', async () => {
    expect(
      await graphFailure(
        client.api(`/users/${alice}/calendarView`).query({ startDateTime: '2027-01-01T00:00:00Z' }).get(),
      ),
    ).toMatchObject({ statusCode: 400, code: 'ErrorInvalidParameter' });
    expect(
      await graphFailure(
        client
          .api(`/users/${alice}/calendarView`)
          .query({ startDateTime: 'soon', endDateTime: '2027-01-02T00:00:00Z' })
          .get(),
      ),
    ).toMatchObject({ statusCode: 400, code: 'ErrorInvalidParameter' });
    expect(
      await graphFailure(
        client
          .api(`/users/${kit.otherUsers[0]?.userPrincipalName ?? ''}/calendarView`)
          .query({ startDateTime: '2027-01-01T00:00:00Z', endDateTime: '2027-01-02T00:00:00Z' })
          .get(),
      ),
    ).toMatchObject({ statusCode: 404, code: 'ErrorInvalidUser' });
  });
});

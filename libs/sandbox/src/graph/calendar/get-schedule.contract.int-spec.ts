import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { Client } from '@microsoft/microsoft-graph-client';
import { expectShape } from '../../testing/shape';
import {
  graphFailure,
  graphScenario,
  startGraphKit,
  type GraphKit,
} from '../../testing/graph-test-kit';
import { SCHEDULE_ITEM_SHAPE, SCHEDULE_SHAPE } from './calendar-test-shapes';
import { graphCalendarWorkload } from './graph-calendar.workload';

const PST = 'Pacific Standard Time';
const at = (dateTime: string, timeZone = PST) => ({ dateTime, timeZone });

// Sandbox start-up (TLS, RSA keys) and seeded expansions can be slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('graph-calendar: getSchedule free/busy computed live from events', () => {
  let kit: GraphKit;
  let client: Client;
  let alice: string;
  let bob: string;
  const schedule = async (
    c: Client,
    body: Record<string, unknown>,
    prefer?: string,
  ): Promise<MicrosoftGraph.ScheduleInformation[]> => {
    let req = c.api(`/users/${alice}/calendar/getSchedule`);
    if (prefer) req = req.header('Prefer', `outlook.timezone="${prefer}"`);
    return ((await req.post(body)) as { value: MicrosoftGraph.ScheduleInformation[] }).value;
  };

  beforeAll(async () => {
    kit = await startGraphKit(graphScenario({ calendar: { eventsPerUser: 0 } }), [graphCalendarWorkload]);
    client = await kit.app();
    alice = kit.users[0]?.userPrincipalName ?? '';
    bob = kit.users[1]?.userPrincipalName ?? '';
    const post = (body: Record<string, unknown>) =>
      client.api(`/users/${bob}/events`).post(body) as Promise<MicrosoftGraph.Event>;
    // Bob's 6 December 2027 (PST), written in several zones on purpose.
    await post({ subject: 'Busy block', start: at('2027-12-06T09:00:00'), end: at('2027-12-06T10:00:00') });
    await post({
      subject: 'Maybe',
      showAs: 'tentative',
      start: at('2027-12-06T18:30:00', 'UTC'),
      end: at('2027-12-06T19:00:00', 'UTC'),
    });
    await post({
      subject: 'Secret',
      sensitivity: 'private',
      showAs: 'oof',
      start: at('2027-12-07T04:00:00', 'Tokyo Standard Time'),
      end: at('2027-12-07T04:30:00', 'Tokyo Standard Time'),
    });
    await post({
      subject: 'Free slot',
      showAs: 'free',
      start: at('2027-12-06T08:00:00'),
      end: at('2027-12-06T12:00:00'),
    });
    await post({
      subject: 'Elsewhere',
      showAs: 'workingElsewhere',
      start: at('2027-12-06T08:00:00'),
      end: at('2027-12-06T08:30:00'),
    });
    const daily = await post({
      subject: 'Standup',
      start: at('2027-12-01T11:30:00'),
      end: at('2027-12-01T11:45:00'),
      recurrence: {
        pattern: { type: 'daily', interval: 1 },
        range: { type: 'noEnd', startDate: '2027-12-01' },
      },
    });
    // A cancelled event and a deleted occurrence of the series must not count as busy.
    const cancelled = await post({
      subject: 'Gone',
      start: at('2027-12-06T08:30:00'),
      end: at('2027-12-06T09:00:00'),
    });
    await client.api(`/users/${bob}/events/${cancelled.id ?? ''}`).delete();
    const occurrences = (await client
      .api(`/users/${bob}/events/${daily.id ?? ''}/instances`)
      .query({ startDateTime: '2027-12-07T00:00:00Z', endDateTime: '2027-12-08T00:00:00Z' })
      .get()) as { value: MicrosoftGraph.Event[] };
    await client.api(`/users/${bob}/events/${occurrences.value[0]?.id ?? ''}`).delete();
  });
  afterAll(() => kit.close());

  it('merges busy, tentative, oof and recurring occurrences into the availabilityView (working elsewhere and free as 0)', async () => {
    const [info] = await schedule(client, {
      schedules: [bob],
      startTime: at('2027-12-06T08:00:00'),
      endTime: at('2027-12-06T12:00:00'),
      availabilityViewInterval: 30,
    });
    expectShape<MicrosoftGraph.ScheduleInformation>(info, SCHEDULE_SHAPE, [
      'scheduleId',
      'availabilityView',
      'scheduleItems',
      'workingHours',
    ]);
    // 08:00 elsewhere(0) 08:30 | 09:00 busy 09:30 busy | 10:00 | 10:30 tentative | 11:00 oof | 11:30 standup
    expect(info?.availabilityView).toBe('00220132');
    const items = info?.scheduleItems ?? [];
    for (const item of items)
      expectShape<MicrosoftGraph.ScheduleItem>(item, SCHEDULE_ITEM_SHAPE, [
        'isPrivate',
        'status',
        'start',
        'end',
      ]);
    expect(items.map((i) => [i.status, i.subject ?? null])).toEqual([
      ['workingElsewhere', 'Elsewhere'],
      ['busy', 'Busy block'],
      ['tentative', 'Maybe'],
      ['oof', null],
      ['busy', 'Standup'],
    ]);
    expect(items[3]?.isPrivate).toBe(true);
    // No Prefer header: times in UTC.
    expect(items[1]?.start).toEqual({ dateTime: '2027-12-06T17:00:00.0000000', timeZone: 'UTC' });
    expect(info?.workingHours).toMatchObject({
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '08:00:00.0000000',
      endTime: '17:00:00.0000000',
    });
  });

  it('expands the recurring series across days, skipping the deleted occurrence, at 60-minute resolution', async () => {
    const [info] = await schedule(client, {
      schedules: [bob],
      startTime: at('2027-12-07T11:00:00'),
      endTime: at('2027-12-09T12:00:00'),
      availabilityViewInterval: '60',
    });
    const view = info?.availabilityView ?? '';
    expect(view).toHaveLength(49);
    // Standup 11:30 each day: slot 0 is 7 Dec (deleted), slot 24 is 8 Dec, slot 48 is 9 Dec.
    expect([view[0], view[24], view[48]]).toEqual(['0', '2', '2']);
    expect(view.replace(/0/g, '')).toBe('22');
  });

  it('answers unknown and other-tenant addresses with an error entry, not a failed request', async () => {
    const foreign = kit.otherUsers[0]?.userPrincipalName ?? '';
    const infos = await schedule(client, {
      schedules: [bob, 'nobody@contoso.example', foreign],
      startTime: at('2027-12-06T08:00:00'),
      endTime: at('2027-12-06T09:00:00'),
    });
    expect(infos.map((i) => i.scheduleId)).toEqual([bob, 'nobody@contoso.example', foreign]);
    expect(infos[0]?.availabilityView).toBe('00');
    for (const bad of infos.slice(1)) {
      expectShape<MicrosoftGraph.ScheduleInformation>(bad, SCHEDULE_SHAPE, ['scheduleId', 'error']);
      expect(bad.error).toMatchObject({ responseCode: 'ErrorMailRecipientNotFound' });
      expect(bad.availabilityView).toBe('');
    }
  });

  it('returns item times in the Prefer: outlook.timezone zone and reads time windows in their own zone', async () => {
    const [info] = await schedule(
      client,
      {
        Schedules: [bob],
        StartTime: at('2027-12-06T17:00:00', 'UTC'),
        EndTime: at('2027-12-06T18:00:00', 'UTC'),
        availabilityViewInterval: 15,
      },
      'Tokyo Standard Time',
    );
    expect(info?.availabilityView).toBe('2222');
    expect(info?.scheduleItems?.find((i) => i.subject === 'Busy block')?.start).toEqual({
      dateTime: '2027-12-07T02:00:00.0000000',
      timeZone: 'Tokyo Standard Time',
    });
  });

  it('accepts Calendars.ReadBasic, which cannot list events', async () => {
    await kit.setAppPermissions(['Calendars.ReadBasic']);
    try {
      const basic = await kit.app();
      const [info] = await schedule(basic, {
        schedules: [bob],
        startTime: at('2027-12-06T09:00:00'),
        endTime: at('2027-12-06T10:00:00'),
      });
      expect(info?.availabilityView).toBe('22');
      expect(await graphFailure(basic.api(`/users/${bob}/events`).get())).toMatchObject({
        statusCode: 403,
        code: 'ErrorAccessDenied',
      });
    } finally {
      await kit.setAppPermissions(['User.Read.All', 'Calendars.ReadWrite']);
    }
  });

  it('rejects bad requests: malformed JSON, bad interval, reversed or unparseable window, unknown zone', async () => {
    const url = `/users/${alice}/calendar/getSchedule`;
    const ok = { schedules: [bob], startTime: at('2027-12-06T08:00:00'), endTime: at('2027-12-06T09:00:00') };
    expect(await graphFailure(client.api(url).post('{"schedules": ['))).toMatchObject({
      statusCode: 400,
      code: 'UnableToDeserializePostBody',
    });
    expect(await graphFailure(client.api(url).post({ ...ok, availabilityViewInterval: 2 }))).toMatchObject({
      statusCode: 400,
      code: 'ErrorInvalidParameter',
    });
    expect(
      await graphFailure(client.api(url).post({ ...ok, endTime: at('2027-12-06T07:00:00') })),
    ).toMatchObject({ statusCode: 400, code: 'ErrorInvalidParameter' });
    expect(
      await graphFailure(client.api(url).post({ ...ok, startTime: at('2027-13-06T07:00:00') })),
    ).toMatchObject({ statusCode: 400, code: 'UnableToDeserializePostBody' });
    expect(
      await graphFailure(
        client.api(url).post({ ...ok, startTime: at('2027-12-06T07:00:00', 'Atlantis Time') }),
      ),
    ).toMatchObject({ statusCode: 400, code: 'TimeZoneNotSupportedException' });
    expect(await graphFailure(client.api(url).post({ ...ok, schedules: [] }))).toMatchObject({
      statusCode: 400,
      code: 'ErrorInvalidParameter',
    });
    expect(
      await graphFailure(client.api(url).post({ ...ok, endTime: at('2028-03-06T07:00:00') })),
    ).toMatchObject({ statusCode: 400, code: 'ErrorInvalidParameter' });
  });
});

describe('graph-calendar: getSchedule agrees with calendarView on seeded calendars', () => {
  let kit: GraphKit;
  beforeAll(async () => {
    kit = await startGraphKit(graphScenario({ calendar: { eventsPerUser: 18 } }), [graphCalendarWorkload]);
  });
  afterAll(() => kit.close());

  it('marks exactly the slots the non-free, expanded events cover', async () => {
    const client = await kit.app();
    const from = Date.parse('2026-11-30T00:00:00Z');
    const to = Date.parse('2027-01-30T00:00:00Z');
    const step = 60 * 60_000;
    for (const user of kit.users) {
      const events = (
        (await client
          .api(`/users/${user.userPrincipalName}/calendarView`)
          .query({ startDateTime: new Date(from).toISOString(), endDateTime: new Date(to).toISOString() })
          .top(1000)
          .get()) as { value: MicrosoftGraph.Event[] }
      ).value;
      expect(events.some((e) => e.type === 'occurrence')).toBe(true);
      expect(events.some((e) => e.type === 'exception')).toBe(true);
      const rank: Record<string, number> = { tentative: 1, busy: 2, oof: 3 };
      const expected = new Array<number>(Math.ceil((to - from) / step)).fill(0);
      for (const e of events) {
        const s = Date.parse(`${e.start?.dateTime ?? ''}Z`);
        const en = Date.parse(`${e.end?.dateTime ?? ''}Z`);
        const r = rank[e.showAs ?? ''] ?? 0;
        for (let i = 0; i < expected.length; i++)
          if (s < from + (i + 1) * step && en > from + i * step) expected[i] = Math.max(expected[i] ?? 0, r);
      }
      const body = {
        schedules: [user.userPrincipalName],
        startTime: { dateTime: '2026-11-30T00:00:00', timeZone: 'UTC' },
        endTime: { dateTime: '2027-01-30T00:00:00', timeZone: 'UTC' },
        availabilityViewInterval: 60,
      };
      const [info] = (
        (await client
          .api(`/users/${kit.users[0]?.userPrincipalName ?? ''}/calendar/getSchedule`)
          .post(body)) as { value: MicrosoftGraph.ScheduleInformation[] }
      ).value;
      expect(info?.availabilityView).toBe(expected.join(''));
    }
  });
});

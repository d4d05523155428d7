import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { PageIterator, ResponseType, type PageCollection } from '@microsoft/microsoft-graph-client';
import { expectShape } from '../../testing/shape';
import {
  graphFailure,
  graphScenario,
  startGraphKit,
  type GraphKit,
} from '../../testing/graph-test-kit';
import {
  CALENDAR_SHAPE,
  EVENT_SHAPE,
  RECURRENCE_PATTERN_SHAPE,
  RECURRENCE_RANGE_SHAPE,
} from './calendar-test-shapes';
import { graphCalendarWorkload } from './graph-calendar.workload';

// Sandbox start-up (TLS, RSA keys) and seeded expansions can be slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('graph-calendar: calendars and event CRUD through the official client', () => {
  let kit: GraphKit;
  let alice: string;
  beforeAll(async () => {
    kit = await startGraphKit(graphScenario({ calendar: { eventsPerUser: 12 } }), [graphCalendarWorkload]);
    alice = kit.users[0]?.userPrincipalName ?? '';
  });
  afterAll(() => kit.close());

  it('seeds single, all-day and recurring events across time zones, paging 10 at a time', async () => {
    const client = await kit.app();
    const first = (await client.api(`/users/${alice}/events`).get()) as PageCollection;
    expect(first.value).toHaveLength(10);
    const all: MicrosoftGraph.Event[] = [];
    await new PageIterator(client, first, (e: MicrosoftGraph.Event) => {
      all.push(e);
      return true;
    }).iterate();
    expect(all).toHaveLength(12);
    for (const e of all)
      expectShape<MicrosoftGraph.Event>(e, EVENT_SHAPE, [
        'id',
        'subject',
        'start',
        'end',
        'type',
        'recurrence',
      ]);
    expect(new Set(all.map((e) => e.originalStartTimeZone))).toEqual(
      new Set(['W. Europe Standard Time', 'Pacific Standard Time', 'Tokyo Standard Time', 'UTC']),
    );
    expect(all.some((e) => e.isAllDay)).toBe(true);
    const masters = all.filter((e) => e.type === 'seriesMaster');
    expect(new Set(masters.map((e) => e.recurrence?.pattern?.type))).toEqual(
      new Set(['daily', 'weekly', 'absoluteMonthly']),
    );
    for (const m of masters) {
      expectShape<MicrosoftGraph.RecurrencePattern>(m.recurrence?.pattern, RECURRENCE_PATTERN_SHAPE, [
        'type',
        'interval',
        'daysOfWeek',
        'firstDayOfWeek',
        'index',
      ]);
      expectShape<MicrosoftGraph.RecurrenceRange>(m.recurrence?.range, RECURRENCE_RANGE_SHAPE, [
        'type',
        'startDate',
        'endDate',
        'recurrenceTimeZone',
        'numberOfOccurrences',
      ]);
    }
    const weekly = masters.find((m) => m.recurrence?.pattern?.type === 'weekly');
    expect(weekly?.cancelledOccurrences?.[0]).toMatch(
      new RegExp(`^OID\\.${weekly?.id ?? ''}\\.\\d{4}-\\d{2}-\\d{2}$`),
    );
    // Without Prefer, times come back in UTC.
    expect(all.filter((e) => !e.isAllDay).every((e) => e.start?.timeZone === 'UTC')).toBe(true);
  });

  it('lists calendars, gets the default one, creates another, and refuses a duplicate name with 409', async () => {
    const client = await kit.app();
    const cal = (await client.api(`/users/${alice}/calendar`).get()) as MicrosoftGraph.Calendar;
    expectShape<MicrosoftGraph.Calendar>(cal, CALENDAR_SHAPE, ['id', 'name', 'isDefaultCalendar', 'owner']);
    expect(cal.isDefaultCalendar).toBe(true);
    const created = (await client
      .api(`/users/${alice}/calendars`)
      .post({ name: 'Projects' })) as MicrosoftGraph.Calendar;
    expect(created).toMatchObject({ name: 'Projects', isDefaultCalendar: false });
    const list = (await client.api(`/users/${alice}/calendars`).get()) as {
      value: MicrosoftGraph.Calendar[];
    };
    expect(list.value.map((c) => c.name).sort()).toEqual(['Calendar', 'Projects']);
    expect(
      await graphFailure(client.api(`/users/${alice}/calendars`).post({ name: 'projects' })),
    ).toMatchObject({ statusCode: 409, code: 'ErrorFolderExists' });
    const ev = (await client.api(`/users/${alice}/calendars/${created.id ?? ''}/events`).post({
      subject: 'In Projects',
      start: { dateTime: '2027-02-01T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2027-02-01T11:00:00', timeZone: 'UTC' },
    })) as MicrosoftGraph.Event;
    const inProjects = (await client.api(`/users/${alice}/calendars/${created.id ?? ''}/events`).get()) as {
      value: MicrosoftGraph.Event[];
    };
    expect(inProjects.value.map((e) => e.id)).toEqual([ev.id]);
    expect(
      await graphFailure(client.api(`/users/${alice}/calendar/events/${ev.id ?? ''}`).get()),
    ).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
  });

  it('creates, reads in another zone via Prefer: outlook.timezone, updates and deletes an event', async () => {
    const client = await kit.app();
    const created = (await client.api(`/users/${alice}/events`).post({
      subject: 'Kick-off',
      body: { contentType: 'html', content: '<p>Hello <b>team</b></p>' },
      start: { dateTime: '2027-03-10T09:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2027-03-10T10:30:00', timeZone: 'W. Europe Standard Time' },
      location: { displayName: 'Room 1' },
      attendees: [
        { emailAddress: { address: kit.users[1]?.userPrincipalName ?? '', name: 'Bob' }, type: 'required' },
      ],
    })) as MicrosoftGraph.Event;
    expectShape<MicrosoftGraph.Event>(created, EVENT_SHAPE, ['id', 'iCalUId']);
    expect(created).toMatchObject({
      subject: 'Kick-off',
      type: 'singleInstance',
      bodyPreview: 'Hello team',
      originalStartTimeZone: 'W. Europe Standard Time',
    });
    expect(created.start).toEqual({ dateTime: '2027-03-10T08:00:00.0000000', timeZone: 'UTC' });
    const tokyo = (await client
      .api(`/users/${alice}/events/${created.id ?? ''}`)
      .header('Prefer', 'outlook.timezone="Tokyo Standard Time"')
      .get()) as MicrosoftGraph.Event;
    expect(tokyo.start).toEqual({ dateTime: '2027-03-10T17:00:00.0000000', timeZone: 'Tokyo Standard Time' });
    expect(tokyo.end).toEqual({ dateTime: '2027-03-10T18:30:00.0000000', timeZone: 'Tokyo Standard Time' });
    const raw = (await client
      .api(`/users/${alice}/events/${created.id ?? ''}`)
      .header('Prefer', 'outlook.timezone="Pacific Standard Time"')
      .responseType(ResponseType.RAW)
      .get()) as Response;
    expect(raw.headers.get('preference-applied')).toBe('outlook.timezone="Pacific Standard Time"');
    expect(((await raw.json()) as MicrosoftGraph.Event).start?.dateTime).toBe('2027-03-10T00:00:00.0000000');
    const patched = (await client.api(`/users/${alice}/events/${created.id ?? ''}`).patch({
      subject: 'Kick-off (moved)',
      start: { dateTime: '2027-03-10T12:00:00', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2027-03-10T13:00:00', timeZone: 'Pacific Standard Time' },
    })) as MicrosoftGraph.Event;
    expect(patched.subject).toBe('Kick-off (moved)');
    expect(patched.start?.dateTime).toBe('2027-03-10T20:00:00.0000000');
    expect(patched.changeKey).not.toBe(created.changeKey);
    const landed = (await kit.inspect(`/microsoft/calendar/${alice}/events/${created.id ?? ''}`)).body as {
      start: string;
      subject: string;
    };
    expect(landed).toMatchObject({ start: '2027-03-10T20:00:00.000Z', subject: 'Kick-off (moved)' });
    await client.api(`/users/${alice}/events/${created.id ?? ''}`).delete();
    expect(await graphFailure(client.api(`/users/${alice}/events/${created.id ?? ''}`).get())).toMatchObject({
      statusCode: 404,
      code: 'ErrorItemNotFound',
      message: 'The specified object was not found in the store.',
    });
    const log = (await kit.inspect(`/microsoft/calendar/${alice}/mutations`)).body as {
      value: { op: string; id: string }[];
    };
    expect(log.value.filter((m) => m.id === created.id).map((m) => m.op)).toEqual([
      'create',
      'update',
      'delete',
    ]);
  });

  it('creates an all-day event and a recurring series, returning the recurrence in Graph shape', async () => {
    const client = await kit.app();
    const allDay = (await client.api(`/users/${alice}/events`).post({
      subject: 'Holiday',
      isAllDay: true,
      showAs: 'oof',
      start: { dateTime: '2027-04-01T00:00:00', timeZone: 'Tokyo Standard Time' },
      end: { dateTime: '2027-04-03T00:00:00', timeZone: 'Tokyo Standard Time' },
    })) as MicrosoftGraph.Event;
    expect(allDay.start).toEqual({
      dateTime: '2027-04-01T00:00:00.0000000',
      timeZone: 'Tokyo Standard Time',
    });
    const series = (await client.api(`/users/${alice}/events`).post({
      subject: 'Standup',
      start: { dateTime: '2027-04-05T09:00:00', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2027-04-05T09:15:00', timeZone: 'Pacific Standard Time' },
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday', 'wednesday'] },
        range: { type: 'numbered', startDate: '2027-04-05', numberOfOccurrences: 6 },
      },
    })) as MicrosoftGraph.Event;
    expect(series.type).toBe('seriesMaster');
    expect(series.recurrence).toEqual({
      pattern: {
        type: 'weekly',
        interval: 1,
        month: 0,
        dayOfMonth: 0,
        daysOfWeek: ['monday', 'wednesday'],
        firstDayOfWeek: 'sunday',
        index: 'first',
      },
      range: {
        type: 'numbered',
        startDate: '2027-04-05',
        endDate: '0001-01-01',
        recurrenceTimeZone: 'Pacific Standard Time',
        numberOfOccurrences: 6,
      },
    });
  });

  it('answers bad input with Outlook errors: malformed JSON, invalid dates, unknown zone, end before start, unknown property', async () => {
    const client = await kit.app();
    const url = `/users/${alice}/events`;
    expect(await graphFailure(client.api(url).post('{"subject": "x",'))).toMatchObject({
      statusCode: 400,
      code: 'UnableToDeserializePostBody',
    });
    expect(
      await graphFailure(
        client.api(url).post({
          subject: 'x',
          start: { dateTime: '2027-02-30T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2027-03-01T10:00:00', timeZone: 'UTC' },
        }),
      ),
    ).toMatchObject({ statusCode: 400, code: 'UnableToDeserializePostBody' });
    expect(
      await graphFailure(
        client.api(url).post({
          subject: 'x',
          start: { dateTime: '2027-03-01T10:00:00', timeZone: 'Mars Standard Time' },
          end: { dateTime: '2027-03-01T11:00:00', timeZone: 'UTC' },
        }),
      ),
    ).toMatchObject({ statusCode: 400, code: 'TimeZoneNotSupportedException' });
    expect(
      await graphFailure(
        client.api(url).post({
          subject: 'x',
          start: { dateTime: '2027-03-01T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2027-03-01T09:00:00', timeZone: 'UTC' },
        }),
      ),
    ).toMatchObject({ statusCode: 400, code: 'ErrorInvalidRequest' });
    expect(
      await graphFailure(
        client.api(url).post({
          subject: 'x',
          colour: 'red',
          start: { dateTime: '2027-03-01T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2027-03-01T11:00:00', timeZone: 'UTC' },
        }),
      ),
    ).toMatchObject({ statusCode: 400, code: 'RequestBodyRead' });
    expect(
      await graphFailure(
        client.api(url).post({
          subject: 'x',
          isAllDay: true,
          start: { dateTime: '2027-03-01T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2027-03-02T10:00:00', timeZone: 'UTC' },
        }),
      ),
    ).toMatchObject({ statusCode: 400, code: 'ErrorInvalidRequest' });
    expect(
      await graphFailure(
        client.api(url).post({
          subject: 'x',
          start: { dateTime: '2027-03-01T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2027-03-01T11:00:00', timeZone: 'UTC' },
          recurrence: {
            pattern: { type: 'weekly', interval: 1 },
            range: { type: 'noEnd', startDate: '2027-03-01' },
          },
        }),
      ),
    ).toMatchObject({ statusCode: 400, code: 'ErrorInvalidRequest' });
    expect(await graphFailure(client.api(`${url}/not-an-id`).get())).toMatchObject({
      statusCode: 400,
      code: 'ErrorInvalidIdMalformed',
    });
    expect(await graphFailure(client.api(`${url}/AAMkAGunknown`).patch({ subject: 'y' }))).toMatchObject({
      statusCode: 404,
      code: 'ErrorItemNotFound',
    });
  });

  it("isolates tenants and mailboxes: another tenant's user is 404 ErrorInvalidUser, a delegated token reaches only its own calendar", async () => {
    const client = await kit.app();
    const foreign = kit.otherUsers[0]?.userPrincipalName ?? '';
    expect(await graphFailure(client.api(`/users/${foreign}/events`).get())).toMatchObject({
      statusCode: 404,
      code: 'ErrorInvalidUser',
    });
    expect(await graphFailure(client.api('/users/nobody@contoso.example/calendar').get())).toMatchObject({
      statusCode: 404,
      code: 'ErrorInvalidUser',
    });
    const delegated = await kit.delegated(alice, ['https://graph.microsoft.com/Calendars.ReadWrite']);
    const mine = (await delegated.api('/me/events').top(2).get()) as { value: MicrosoftGraph.Event[] };
    expect(mine.value).toHaveLength(2);
    expect(
      await graphFailure(delegated.api(`/users/${kit.users[1]?.userPrincipalName ?? ''}/events`).get()),
    ).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
    expect(await graphFailure(client.api('/me/events').get())).toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
    });
  });

  it('refuses reads without a Calendars permission and writes with Calendars.Read only', async () => {
    await kit.setAppPermissions(['User.Read.All']);
    try {
      const none = await kit.app();
      expect(await graphFailure(none.api(`/users/${alice}/events`).get())).toMatchObject({
        statusCode: 403,
        code: 'ErrorAccessDenied',
      });
      await kit.setAppPermissions(['Calendars.Read']);
      const reader = await kit.app();
      expect(
        ((await reader.api(`/users/${alice}/events`).top(1).get()) as { value: unknown[] }).value,
      ).toHaveLength(1);
      expect(
        await graphFailure(
          reader.api(`/users/${alice}/events`).post({
            subject: 'x',
            start: { dateTime: '2027-03-01T10:00:00', timeZone: 'UTC' },
            end: { dateTime: '2027-03-01T11:00:00', timeZone: 'UTC' },
          }),
        ),
      ).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
    } finally {
      await kit.setAppPermissions(['User.Read.All', 'Calendars.ReadWrite']);
    }
  });
});

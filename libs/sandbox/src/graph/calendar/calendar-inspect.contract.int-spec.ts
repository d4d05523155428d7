import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import {
  graphFailure,
  graphScenario,
  startGraphKit,
  type GraphKit,
} from '../../testing/graph-test-kit';
import { graphCalendarWorkload } from './graph-calendar.workload';

// Sandbox start-up (TLS, RSA keys) and seeded expansions can be slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('graph-calendar inspection API: read back and change calendars between passes', () => {
  let kit: GraphKit;
  let alice: string;
  const json = (method: string, body: unknown): RequestInit => ({
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  beforeAll(async () => {
    kit = await startGraphKit(graphScenario({ calendar: { eventsPerUser: 6 } }), [graphCalendarWorkload]);
    alice = kit.users[0]?.userPrincipalName ?? '';
  });
  afterAll(() => kit.close());

  it('counts seeded events per mailbox (by id or UPN) and in the sandbox summary', async () => {
    const byUpn = await kit.inspect(`/microsoft/calendar/${alice}`);
    expect(byUpn.body).toMatchObject({
      calendars: 1,
      events: 6,
      seriesMasters: 3,
      cancelledOccurrences: 1,
      exceptions: 1,
    });
    const byId = await kit.inspect(`/microsoft/calendar/${kit.users[0]?.id ?? ''}`);
    expect(byId.body).toEqual(byUpn.body);
    const summary = (await kit.inspect('/summary')).body as Record<string, unknown>;
    // 3 + 1 users across the two tenants, 6 events each.
    expect(summary['graph-calendar']).toEqual({ mailboxes: 4, calendars: 4, events: 24 });
    expect((await kit.inspect('/microsoft/calendar/nobody@nowhere.example')).status).toBe(404);
  });

  it('adds, changes and deletes events (and single occurrences) that the Graph API then sees', async () => {
    const client = await kit.app();
    const added = await kit.inspect(
      `/microsoft/calendar/${alice}/events`,
      json('POST', {
        subject: 'Injected',
        start: { dateTime: '2027-06-01T10:00:00', timeZone: 'Tokyo Standard Time' },
        end: { dateTime: '2027-06-01T11:00:00', timeZone: 'Tokyo Standard Time' },
        recurrence: {
          pattern: { type: 'daily', interval: 1 },
          range: { type: 'numbered', startDate: '2027-06-01', numberOfOccurrences: 3 },
        },
      }),
    );
    expect(added.status).toBe(201);
    const meta = added.body as { id: string; start: string; bodySha256: string };
    expect(meta.start).toBe('2027-06-01T01:00:00.000Z');
    expect(meta.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    const view = async () =>
      (
        (await client
          .api(`/users/${alice}/calendarView`)
          .query({ startDateTime: '2027-06-01T00:00:00Z', endDateTime: '2027-06-05T00:00:00Z' })
          .get()) as { value: MicrosoftGraph.Event[] }
      ).value;
    const occurrences = await view();
    expect(occurrences.map((e) => e.subject)).toEqual(['Injected', 'Injected', 'Injected']);
    expect(
      (
        await kit.inspect(
          `/microsoft/calendar/${alice}/events/${meta.id}`,
          json('PATCH', { subject: 'Renamed' }),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await kit.inspect(`/microsoft/calendar/${alice}/events/${occurrences[1]?.id ?? ''}`, {
          method: 'DELETE',
        })
      ).status,
    ).toBe(200);
    expect((await view()).map((e) => e.subject)).toEqual(['Renamed', 'Renamed']);
    expect((await kit.inspect(`/microsoft/calendar/${alice}/events/${meta.id}`)).body).toMatchObject({
      subject: 'Renamed',
      cancelledOccurrences: ['2027-06-02'],
    });
    expect(
      (await kit.inspect(`/microsoft/calendar/${alice}/events/${meta.id}`, { method: 'DELETE' })).status,
    ).toBe(200);
    expect(await graphFailure(client.api(`/users/${alice}/events/${meta.id}`).get())).toMatchObject({
      statusCode: 404,
      code: 'ErrorItemNotFound',
    });
    const log = (await kit.inspect(`/microsoft/calendar/${alice}/mutations`)).body as {
      value: { op: string; kind: string; via: string }[];
    };
    expect(log.value.map((m) => `${m.via}:${m.op}:${m.kind}`)).toEqual([
      'inspect:create:event',
      'inspect:update:event',
      'inspect:delete:occurrence',
      'inspect:delete:event',
    ]);
  });

  it('answers bad inspection input with 400 and unknown ids with 404', async () => {
    expect(
      (await kit.inspect(`/microsoft/calendar/${alice}/events`, json('POST', { subject: 'No times' })))
        .status,
    ).toBe(400);
    expect(
      (
        await kit.inspect(`/microsoft/calendar/${alice}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{oops',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await kit.inspect(
          `/microsoft/calendar/${alice}/events/AAMkAGmissing`,
          json('PATCH', { subject: 'x' }),
        )
      ).status,
    ).toBe(404);
  });
});

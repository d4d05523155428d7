import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { Client } from '@microsoft/microsoft-graph-client';
import {
  graphFailure,
  graphScenario,
  startGraphKit,
  type GraphKit,
} from '../../testing/graph-test-kit';
import { graphCalendarWorkload } from './graph-calendar.workload';

// Sandbox start-up (TLS, RSA keys) and seeded expansions can be slow on a loaded CI machine.
jest.setTimeout(30_000);

type DeltaPage = {
  value: (MicrosoftGraph.Event & { '@removed'?: { reason: string } })[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
};

describe('graph-calendar: calendarView/delta rounds', () => {
  let kit: GraphKit;
  let client: Client;
  let alice: string;
  const window = { startDateTime: '2026-11-30T00:00:00Z', endDateTime: '2027-01-30T00:00:00Z' };
  /** Follows nextLinks to the deltaLink, as a sync engine does. */
  const round = async (
    first: string | null,
  ): Promise<{ items: DeltaPage['value']; deltaLink: string; pages: number }> => {
    const items: DeltaPage['value'] = [];
    let pages = 0;
    let page = (await (
      first ? client.api(first) : client.api(`/users/${alice}/calendarView/delta`).query(window)
    )
      .header('Prefer', 'odata.maxpagesize=4')
      .get()) as DeltaPage;
    for (;;) {
      pages++;
      items.push(...page.value);
      if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'], pages };
      page = (await client
        .api(page['@odata.nextLink'] ?? '')
        .header('Prefer', 'odata.maxpagesize=4')
        .get()) as DeltaPage;
    }
  };

  beforeAll(async () => {
    kit = await startGraphKit(graphScenario({ calendar: { eventsPerUser: 6 } }), [graphCalendarWorkload]);
    client = await kit.app();
    alice = kit.users[0]?.userPrincipalName ?? '';
  });
  afterAll(() => kit.close());

  it('returns every instance of the window in the first round, then only what changed, deletions as @removed', async () => {
    const view = (
      (await client.api(`/users/${alice}/calendarView`).query(window).top(1000).get()) as {
        value: MicrosoftGraph.Event[];
      }
    ).value;
    const first = await round(null);
    expect(first.pages).toBeGreaterThan(1);
    expect(first.items.map((e) => e.id).sort()).toEqual(view.map((e) => e.id).sort());

    const quiet = await round(first.deltaLink);
    expect(quiet.items).toEqual([]);

    const single = view.find((e) => e.type === 'singleInstance');
    const occurrence = view.find((e) => e.type === 'occurrence');
    const created = (await client
      .api(`/users/${alice}/events`)
      .post({
        subject: 'New in window',
        start: { dateTime: '2026-12-15T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-12-15T11:00:00', timeZone: 'UTC' },
      })) as MicrosoftGraph.Event;
    await client.api(`/users/${alice}/events/${single?.id ?? ''}`).patch({ subject: 'Changed' });
    await client.api(`/users/${alice}/events/${occurrence?.id ?? ''}`).delete();
    const changes = await round(quiet.deltaLink);
    const byId = new Map(changes.items.map((e) => [e.id, e]));
    expect(byId.get(created.id ?? '')?.subject).toBe('New in window');
    expect(byId.get(single?.id ?? '')?.subject).toBe('Changed');
    expect(byId.get(occurrence?.id ?? '')?.['@removed']).toEqual({ reason: 'deleted' });
    // The series lost one occurrence, so its remaining instances are re-sent as changed.
    expect(
      changes.items.filter((e) => e.seriesMasterId === occurrence?.seriesMasterId && !e['@removed']).length,
    ).toBeGreaterThan(0);

    await client.api(`/users/${alice}/events/${created.id ?? ''}`).delete();
    const removal = await round(changes.deltaLink);
    expect(removal.items).toEqual([
      expect.objectContaining({ id: created.id, '@removed': { reason: 'deleted' } }),
    ]);
  });

  it('answers an expired token with 410 syncStateNotFound and a Location to restart, and a corrupt one with 400', async () => {
    const first = await round(null);
    const expired = await kit.inspect(`/microsoft/calendar/${alice}/expire-delta`, { method: 'POST' });
    expect(expired.status).toBe(200);
    const gone = await graphFailure(client.api(first.deltaLink).get());
    expect(gone).toMatchObject({ statusCode: 410, code: 'syncStateNotFound' });
    expect(gone.headers?.get('location')).toContain('/calendarView/delta?startDateTime=');
    const restarted = await round(null);
    expect(restarted.items.length).toBeGreaterThan(0);
    expect(
      await graphFailure(
        client.api(`/users/${alice}/calendarView/delta`).query({ $deltatoken: 'garbage' }).get(),
      ),
    ).toMatchObject({ statusCode: 400, code: 'ErrorInvalidSyncStateData' });
    expect(await graphFailure(client.api(`/users/${alice}/calendarView/delta`).get())).toMatchObject({
      statusCode: 400,
      code: 'ErrorInvalidParameter',
    });
  });

  it('answers as expired when a stale-delta fault is injected', async () => {
    const first = await round(null);
    const fault = await kit.inspect('/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        operation: 'graph.calendarView.delta',
        effect: { kind: 'stale-delta' },
        times: 1,
      }),
    });
    expect(fault.status).toBe(201);
    expect(await graphFailure(client.api(first.deltaLink).get())).toMatchObject({
      statusCode: 410,
      code: 'syncStateNotFound',
    });
    expect((await client.api(first.deltaLink).get()) as DeltaPage).toHaveProperty(['@odata.deltaLink']);
  });
});

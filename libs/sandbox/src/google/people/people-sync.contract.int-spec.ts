import type { people_v1 } from 'googleapis';
import { googleFailure } from '../../testing/google-api-failure';
import { startPeopleFixture, type PeopleFixture } from './people-contract.fixture';

describe('People API incremental sync through googleapis', () => {
  let f: PeopleFixture;
  let people: people_v1.People;
  let me: string;
  const full = async (): Promise<{ names: string[]; token: string }> => {
    const names: string[] = [];
    let pageToken: string | undefined;
    for (;;) {
      const { data } = await people.people.connections.list({ resourceName: 'people/me', personFields: 'names', pageSize: 2, requestSyncToken: true, ...(pageToken ? { pageToken } : {}) });
      names.push(...(data.connections ?? []).map((c) => c.resourceName ?? ''));
      if (!data.nextPageToken) return { names, token: data.nextSyncToken ?? '' };
      expect(data.nextSyncToken).toBeUndefined();
      pageToken = data.nextPageToken;
    }
  };

  beforeAll(async () => {
    f = await startPeopleFixture(5);
    me = f.users[0] ?? '';
    people = await f.peopleAs(me);
  }, 60_000);
  afterAll(() => f.sandbox.close());

  it('returns nextSyncToken only when asked, then only the changes, deletions flagged', async () => {
    const plain = await people.people.connections.list({ resourceName: 'people/me', personFields: 'names' });
    expect(plain.data.nextSyncToken).toBeUndefined();
    const { names, token } = await full();
    expect(names).toHaveLength(5);
    const [toChange, toDelete] = names;
    const added = await people.people.createContact({ requestBody: { names: [{ givenName: 'New' }] } });
    const current = await people.people.get({ resourceName: toChange ?? '', personFields: 'names' });
    await people.people.updateContact({ resourceName: toChange ?? '', updatePersonFields: 'nicknames', requestBody: { etag: current.data.etag ?? '', nicknames: [{ value: 'Nick' }] } });
    expect((await f.inspect(`${me}/contacts/${encodeURIComponent(toDelete ?? '')}`, { method: 'DELETE' })).status).toBe(200);
    const delta = await people.people.connections.list({ resourceName: 'people/me', personFields: 'names,nicknames', syncToken: token, requestSyncToken: true });
    const byName = new Map((delta.data.connections ?? []).map((c) => [c.resourceName, c]));
    expect([...byName.keys()].sort()).toEqual([added.data.resourceName, toChange, toDelete].sort());
    expect(byName.get(toDelete)?.metadata?.deleted).toBe(true);
    expect(byName.get(toChange)?.nicknames?.[0]?.value).toBe('Nick');
    const quiet = await people.people.connections.list({ resourceName: 'people/me', personFields: 'names', syncToken: delta.data.nextSyncToken ?? '', requestSyncToken: true });
    expect(quiet.data.connections).toBeUndefined();
  });

  it('expires tokens through the inspection API, an injected fault, and 7 days after the full sync', async () => {
    const { token } = await full();
    const expired = (r: Awaited<ReturnType<typeof googleFailure>>) => {
      expect(r).toMatchObject({ status: 400, body: { error: { status: 'FAILED_PRECONDITION', details: [{ reason: 'EXPIRED_SYNC_TOKEN' }] } } });
    };
    const fault = await fetch(`${f.sandbox.endpoints.inspect}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operation: 'people.connections.list', effect: { kind: 'stale-delta' }, times: 1 }) });
    expect(fault.status).toBe(201);
    expired(await googleFailure(people.people.connections.list({ resourceName: 'people/me', personFields: 'names', syncToken: token })));
    expect((await people.people.connections.list({ resourceName: 'people/me', personFields: 'names', syncToken: token })).status).toBe(200);
    await f.inspect(`${me}/sync-tokens/expire`, { method: 'POST' });
    expired(await googleFailure(people.people.connections.list({ resourceName: 'people/me', personFields: 'names', syncToken: token })));
    expired(await googleFailure(people.people.connections.list({ resourceName: 'people/me', personFields: 'names', syncToken: 'garbage' })));

    const fresh = await full();
    f.sandbox.context.clock.advance(6 * 86_400_000);
    const later = await f.peopleAs(me);
    const stillGood = await later.people.connections.list({ resourceName: 'people/me', personFields: 'names', syncToken: fresh.token, requestSyncToken: true });
    expect(stillGood.status).toBe(200);
    f.sandbox.context.clock.advance(2 * 86_400_000);
    const muchLater = await f.peopleAs(me);
    // Tokens from incremental syncs keep the full sync's age: both are past 7 days now.
    expired(await googleFailure(muchLater.people.connections.list({ resourceName: 'people/me', personFields: 'names', syncToken: stillGood.data.nextSyncToken ?? '' })));
  });
});

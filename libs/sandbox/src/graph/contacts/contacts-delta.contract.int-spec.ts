import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { Client } from '@microsoft/microsoft-graph-client';
import {
  graphFailure,
  graphScenario,
  startGraphKit,
  type GraphKit,
} from '../../testing/graph-test-kit';
import { graphContactsWorkload } from './graph-contacts.workload';

// Sandbox start-up (TLS, RSA keys) can be slow on a loaded CI machine.
jest.setTimeout(30_000);

type DeltaPage = {
  value: (MicrosoftGraph.Contact & { '@removed'?: { reason: string } })[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
};

describe('graph-contacts: contacts/delta rounds', () => {
  let kit: GraphKit;
  let client: Client;
  let alice: string;
  const round = async (
    first: string,
  ): Promise<{ items: DeltaPage['value']; deltaLink: string; pages: number }> => {
    const items: DeltaPage['value'] = [];
    let pages = 0;
    let url = first;
    for (;;) {
      const page = (await client.api(url).header('Prefer', 'odata.maxpagesize=5').get()) as DeltaPage;
      pages++;
      items.push(...page.value);
      if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'], pages };
      url = page['@odata.nextLink'] ?? '';
    }
  };

  beforeAll(async () => {
    kit = await startGraphKit(graphScenario({ contacts: { contactsPerUser: 15 } }), [graphContactsWorkload]);
    client = await kit.app();
    alice = kit.users[0]?.userPrincipalName ?? '';
  });
  afterAll(() => kit.close());

  it('syncs the default folder fully, then returns only changes and deletions (including inspection changes)', async () => {
    const first = await round(`/users/${alice}/contacts/delta`);
    expect(first.items).toHaveLength(12);
    expect(first.pages).toBe(3);
    expect((await round(first.deltaLink)).items).toEqual([]);
    const [a, b] = first.items;
    await client.api(`/users/${alice}/contacts/${a?.id ?? ''}`).patch({ jobTitle: 'Changed' });
    await client.api(`/users/${alice}/contacts/${b?.id ?? ''}`).delete();
    const injected = (
      await kit.inspect(`/microsoft/contacts/${alice}/contacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ givenName: 'Between passes' }),
      })
    ).body as { id: string };
    const second = await round(first.deltaLink);
    expect(second.items.map((c) => [c.id, c.jobTitle ?? c.displayName ?? c['@removed']])).toEqual([
      [a?.id, 'Changed'],
      [injected.id, 'Between passes'],
      [b?.id, { reason: 'deleted' }],
    ]);
  });

  it('tracks a subfolder separately and refuses its token on another folder', async () => {
    const folders = (await client.api(`/users/${alice}/contactFolders`).get()) as {
      value: MicrosoftGraph.ContactFolder[];
    };
    const suppliers = folders.value[0]?.id ?? '';
    const first = await round(`/users/${alice}/contactFolders/${suppliers}/contacts/delta`);
    expect(first.items).toHaveLength(3);
    const token = new URL(first.deltaLink).searchParams.get('$deltatoken') ?? '';
    expect(
      await graphFailure(client.api(`/users/${alice}/contacts/delta`).query({ $deltatoken: token }).get()),
    ).toMatchObject({ statusCode: 400, code: 'ErrorInvalidSyncStateData' });
  });

  it('expires tokens: 410 syncStateNotFound after expire-delta or a stale-delta fault', async () => {
    const first = await round(`/users/${alice}/contacts/delta`);
    await kit.inspect('/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'graph.contacts.delta', effect: { kind: 'stale-delta' }, times: 1 }),
    });
    expect(await graphFailure(client.api(first.deltaLink).get())).toMatchObject({
      statusCode: 410,
      code: 'syncStateNotFound',
    });
    expect((await round(first.deltaLink)).items).toEqual([]);
    expect((await kit.inspect(`/microsoft/contacts/${alice}/expire-delta`, { method: 'POST' })).status).toBe(
      200,
    );
    const gone = await graphFailure(client.api(first.deltaLink).get());
    expect(gone).toMatchObject({ statusCode: 410, code: 'syncStateNotFound' });
    expect(gone.headers?.get('location')).toMatch(/\/contacts\/delta$/);
  });
});

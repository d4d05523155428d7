import type * as MicrosoftGraph from '@microsoft/microsoft-graph-client';
import type * as Types from '@microsoft/microsoft-graph-types';
import { expectShape } from '../../testing/shape';
import { graphFailure, startGraphKit, type GraphKit } from '../../testing/graph-test-kit';
import { graphMailWorkload } from './graph-mail.workload';
import { mailScenario } from './mail-test.fixture';
import { MESSAGE_SHAPE } from './mail-shapes';

type DeltaPage = { value: (Types.Message & { '@removed'?: { reason: string } })[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };

async function round(client: MicrosoftGraph.Client, url: string, pageSize?: number): Promise<{ items: DeltaPage['value']; deltaLink: string; pages: number }> {
  const items: DeltaPage['value'] = [];
  let pages = 0;
  let next: string | undefined = url;
  for (;;) {
    const req = client.api(next);
    if (pageSize) req.header('Prefer', `odata.maxpagesize=${pageSize}`);
    const page = (await req.get()) as DeltaPage;
    pages++;
    items.push(...page.value);
    expect(page['@odata.nextLink'] !== undefined && page['@odata.deltaLink'] !== undefined).toBe(false);
    if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'], pages };
    next = page['@odata.nextLink'];
    if (!next) throw new Error('a delta page without nextLink or deltaLink');
  }
}

describe('Graph message delta per folder', () => {
  let kit: GraphKit;
  let upn: string;
  beforeAll(async () => {
    kit = await startGraphKit(mailScenario({ messagesPerUser: 80 }), [graphMailWorkload]);
    upn = kit.users[2]?.userPrincipalName ?? '';
  });
  afterAll(() => kit.close());

  it('pages a full round with nextLink, ends with a deltaLink, then reports only changes and @removed', async () => {
    const client = await kit.app();
    const inbox = (await client.api(`/users/${upn}/mailFolders/inbox`).get()) as Types.MailFolder;
    const first = await round(client, `/users/${upn}/mailFolders/inbox/messages/delta`, 7);
    expect(first.items).toHaveLength(inbox.totalItemCount ?? -1);
    expect(first.pages).toBe(Math.ceil((inbox.totalItemCount ?? 0) / 7) + ((inbox.totalItemCount ?? 0) % 7 === 0 ? 1 : 0));
    for (const m of first.items.slice(0, 3)) expectShape<Types.Message>(m, MESSAGE_SHAPE, ['id', 'subject', 'isRead']);

    const quiet = await round(client, first.deltaLink);
    expect(quiet.items).toHaveLength(0);

    const [a, b, c] = first.items;
    const added = (await kit.inspect(`/microsoft/mail/${upn}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ folder: 'inbox', subject: 'arrived between passes' }) })).body as { id: string };
    await kit.inspect(`/microsoft/mail/${upn}/messages/${encodeURIComponent(a?.id ?? '')}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ isRead: !a?.isRead, flag: { flagStatus: 'flagged' } }) });
    await kit.inspect(`/microsoft/mail/${upn}/messages/${encodeURIComponent(b?.id ?? '')}`, { method: 'DELETE' });
    await kit.inspect(`/microsoft/mail/${upn}/messages/${encodeURIComponent(c?.id ?? '')}/move`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ folder: 'Inbox/Projets' }) });

    const changes = await round(client, quiet.deltaLink);
    const removed = changes.items.filter((i) => i['@removed']).map((i) => i.id);
    const updated = changes.items.filter((i) => !i['@removed']);
    expect(removed.sort()).toEqual([b?.id, c?.id].sort());
    expect(changes.items.find((i) => i.id === b?.id)).toEqual({ '@odata.type': '#microsoft.graph.message', id: b?.id, '@removed': { reason: 'deleted' } });
    expect(updated.map((m) => m.id).sort()).toEqual([a?.id, added.id].sort());
    expect(updated.find((m) => m.id === a?.id)).toMatchObject({ isRead: !a?.isRead, flag: { flagStatus: 'flagged' } });

    const folders = (await kit.inspect(`/microsoft/mail/${upn}/folders`)).body as { folders: { id: string; path: string }[] };
    const projetsId = folders.folders.find((f) => f.path === 'Inbox/Projets')?.id ?? '';
    const projets = await round(client, `/users/${upn}/mailFolders/${projetsId}/messages/delta`, 1000);
    expect(projets.items.map((i) => i.id)).toContain(c?.id);
    const after = await round(client, changes.deltaLink);
    expect(after.items).toHaveLength(0);
  });

  it('sees changes made through the API itself (PATCH, move, create) in the next round', async () => {
    const client = await kit.app();
    const start = await round(client, `/users/${upn}/mailFolders/sentitems/messages/delta`, 50);
    const [x] = start.items;
    await client.api(`/users/${upn}/messages/${x?.id ?? ''}`).patch({ categories: ['Delta'] });
    const created = (await client.api(`/users/${upn}/mailFolders/sentitems/messages`).post({ subject: 'new in sent' })) as Types.Message;
    const next = await round(client, start.deltaLink);
    expect(next.items.map((i) => i.id).sort()).toEqual([x?.id, created.id].sort());
  });

  it('answers an expired token with 410 syncStateNotFound and a Location to restart; the initial query works again', async () => {
    const client = await kit.app();
    const start = await round(client, `/users/${upn}/mailFolders/inbox/messages/delta`, 100);
    const expired = await kit.inspect(`/microsoft/mail/${upn}/delta/expire`, { method: 'POST' });
    expect(expired.status).toBe(200);
    const e = await graphFailure(client.api(start.deltaLink).get());
    expect(e).toMatchObject({ statusCode: 410, code: 'syncStateNotFound' });
    const token = await kit.appToken();
    const raw = await fetch(start.deltaLink, { headers: { authorization: `Bearer ${token}` } });
    expect(raw.status).toBe(410);
    const restart = raw.headers.get('location') ?? '';
    expect(new URL(restart).pathname).toMatch(/\/mailFolders\/inbox\/messages\/delta$/);
    expect(new URL(restart).searchParams.has('$deltatoken')).toBe(false);
    const again = await round(client, restart, 100);
    expect(again.items.length).toBe(start.items.length);
  });

  it('answers as stale when the stale-delta fault is injected, and 400 for a corrupt token', async () => {
    const client = await kit.app();
    const start = await round(client, `/users/${upn}/mailFolders/inbox/messages/delta`, 100);
    const fault = await kit.inspect('/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operation: 'graph.messages.delta', effect: { kind: 'stale-delta' }, times: 1 }) });
    expect(fault.status).toBe(201);
    expect(await graphFailure(client.api(start.deltaLink).get())).toMatchObject({ statusCode: 410, code: 'syncStateNotFound' });
    const fine = await round(client, start.deltaLink);
    expect(fine.items).toHaveLength(0);
    const corrupt = new URL(start.deltaLink);
    corrupt.searchParams.set('$deltatoken', 'garbage');
    expect(await graphFailure(client.api(corrupt.toString()).get())).toMatchObject({ statusCode: 400, code: 'ErrorInvalidSyncStateData' });
  });
});

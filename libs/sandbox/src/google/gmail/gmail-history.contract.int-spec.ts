import type { gmail_v1 } from 'googleapis';
import { googleRejection } from '../../testing/google-api-failure';
import { expectShape, type Shape } from '../../testing/shape';
import { call } from '../../testing/test-sandbox';
import { startGmailFixture, type GmailFixture } from './gmail-contract.fixture';

const HISTORY: Shape<gmail_v1.Schema$History> = {
  id: 'string',
  messages: 'array',
  messagesAdded: 'array',
  messagesDeleted: 'array',
  labelsAdded: 'array',
  labelsRemoved: 'array',
};
const LIST: Shape<gmail_v1.Schema$ListHistoryResponse> = {
  history: 'array',
  nextPageToken: 'string',
  historyId: 'string',
};

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('Gmail history.list through googleapis', () => {
  let g: GmailFixture;
  let user: string;
  let gmail: gmail_v1.Gmail;
  beforeAll(async () => {
    g = await startGmailFixture({ messagesPerUser: 20 });
    user = g.users[0] ?? '';
    gmail = await g.client(user);
  });
  afterAll(() => g.close());

  const startId = async (): Promise<string> =>
    (await gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';

  it('reports messageAdded, labelAdded, labelRemoved and messageDeleted after the start id, filtered and paged', async () => {
    const label =
      (await gmail.users.labels.create({ userId: 'me', requestBody: { name: 'History/probe' } })).data.id ??
      '';
    const start = await startId();
    const added = (await g.inspect(`${user}/messages`, json({ subject: 'between passes' }))).body as {
      id: string;
    };
    const existing = ((await gmail.users.messages.list({ userId: 'me', maxResults: 2 })).data.messages ?? [])
      .map((m) => m.id ?? '')
      .filter((id) => id !== added.id);
    await gmail.users.messages.modify({
      userId: 'me',
      id: existing[0] ?? '',
      requestBody: { addLabelIds: ['STARRED', label], removeLabelIds: ['INBOX'] },
    });
    await g.inspect(`${user}/messages/${existing[0] ?? ''}`, { method: 'DELETE' });

    const all = (await gmail.users.history.list({ userId: 'me', startHistoryId: start })).data;
    expectShape<gmail_v1.Schema$ListHistoryResponse>(all, LIST, ['history', 'historyId']);
    for (const h of all.history ?? []) expectShape<gmail_v1.Schema$History>(h, HISTORY, ['id', 'messages']);
    const kinds = (all.history ?? []).map((h) => Object.keys(h).find((k) => k !== 'id' && k !== 'messages'));
    expect(kinds).toEqual(['messagesAdded', 'labelsAdded', 'labelsRemoved', 'messagesDeleted']);
    expect(all.history?.[0]?.messagesAdded?.[0]?.message).toMatchObject({
      id: added.id,
      labelIds: ['INBOX', 'UNREAD'],
    });
    expect(all.history?.[1]?.labelsAdded?.[0]?.labelIds).toEqual(['STARRED', label]);
    expect(all.history?.[2]?.labelsRemoved?.[0]?.labelIds).toEqual(['INBOX']);
    expect(all.history?.[3]?.messagesDeleted?.[0]?.message?.id).toBe(existing[0]);
    expect(Number(all.historyId)).toBeGreaterThan(Number(start));
    expect((all.history ?? []).every((h) => Number(h.id) > Number(start))).toBe(true);

    const onlyAdded = (
      await gmail.users.history.list({
        userId: 'me',
        startHistoryId: start,
        historyTypes: ['messageAdded', 'messageDeleted'],
      })
    ).data;
    expect(onlyAdded.history?.map((h) => Object.keys(h).find((k) => k !== 'id' && k !== 'messages'))).toEqual(
      ['messagesAdded', 'messagesDeleted'],
    );
    const byLabel = (await gmail.users.history.list({ userId: 'me', startHistoryId: start, labelId: label }))
      .data;
    // "Only return messages with a label matching the ID": every record of the relabelled message, deletion included.
    expect(byLabel.history?.map((h) => h.id)).toEqual(all.history?.slice(1).map((h) => h.id));

    const paged: gmail_v1.Schema$History[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await gmail.users.history.list({
        userId: 'me',
        startHistoryId: start,
        maxResults: 3,
        ...(pageToken ? { pageToken } : {}),
      });
      paged.push(...(data.history ?? []));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(paged.map((h) => h.id)).toEqual(all.history?.map((h) => h.id));

    const fromNow = (await gmail.users.history.list({ userId: 'me', startHistoryId: all.historyId ?? '' }))
      .data;
    expect(fromNow.history).toBeUndefined();
    expect(fromNow.historyId).toBe(all.historyId);
  });

  it('answers 404 after the inspection API expires the history, and under a stale-delta fault', async () => {
    const other = g.users[1] ?? '';
    const client = await g.client(other);
    const start = (await client.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    expect((await client.users.history.list({ userId: 'me', startHistoryId: start })).status).toBe(200);
    const fault = (
      await call(
        `${g.sandbox.endpoints.inspect}/faults`,
        json({ operation: 'gmail.users.history.list', effect: { kind: 'stale-delta' }, times: 1 }),
      )
    ).body as { id: string };
    expect(fault.id).toBeTruthy();
    await expect(client.users.history.list({ userId: 'me', startHistoryId: start })).rejects.toMatchObject(
      googleRejection(404, 'notFound'),
    );
    expect((await client.users.history.list({ userId: 'me', startHistoryId: start })).status).toBe(200);
    expect((await g.inspect(`${other}/history/expire`, { method: 'POST' })).status).toBe(200);
    await g.inspect(`${other}/messages`, json({}));
    await expect(client.users.history.list({ userId: 'me', startHistoryId: start })).rejects.toMatchObject(
      googleRejection(404, 'notFound'),
    );
  });

  it('refuses a missing or non-numeric startHistoryId and an unknown history type with 400', async () => {
    await expect(gmail.users.history.list({ userId: 'me' })).rejects.toMatchObject({ status: 400 });
    await expect(gmail.users.history.list({ userId: 'me', startHistoryId: 'abc' })).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      gmail.users.history.list({ userId: 'me', startHistoryId: await startId(), historyTypes: ['bogus'] }),
    ).rejects.toMatchObject({ status: 400 });
  });
  it('answers 404 for a start id older than the retained week, as Gmail does', async () => {
    const start = await startId();
    await g.inspect(`${user}/messages`, json({ subject: 'old change' }));
    expect(
      (await gmail.users.history.list({ userId: 'me', startHistoryId: start })).data.history,
    ).toHaveLength(1);
    await call(`${g.sandbox.endpoints.inspect}/clock/advance`, json({ seconds: 8 * 24 * 3600 }));
    const fresh = await g.client(user);
    await expect(fresh.users.history.list({ userId: 'me', startHistoryId: start })).rejects.toMatchObject(
      googleRejection(404, 'notFound', 'Requested entity was not found.'),
    );
    const current = (await fresh.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    expect((await fresh.users.history.list({ userId: 'me', startHistoryId: current })).status).toBe(200);
  });
});

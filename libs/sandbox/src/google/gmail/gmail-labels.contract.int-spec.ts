import type { gmail_v1 } from 'googleapis';
import { googleRejection } from '../../testing/google-api-failure';
import { expectShape, type Shape } from '../../testing/shape';
import { FULL_SCOPE, GMAIL_SCOPE, startGmailFixture, type GmailFixture } from './gmail-contract.fixture';

const LABEL: Shape<gmail_v1.Schema$Label> = {
  id: 'string',
  name: 'string',
  type: 'string',
  messageListVisibility: 'string',
  labelListVisibility: 'string',
  messagesTotal: 'number',
  messagesUnread: 'number',
  threadsTotal: 'number',
  threadsUnread: 'number',
  color: 'object',
};
const LIST: Shape<gmail_v1.Schema$ListLabelsResponse> = { labels: 'array' };

describe('Gmail labels through googleapis', () => {
  let g: GmailFixture;
  let user: string;
  let gmail: gmail_v1.Gmail;
  beforeAll(async () => {
    g = await startGmailFixture({ messagesPerUser: 40, userLabelRate: 0.6 });
    user = g.users[0] ?? '';
    gmail = await g.client(user);
  });
  afterAll(() => g.close());

  it('lists system labels and the seeded user labels, nested and non-ASCII names intact', async () => {
    const { data } = await gmail.users.labels.list({ userId: 'me' });
    expectShape<gmail_v1.Schema$ListLabelsResponse>(data, LIST, ['labels']);
    for (const l of data.labels ?? []) expectShape<gmail_v1.Schema$Label>(l, LABEL, ['id', 'name', 'type']);
    const byName = new Map((data.labels ?? []).map((l) => [l.name, l]));
    for (const id of [
      'INBOX',
      'SENT',
      'DRAFT',
      'SPAM',
      'TRASH',
      'STARRED',
      'UNREAD',
      'IMPORTANT',
      'CATEGORY_SOCIAL',
    ])
      expect(byName.get(id)?.type).toBe('system');
    for (const name of ['Projets', 'Projets/été', 'A&B <x>', '日本語'])
      expect(byName.get(name)).toMatchObject({
        type: 'user',
        id: expect.stringMatching(/^Label_\d+$/) as string,
      });
  });

  it('gets a label with counts that match the messages carrying it', async () => {
    const { data } = await gmail.users.labels.get({ userId: 'me', id: 'INBOX' });
    expectShape<gmail_v1.Schema$Label>(data, LABEL, [
      'id',
      'name',
      'type',
      'messagesTotal',
      'messagesUnread',
      'threadsTotal',
      'threadsUnread',
    ]);
    const inspected = (await g.inspect(`${user}/labels`)).body as {
      labels: { id: string; messagesTotal: number }[];
    };
    expect(data.messagesTotal).toBe(inspected.labels.find((l) => l.id === 'INBOX')?.messagesTotal);
    const listed = await gmail.users.messages.list({ userId: 'me', labelIds: ['INBOX'], maxResults: 500 });
    expect(listed.data.resultSizeEstimate).toBe(data.messagesTotal);
    const user1 = (await gmail.users.labels.get({ userId: 'me', id: 'Label_2' })).data;
    expect(user1.name).toBe('Projets/été');
    expect(user1.messagesTotal).toBeGreaterThan(0);
  });

  it('creates, patches, updates and deletes a user label; deleting strips it from messages', async () => {
    const created = (
      await gmail.users.labels.create({
        userId: 'me',
        requestBody: {
          name: 'Migration/Ünïcode & <ok>',
          labelListVisibility: 'labelShowIfUnread',
          messageListVisibility: 'hide',
          color: { textColor: '#000000', backgroundColor: '#16a765' },
        },
      })
    ).data;
    expectShape<gmail_v1.Schema$Label>(created, LABEL, [
      'id',
      'name',
      'type',
      'messageListVisibility',
      'labelListVisibility',
    ]);
    expect(created).toMatchObject({
      name: 'Migration/Ünïcode & <ok>',
      type: 'user',
      labelListVisibility: 'labelShowIfUnread',
      messageListVisibility: 'hide',
      color: { backgroundColor: '#16a765' },
    });
    const id = created.id ?? '';
    const patched = (
      await gmail.users.labels.patch({ userId: 'me', id, requestBody: { name: 'Migration/renamed' } })
    ).data;
    expect(patched).toMatchObject({ name: 'Migration/renamed', messageListVisibility: 'hide' });
    const updated = (
      await gmail.users.labels.update({ userId: 'me', id, requestBody: { id, name: 'Migration/final' } })
    ).data;
    expect(updated).toMatchObject({
      name: 'Migration/final',
      messageListVisibility: 'show',
      labelListVisibility: 'labelShow',
    });
    expect(updated.color).toBeUndefined();
    const msg =
      (await gmail.users.messages.list({ userId: 'me', maxResults: 1 })).data.messages?.[0]?.id ?? '';
    await gmail.users.messages.modify({ userId: 'me', id: msg, requestBody: { addLabelIds: [id] } });
    expect((await gmail.users.labels.delete({ userId: 'me', id })).status).toBe(204);
    expect(
      (await gmail.users.messages.get({ userId: 'me', id: msg, format: 'minimal' })).data.labelIds,
    ).not.toContain(id);
    await expect(gmail.users.labels.get({ userId: 'me', id })).rejects.toMatchObject(
      googleRejection(404, 'notFound', 'Requested entity was not found.'),
    );
  });

  it("answers a duplicate name (any case) with 409 'Label name exists or conflicts' and reserved or empty names with 400", async () => {
    await expect(
      gmail.users.labels.create({ userId: 'me', requestBody: { name: 'projets/ÉTÉ'.replace('ÉTÉ', 'été') } }),
    ).rejects.toMatchObject(googleRejection(409, 'alreadyExists', 'Label name exists or conflicts'));
    await expect(
      gmail.users.labels.create({ userId: 'me', requestBody: { name: 'A&B <X>' } }),
    ).rejects.toMatchObject(googleRejection(409, 'alreadyExists'));
    await expect(
      gmail.users.labels.create({ userId: 'me', requestBody: { name: 'Inbox' } }),
    ).rejects.toMatchObject(googleRejection(400, 'invalidArgument', 'Invalid label name'));
    await expect(
      gmail.users.labels.create({ userId: 'me', requestBody: { name: '  ' } }),
    ).rejects.toMatchObject(googleRejection(400, 'invalidArgument'));
    await expect(
      gmail.users.labels.patch({ userId: 'me', id: 'Label_1', requestBody: { name: '日本語' } }),
    ).rejects.toMatchObject(googleRejection(409, 'alreadyExists'));
    await expect(gmail.users.labels.delete({ userId: 'me', id: 'INBOX' })).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      gmail.users.labels.create({
        userId: 'me',
        requestBody: { name: 'x', messageListVisibility: 'sometimes' },
      }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('needs a label-writing scope to create (403 with gmail.readonly) but reads with gmail.labels', async () => {
    await g.setDelegation([FULL_SCOPE, GMAIL_SCOPE('readonly'), GMAIL_SCOPE('labels')]);
    const readonly = await g.client(user, [GMAIL_SCOPE('readonly')]);
    await expect(
      readonly.users.labels.create({ userId: 'me', requestBody: { name: 'nope' } }),
    ).rejects.toMatchObject(googleRejection(403, 'insufficientPermissions'));
    const labelsOnly = await g.client(user, [GMAIL_SCOPE('labels')]);
    expect((await labelsOnly.users.labels.list({ userId: 'me' })).data.labels?.length).toBeGreaterThan(14);
    await expect(labelsOnly.users.messages.list({ userId: 'me' })).rejects.toMatchObject(
      googleRejection(403, 'insufficientPermissions'),
    );
  });
});

import type { gmail_v1 } from 'googleapis';
import { googleRejection } from '../../testing/google-api-failure';
import { call } from '../../testing/test-sandbox';
import { startGmailFixture, type GmailFixture } from './gmail-contract.fixture';

describe('Gmail per-user quota units through googleapis', () => {
  let g: GmailFixture;
  let user: string;
  let gmail: gmail_v1.Gmail;
  beforeAll(async () => {
    g = await startGmailFixture({ messagesPerUser: 3 });
    user = g.users[0] ?? '';
    gmail = await g.client(user);
  });
  afterAll(() => g.close());

  const limitUser = (count: number) =>
    call(`${g.sandbox.endpoints.inspect}/throttle`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        overrides: [{ limit: 'gmail.user', user, spec: { rate: { count, perSeconds: 3600 } } }],
      }),
    });

  it('charges each method its documented units against the user budget (getProfile 1, list 5, get 5)', async () => {
    expect((await limitUser(11)).status).toBe(200);
    await gmail.users.getProfile({ userId: 'me' });
    const ids = (await gmail.users.messages.list({ userId: 'me' })).data.messages ?? [];
    await gmail.users.messages.get({ userId: 'me', id: ids[0]?.id ?? '', format: 'minimal' });
    // 1 + 5 + 5 = 11 units spent: even a 1-unit call is now over the budget.
    await expect(gmail.users.getProfile({ userId: 'me' }, { retry: false })).rejects.toMatchObject(
      googleRejection(429, 'userRateLimitExceeded'),
    );
    const other = await g.client(g.users[1] ?? '');
    expect((await other.users.getProfile({ userId: 'me' })).status).toBe(200);
  });

  it('charges import 25 units, so a 30-unit budget admits one import and refuses the next', async () => {
    expect((await limitUser(30)).status).toBe(200);
    const mime = 'From: a@x.example\r\nSubject: q\r\n\r\nx';
    const upload = { rootUrl: g.sandbox.endpoints.googleRoot, retry: false };
    expect(
      (
        await gmail.users.messages.import(
          { userId: 'me', media: { mimeType: 'message/rfc822', body: mime } },
          upload,
        )
      ).status,
    ).toBe(200);
    await expect(
      gmail.users.messages.import(
        { userId: 'me', media: { mimeType: 'message/rfc822', body: mime } },
        upload,
      ),
    ).rejects.toMatchObject({ status: 429 });
    await call(`${g.sandbox.endpoints.inspect}/throttle`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ overrides: [] }),
    });
  });
});

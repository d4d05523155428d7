import { google } from 'googleapis';
import type { Sandbox } from '../../sandbox';
import { BUILTIN_SCENARIOS } from '../../scenario/builtin-scenarios';
import { googleAccessToken } from '../../testing/google-token';
import { call, startTestSandbox } from '../../testing/test-sandbox';
import { gmailWorkload } from './gmail.workload';

describe('Gmail under the built-in bench-mail scenario', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({
      scenario: BUILTIN_SCENARIOS['bench-mail'],
      workloads: [gmailWorkload],
    });
  });
  afterAll(() => sandbox.close());

  it('serves all 20 users x 2,000 seeded messages, materialising every mailbox within a few seconds', async () => {
    const listed = (
      await call(`${sandbox.endpoints.inspect}/google/${sandbox.endpoints.google.customerId}/users`)
    ).body as { users: { primaryEmail: string }[] };
    const users = listed.users.map((u) => u.primaryEmail).filter((e) => !e.startsWith('admin@'));
    expect(users).toHaveLength(20);
    const started = performance.now();
    for (const user of users) {
      const r = (await call(`${sandbox.endpoints.inspect}/google/gmail/${encodeURIComponent(user)}`))
        .body as { messages: number };
      expect(r.messages).toBe(2000);
    }
    expect(performance.now() - started).toBeLessThan(5000);
    const auth = new google.auth.OAuth2();
    auth.setCredentials({
      access_token: await googleAccessToken(sandbox.endpoints, users[3] ?? '', ['https://mail.google.com/']),
    });
    const gmail = google.gmail({ version: 'v1', auth, rootUrl: sandbox.endpoints.googleRoot });
    expect((await gmail.users.getProfile({ userId: 'me' })).data.messagesTotal).toBe(2000);
    const page = await gmail.users.messages.list({ userId: 'me', maxResults: 500 });
    expect(page.data.messages).toHaveLength(500);
    expect(page.data.nextPageToken).toBeTruthy();
    const summary = (await call(`${sandbox.endpoints.inspect}/summary`)).body as {
      gmail: { tenants: { messages: number }[] };
    };
    expect(summary.gmail.tenants[0]?.messages).toBe(40_000);
  });
});

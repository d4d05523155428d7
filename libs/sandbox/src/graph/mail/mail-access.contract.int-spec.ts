import { RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import type * as Types from '@microsoft/microsoft-graph-types';
import { graphFailure, startGraphKit, type GraphKit } from '../../testing/graph-test-kit';
import { graphMailWorkload } from './graph-mail.workload';
import { mailScenario } from './mail-test.fixture';

describe('graph-mail access control, tenant isolation and per-mailbox throttling', () => {
  let kit: GraphKit;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    kit = await startGraphKit(mailScenario({ messagesPerUser: 15 }), [graphMailWorkload]);
    alice = kit.users[0]?.userPrincipalName ?? '';
    bob = kit.users[1]?.userPrincipalName ?? '';
  });
  afterAll(() => kit.close());

  it('answers a token without any Mail permission with 403 ErrorAccessDenied (Outlook wording)', async () => {
    await kit.setAppPermissions(['User.Read.All']);
    try {
      const client = await kit.app();
      const e = await graphFailure(client.api(`/users/${alice}/messages`).get());
      expect(e).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' });
    } finally {
      await kit.setAppPermissions(['User.Read.All', 'Mail.ReadWrite']);
    }
  });

  it('lets Mail.Read read but not write, and Mail.ReadBasic.All read metadata without bodies or MIME', async () => {
    await kit.setAppPermissions(['Mail.Read']);
    try {
      const reader = await kit.app();
      const page = (await reader.api(`/users/${alice}/messages`).top(1).get()) as { value: Types.Message[] };
      expect(page.value[0]?.body).toBeDefined();
      expect(await graphFailure(reader.api(`/users/${alice}/mailFolders`).post({ displayName: 'nope' }))).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
      await kit.setAppPermissions(['Mail.ReadBasic.All']);
      const basic = await kit.app();
      const meta = (await basic.api(`/users/${alice}/messages`).top(1).get()) as { value: Types.Message[] };
      expect(meta.value[0]?.subject).toBeTruthy();
      expect(meta.value[0]?.body).toBeUndefined();
      expect(meta.value[0]?.bodyPreview).toBeUndefined();
      expect(await graphFailure(basic.api(`/users/${alice}/messages/${meta.value[0]?.id ?? ''}/$value`).get())).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
    } finally {
      await kit.setAppPermissions(['User.Read.All', 'Mail.ReadWrite']);
    }
  });

  it('serves /me to a delegated token, refuses another user (403) and /me for app-only tokens (400)', async () => {
    const delegated = await kit.delegated(alice, ['https://graph.microsoft.com/Mail.ReadWrite']);
    const mine = (await delegated.api('/me/mailFolders/inbox/messages').top(3).get()) as { value: Types.Message[] };
    expect(mine.value).toHaveLength(3);
    const viaUsers = (await delegated.api(`/users/${alice}/messages/${mine.value[0]?.id ?? ''}`).get()) as Types.Message;
    expect(viaUsers.id).toBe(mine.value[0]?.id);
    expect(await graphFailure(delegated.api(`/users/${bob}/messages`).get())).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
    const created = (await delegated.api('/me/mailFolders').post({ displayName: 'Délégué' })) as Types.MailFolder;
    expect(created.displayName).toBe('Délégué');
    const app = await kit.app();
    expect(await graphFailure(app.api('/me/messages').get())).toMatchObject({ statusCode: 400, code: 'BadRequest' });
  });

  it('refuses a delegated token with only Mail.ReadBasic for bodies', async () => {
    await kit.inspect(`/microsoft/${kit.tenantId}/apps/${kit.sandbox.endpoints.microsoft.clientId}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ delegatedPermissions: ['openid', 'Mail.ReadBasic'] }) });
    const basic = await kit.delegated(alice, ['https://graph.microsoft.com/Mail.ReadBasic']);
    const page = (await basic.api('/me/messages').top(1).get()) as { value: Types.Message[] };
    expect(page.value[0]?.body).toBeUndefined();
    expect(await graphFailure(basic.api('/me/mailFolders').post({ displayName: 'x' }))).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
  });

  it('keeps tenants apart: another tenant’s user and its message ids are unknown here (404)', async () => {
    const client = await kit.app();
    const tenants = (await kit.inspect('/summary')).body as { microsoft: { tenantId: string }[]; 'graph-mail': { mailboxes: number; messages: number } };
    // 3 seeded mailboxes of 15 in this tenant, 1 of 2 in the other (plus whatever earlier tests created).
    expect(tenants['graph-mail'].mailboxes).toBe(4);
    expect(tenants['graph-mail'].messages).toBeGreaterThanOrEqual(47);
    const otherTenant = tenants.microsoft[1]?.tenantId ?? '';
    const others = ((await kit.inspect(`/microsoft/${otherTenant}/users`)).body as { value: { id: string; userPrincipalName: string }[] }).value;
    const stranger = others[0];
    expect(await graphFailure(client.api(`/users/${stranger?.userPrincipalName ?? ''}/messages`).get())).toMatchObject({ statusCode: 404, code: 'ErrorInvalidUser' });
    expect(await graphFailure(client.api(`/users/${stranger?.id ?? ''}/mailFolders`).get())).toMatchObject({ statusCode: 404, code: 'ErrorInvalidUser' });
    const theirs = (await kit.inspect(`/microsoft/mail/${stranger?.id ?? ''}/messages?tenant=${otherTenant}`)).body as { value: { id: string }[] };
    expect(theirs.value.length).toBe(2);
    expect(await graphFailure(client.api(`/users/${alice}/messages/${theirs.value[0]?.id ?? ''}`).get())).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });
    expect(await graphFailure(client.api('/users/nobody@contoso.example/messages').get())).toMatchObject({ statusCode: 404, code: 'ErrorInvalidUser' });
  });

  it('throttles per mailbox: with a 3-request budget for one mailbox, the 4th call gets 429 while another mailbox is unaffected', async () => {
    const put = (overrides: unknown[]) => kit.inspect('/throttle', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled: true, overrides }) });
    const bobId = kit.users[1]?.id ?? '';
    await put([{ limit: 'graph.mailbox', user: bobId, spec: { rate: { count: 3, perSeconds: 3600 } } }]);
    try {
      const client = await kit.app();
      for (let i = 0; i < 3; i++) await client.api(`/users/${bob}/mailFolders/inbox`).get();
      // No retries: the client's RetryHandler would otherwise wait out Retry-After.
      const once = [new RetryHandlerOptions(0, 0)];
      expect(await graphFailure(client.api(`/users/${bob}/messages`).middlewareOptions(once).get())).toMatchObject({ statusCode: 429 });
      expect(await graphFailure(client.api(`/users/${bobId}/messages`).middlewareOptions(once).get())).toMatchObject({ statusCode: 429 });
      const ok = (await client.api(`/users/${alice}/messages`).top(1).get()) as { value: unknown[] };
      expect(ok.value).toHaveLength(1);
    } finally {
      await put([]);
    }
  });
});

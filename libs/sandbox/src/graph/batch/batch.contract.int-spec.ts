import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import {
  BatchRequestContent,
  BatchResponseContent,
  type BatchRequestStep,
} from '@microsoft/microsoft-graph-client';
import type { Client } from '@microsoft/microsoft-graph-client';
import { call } from '../../testing/test-sandbox';
import {
  graphFailure,
  graphScenario,
  startGraphKit,
  type GraphKit,
} from '../../testing/graph-test-kit';
import { graphCalendarWorkload } from '../calendar/graph-calendar.workload';
import { graphContactsWorkload } from '../contacts/graph-contacts.workload';
import { graphDirectoryWorkload } from '../directory/graph-directory.workload';
import { graphBatchWorkload } from './graph-batch.workload';

// Sandbox start-up (TLS, RSA keys) and seeded expansions can be slow on a loaded CI machine.
jest.setTimeout(30_000);

describe('graph-batch: JSON batching through BatchRequestContent / BatchResponseContent', () => {
  let kit: GraphKit;
  let client: Client;
  let origin: string;
  let alice: string;
  const step = (
    id: string,
    path: string,
    init: RequestInit = {},
    dependsOn?: string[],
  ): BatchRequestStep => ({
    id,
    request: new Request(`${origin}/v1.0${path}`, init),
    ...(dependsOn ? { dependsOn } : {}),
  });
  const send = async (steps: BatchRequestStep[], c: Client = client): Promise<BatchResponseContent> => {
    const content = await new BatchRequestContent(steps).getContent();
    return new BatchResponseContent((await c.api('/$batch').post(content)) as { responses: [] });
  };
  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

  beforeAll(async () => {
    kit = await startGraphKit(
      graphScenario({ calendar: { eventsPerUser: 4 }, contacts: { contactsPerUser: 3 } }),
      [graphDirectoryWorkload, graphCalendarWorkload, graphContactsWorkload, graphBatchWorkload],
    );
    client = await kit.app();
    origin = kit.sandbox.endpoints.graph.replace(/\/v1\.0$/, '');
    alice = kit.users[0]?.userPrincipalName ?? '';
  });
  afterAll(() => kit.close());

  it('runs GETs and a JSON POST across workloads, each answered as the direct call would be', async () => {
    const res = await send([
      step('users', '/users?$top=2'),
      step('events', `/users/${alice}/events`),
      step('contact', `/users/${alice}/contacts`, json({ givenName: 'Batched' })),
    ]);
    const users = res.getResponseById('users');
    expect(users?.status).toBe(200);
    expect(((await users?.json()) as { value: MicrosoftGraph.User[] }).value).toHaveLength(2);
    const events = res.getResponseById('events');
    expect(((await events?.json()) as { value: MicrosoftGraph.Event[] }).value).toHaveLength(4);
    const contact = res.getResponseById('contact');
    expect(contact?.status).toBe(201);
    expect(contact?.headers.get('Content-Type')).toMatch(/application\/json/);
    const created = (await contact?.json()) as MicrosoftGraph.Contact;
    expect(created.displayName).toBe('Batched');
    const landed = (await kit.inspect(`/microsoft/contacts/${alice}/contacts/${created.id ?? ''}`)).status;
    expect(landed).toBe(200);
  });

  it('orders dependent steps (dependsOn) and answers 424 for a step whose dependency failed', async () => {
    const res = await send([
      step('create', `/users/${alice}/calendars`, json({ name: 'Batch calendar' })),
      step('list', `/users/${alice}/calendars`, {}, ['create']),
      step('dup', `/users/${alice}/calendars`, json({ name: 'Batch calendar' }), ['list']),
      step('after', `/users/${alice}/calendar`, {}, ['dup']),
    ]);
    expect(res.getResponseById('create')?.status).toBe(201);
    const names = (
      (await res.getResponseById('list')?.json()) as { value: MicrosoftGraph.Calendar[] }
    ).value.map((c) => c.name);
    expect(names).toContain('Batch calendar');
    expect(res.getResponseById('dup')?.status).toBe(409);
    const after = res.getResponseById('after');
    expect(after?.status).toBe(424);
    expect(await after?.json()).toMatchObject({ error: { code: 'FailedDependency' } });
  });

  it('applies the outer token to every step: per-step 403 for a missing permission, 404 for another tenant', async () => {
    await kit.setAppPermissions(['User.Read.All', 'Calendars.Read']);
    try {
      const limited = await kit.app();
      const res = await send(
        [
          step('ok', `/users/${alice}/events?$top=1`),
          step('denied', `/users/${alice}/contacts`),
          step('foreign', `/users/${kit.otherUsers[0]?.userPrincipalName ?? ''}/events`),
          step('nowhere', '/nothingHere'),
        ],
        limited,
      );
      expect(res.getResponseById('ok')?.status).toBe(200);
      const denied = res.getResponseById('denied');
      expect(denied?.status).toBe(403);
      expect(await denied?.json()).toMatchObject({ error: { code: 'ErrorAccessDenied' } });
      expect(await res.getResponseById('foreign')?.json()).toMatchObject({
        error: { code: 'ErrorInvalidUser' },
      });
      expect(res.getResponseById('nowhere')?.status).toBe(400);
    } finally {
      await kit.setAppPermissions(['User.Read.All', 'Calendars.ReadWrite', 'Contacts.ReadWrite']);
    }
  });

  it('throttles sub-requests individually: a spent mailbox budget yields 429 with Retry-After inside the batch', async () => {
    const bob = kit.users[1];
    const set = await call(`${kit.sandbox.endpoints.inspect}/throttle`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        overrides: [
          { limit: 'graph.mailbox', user: bob?.id, spec: { rate: { count: 2, perSeconds: 3600 } } },
        ],
      }),
    });
    expect(set.status).toBe(200);
    try {
      const res = await send(
        [1, 2, 3, 4].map((i) =>
          step(
            String(i),
            `/users/${bob?.userPrincipalName ?? ''}/contacts?$top=1`,
            {},
            i > 1 ? [String(i - 1)] : undefined,
          ),
        ),
      );
      const statuses = [1, 2, 3, 4].map((i) => res.getResponseById(String(i))?.status);
      expect(statuses.slice(0, 2)).toEqual([200, 200]);
      const throttled = res.getResponseById('3');
      expect(throttled?.status).toBe(429);
      expect(Number(throttled?.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(await throttled?.json()).toMatchObject({ error: { code: 'ApplicationThrottled' } });
      expect(statuses[3]).toBe(424);
      // The directory budget is separate: the same batch may still read users.
      const other = await send([step('u', '/users?$top=1')]);
      expect(other.getResponseById('u')?.status).toBe(200);
    } finally {
      await call(`${kit.sandbox.endpoints.inspect}/throttle`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ overrides: [] }),
      });
    }
  });

  it('rejects more than 20 requests, duplicate ids, unknown dependencies and malformed payloads with 400 BadRequest', async () => {
    const get = (id: string) => ({ id, method: 'GET', url: '/users?$top=1' });
    expect(
      await graphFailure(
        client.api('/$batch').post({ requests: Array.from({ length: 21 }, (_, i) => get(String(i + 1))) }),
      ),
    ).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(await graphFailure(client.api('/$batch').post({ requests: [get('1'), get('1')] }))).toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
    });
    expect(
      await graphFailure(client.api('/$batch').post({ requests: [{ ...get('1'), dependsOn: ['9'] }] })),
    ).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(
      await graphFailure(
        client
          .api('/$batch')
          .post({
            requests: [
              { id: '1', method: 'POST', url: `/users/${alice}/contacts`, body: { givenName: 'x' } },
            ],
          }),
      ),
    ).toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message: 'Write request id : 1 does not contain Content-Type header or body.',
    });
    expect(
      await graphFailure(
        client
          .api('/$batch')
          .post({ requests: [{ id: '1', method: 'GET', url: 'https://evil.example/v1.0/users' }] }),
      ),
    ).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(await graphFailure(client.api('/$batch').post('{"requests": ['))).toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
    });
    const twenty = (await client
      .api('/$batch')
      .post({ requests: Array.from({ length: 20 }, (_, i) => get(String(i + 1))) })) as {
      responses: { status: number }[];
    };
    expect(twenty.responses.map((r) => r.status)).toEqual(new Array<number>(20).fill(200));
  });

  it('requires a valid token on the batch itself (401 InvalidAuthenticationToken)', async () => {
    const r = await call(`${origin}/v1.0/$batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requests: [{ id: '1', method: 'GET', url: '/users' }] }),
    });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });
});

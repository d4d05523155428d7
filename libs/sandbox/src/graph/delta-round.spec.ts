import type { IncomingMessage } from 'node:http';
import type { SandboxRequest } from '../http/sandbox-request';
import { VendorError } from '../http/vendor-error';
import { deltaRound, type DeltaQuery, type DeltaWindow } from './delta-round';

interface FolderState extends DeltaWindow {
  readonly f: string;
}

const ORIGIN = 'https://127.0.0.1:4443';

function request(target: string, headers: Record<string, string> = {}, staleDelta = false): SandboxRequest {
  const url = new URL(target, ORIGIN);
  return {
    raw: { headers } as unknown as IncomingMessage,
    method: 'GET',
    url,
    path: url.pathname,
    params: {},
    query: url.searchParams,
    requestId: 'r',
    vendor: 'graph',
    operation: 'graph.test.delta',
    ...(staleDelta ? { staleDelta } : {}),
  };
}

const query = (latest: number, extra: Partial<DeltaQuery<FolderState>> = {}): DeltaQuery<FolderState> => ({
  origin: ORIGIN,
  entity: 'message',
  latest,
  start: () => ({ f: 'inbox' }),
  fits: (t) => t['f'] === 'inbox',
  ...extra,
});

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `m${i}` }));

/** Follows a link the way a client does: its path and query, against the test origin. */
const follow = (link: unknown, headers: Record<string, string> = {}, staleDelta = false): SandboxRequest => {
  const url = new URL(String(link));
  return request(`${url.pathname}${url.search}`, headers, staleDelta);
};

function rejection(f: () => unknown): VendorError {
  try {
    f();
  } catch (e) {
    if (e instanceof VendorError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('deltaRound', () => {
  const tracking = { deltaEpoch: 1, staleBefore: 0 };

  it('pages a full round with skip tokens, then ends it with a deltaLink for changes after the latest sequence', () => {
    const all = items(15);
    const first = deltaRound(request('/v1.0/me/mailFolders/inbox/messages/delta'), tracking, query(7)).page(all.length, (a, b) => all.slice(a, b));
    expect(first.body['value']).toHaveLength(10);
    expect(first.body['@odata.context']).toBe(`${ORIGIN}/v1.0/$metadata#Collection(message)`);
    expect(first.body['@odata.deltaLink']).toBeUndefined();
    const second = deltaRound(follow(first.body['@odata.nextLink']), tracking, query(9));
    expect(second.state).toMatchObject({ s: -1, u: 7, o: 10, f: 'inbox' });
    const last = second.page(all.length, (a, b) => all.slice(a, b));
    expect(last.body['value']).toEqual(all.slice(10));
    expect(last.body['@odata.nextLink']).toBeUndefined();
    const next = deltaRound(follow(last.body['@odata.deltaLink']), tracking, query(9));
    expect(next.state).toMatchObject({ s: 7, u: 9, o: 0, f: 'inbox' });
  });

  it('sizes pages by Prefer odata.maxpagesize and says so, and by $top only where the resource allows it', () => {
    const all = items(5);
    const preferred = deltaRound(request('/d', { prefer: 'odata.maxpagesize=2' }), tracking, query(1)).page(5, (a, b) => all.slice(a, b));
    expect(preferred.body['value']).toHaveLength(2);
    expect(preferred.headers).toEqual({ 'preference-applied': 'odata.maxpagesize=2' });
    expect(deltaRound(request('/d?$top=3'), tracking, query(1, { top: true })).page(5, (a, b) => all.slice(a, b)).body['value']).toHaveLength(3);
    expect(deltaRound(request('/d?$top=3'), tracking, query(1)).page(5, (a, b) => all.slice(a, b)).body['value']).toHaveLength(5);
    const bad = rejection(() => deltaRound(request('/d?$top=0'), tracking, query(1, { top: true })).page(5, (a, b) => all.slice(a, b)));
    expect(bad.status).toBe(400);
  });

  it('refuses a token that does not decode or belongs to another folder with 400 ErrorInvalidSyncStateData', () => {
    const first = deltaRound(request('/d'), tracking, query(3)).page(0, () => []);
    const other = query(3, { fits: (t) => t['f'] === 'archive' });
    for (const [req, q] of [[request('/d?$deltatoken=garbage'), query(3)], [follow(first.body['@odata.deltaLink']), other]] as const) {
      const e = rejection(() => deltaRound(req, tracking, q));
      expect(e.status).toBe(400);
      expect(e.body).toEqual({ error: { code: 'ErrorInvalidSyncStateData', message: 'The sync state data is corrupt or otherwise invalid.' } });
    }
  });

  it('answers an expired token with 410 syncStateNotFound and a Location that restarts the round', () => {
    const first = deltaRound(request('/d?$select=subject&$filter=isRead%20eq%20false'), tracking, query(3, { keepQuery: true })).page(0, () => []);
    const link = first.body['@odata.deltaLink'];
    expect(String(link)).toContain('%24select=subject');
    const restart = { keepQuery: true, restart: () => ({ from: 'x' }) };
    const expired = [
      () => deltaRound(follow(link), { deltaEpoch: 2, staleBefore: 0 }, query(3, restart)),
      () => deltaRound(follow(link), { deltaEpoch: 1, staleBefore: 99 }, query(3, restart)),
      () => deltaRound(follow(link, {}, true), tracking, query(3, restart)),
    ];
    for (const f of expired) {
      const e = rejection(f);
      expect(e.status).toBe(410);
      expect((e.body as { error: { code: string } }).error.code).toBe('syncStateNotFound');
      const location = new URL(e.headers['location'] ?? '');
      expect(location.pathname).toBe('/d');
      expect([...location.searchParams.keys()].sort()).toEqual(['$filter', '$select', 'from']);
    }
  });
});

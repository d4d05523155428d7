import type { IssuedToken } from '@ferry/providers/core';
import { SettableClock } from '@ferry/connectors/testing';
import { TokenCache } from './token-cache';

const MINUTE = 60_000;

/** A fetch that counts its calls and issues tokens living `lifeMs` from the clock's now. */
function fetcher(clock: SettableClock, lifeMs = 60 * MINUTE) {
  const f = {
    calls: 0,
    fetch: async (): Promise<IssuedToken> => {
      f.calls++;
      return {
        accessToken: `token-${f.calls}`,
        expiresAt: new Date(clock.now().getTime() + lifeMs),
        granted: [],
      };
    },
  };
  return f;
}

/** A promise a test resolves or rejects by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Handled here too, so a rejection the code under test ignores fails its test instead of the run.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

describe('TokenCache', () => {
  let clock: SettableClock;
  let cache: TokenCache;

  beforeEach(() => {
    clock = new SettableClock();
    cache = new TokenCache(clock);
  });

  describe('single flight', () => {
    it('N concurrent requests for one key make one fetch and share its token', async () => {
      const gate = deferred<void>();
      let calls = 0;
      const fetch = async (): Promise<IssuedToken> => {
        calls++;
        await gate.promise;
        return {
          accessToken: 'shared',
          expiresAt: new Date(clock.now().getTime() + 60 * MINUTE),
          granted: [],
        };
      };
      const all = Promise.all(Array.from({ length: 200 }, () => cache.get('k', 'migration', fetch)));
      gate.resolve();
      const results = await all;
      expect(calls).toBe(1);
      expect(new Set(results.map((r) => r.token.accessToken))).toEqual(new Set(['shared']));
      expect(results.every((r) => !r.cached)).toBe(true);
    });

    it('different keys fetch separately', async () => {
      const f = fetcher(clock);
      const [a, b] = await Promise.all([cache.get('a', 's', f.fetch), cache.get('b', 's', f.fetch)]);
      expect(f.calls).toBe(2);
      expect(a.token.accessToken).not.toBe(b.token.accessToken);
      expect(cache.size).toBe(2);
    });

    it('a later request is served from the cache', async () => {
      const f = fetcher(clock);
      await cache.get('k', 's', f.fetch);
      clock.advance(10 * MINUTE);
      const again = await cache.get('k', 's', f.fetch);
      expect(again).toMatchObject({ cached: true, token: { accessToken: 'token-1' } });
      expect(f.calls).toBe(1);
    });

    it('a failed fetch fails every waiting request, is not cached, and the next request fetches again', async () => {
      const gate = deferred<IssuedToken>();
      let calls = 0;
      const failing = (): Promise<IssuedToken> => {
        calls++;
        return gate.promise;
      };
      const waiting = Array.from({ length: 5 }, () => cache.get('k', 's', failing));
      gate.reject(new Error('provider down'));
      for (const w of waiting) await expect(w).rejects.toThrow('provider down');
      expect(calls).toBe(1);
      expect(cache.size).toBe(0);
      const f = fetcher(clock);
      await expect(cache.get('k', 's', f.fetch)).resolves.toMatchObject({
        cached: false,
        token: { accessToken: 'token-1' },
      });
      expect(f.calls).toBe(1);
    });
  });

  describe('refresh margin', () => {
    it.each([
      ['an hour-long token 5 minutes before expiry (the default)', 60 * MINUTE, undefined, 55 * MINUTE],
      ['a short token when a quarter of its life remains', 8 * MINUTE, undefined, 6 * MINUTE],
      ['with a smaller margin from its options', 60 * MINUTE, MINUTE, 59 * MINUTE],
      [
        'a quarter before expiry, however large the margin in its options',
        60 * MINUTE,
        30 * MINUTE,
        45 * MINUTE,
      ],
    ])('refreshes %s, not a millisecond earlier', async (_label, lifeMs, refreshMarginMs, refreshAtMs) => {
      cache = new TokenCache(clock, refreshMarginMs === undefined ? {} : { refreshMarginMs });
      const f = fetcher(clock, lifeMs);
      await cache.get('k', 's', f.fetch);
      clock.advance(refreshAtMs - 1);
      expect((await cache.get('k', 's', f.fetch)).cached).toBe(true);
      clock.advance(1);
      expect(await cache.get('k', 's', f.fetch)).toMatchObject({
        cached: false,
        token: { accessToken: 'token-2' },
      });
      expect(f.calls).toBe(2);
    });

    it('never serves a token that arrived already expired', async () => {
      const f = fetcher(clock, -1);
      await cache.get('k', 's', f.fetch);
      await cache.get('k', 's', f.fetch);
      expect(f.calls).toBe(2);
    });
  });

  describe('bounded size', () => {
    it('evicts the least recently used entry beyond maxEntries', async () => {
      cache = new TokenCache(clock, { maxEntries: 2 });
      const f = fetcher(clock);
      await cache.get('a', 's', f.fetch);
      await cache.get('b', 's', f.fetch);
      await cache.get('a', 's', f.fetch); // a is now the most recently used
      await cache.get('c', 's', f.fetch);
      expect(cache.size).toBe(2);
      expect(f.calls).toBe(3);
      expect((await cache.get('a', 's', f.fetch)).cached).toBe(true);
      expect((await cache.get('b', 's', f.fetch)).cached).toBe(false);
      expect(f.calls).toBe(4);
    });
  });

  describe('handover to services', () => {
    it('is first once per service per token, and again for the next token', async () => {
      const f = fetcher(clock, 60 * MINUTE);
      expect((await cache.get('k', 'migration', f.fetch)).firstFor).toBe(true);
      expect((await cache.get('k', 'migration', f.fetch)).firstFor).toBe(false);
      expect((await cache.get('k', 'freebusy', f.fetch)).firstFor).toBe(true);
      expect((await cache.get('k', 'freebusy', f.fetch)).firstFor).toBe(false);
      clock.advance(56 * MINUTE);
      expect(await cache.get('k', 'migration', f.fetch)).toMatchObject({
        firstFor: true,
        token: { accessToken: 'token-2' },
      });
    });

    it('concurrent requests of one service see exactly one first handover, and it runs once', async () => {
      const f = fetcher(clock);
      let handovers = 0;
      const results = await Promise.all(
        Array.from({ length: 50 }, () => cache.get('k', 'migration', f.fetch, async () => void handovers++)),
      );
      expect(results.filter((r) => r.firstFor)).toHaveLength(1);
      expect(handovers).toBe(1);
    });

    it('every request of the service waits for the first handover to finish', async () => {
      const f = fetcher(clock);
      const audit = deferred<void>();
      const settled: string[] = [];
      const requests = Array.from({ length: 3 }, (_, i) =>
        cache.get('k', 'migration', f.fetch, () => audit.promise).then(() => settled.push(`r${i}`)),
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toEqual([]);
      audit.resolve();
      await Promise.all(requests);
      expect(settled).toHaveLength(3);
    });

    it('a failed handover gives the token to none of the waiting requests, and the next request hands over again', async () => {
      const f = fetcher(clock);
      const audit = deferred<void>();
      const requests = Array.from({ length: 4 }, () =>
        cache.get('k', 'migration', f.fetch, () => audit.promise),
      );
      audit.reject(new Error('audit down'));
      for (const r of requests) await expect(r).rejects.toThrow('audit down');
      let handovers = 0;
      const next = await cache.get('k', 'migration', f.fetch, async () => void handovers++);
      expect(next).toMatchObject({ firstFor: true, cached: true, token: { accessToken: 'token-1' } });
      expect(handovers).toBe(1);
      expect(f.calls).toBe(1);
    });
  });
});

import { MemoryRunStore } from '@ferry/migration/testing';
import type { ItemReference } from '../ports/reference.ports';
import { ReferenceCheckpoint } from './reference-checkpoint';

const ref = (sourceId: string): ItemReference => ({ projectId: 'p', mappingId: 'm', sourceId, targetId: `t-${sourceId}`, folderId: 'inbox', changeStamp: '1', contentHash: '', receivedAt: 0 });
const settle = () => new Promise((r) => setTimeout(r, 5));

describe('reference checkpoint', () => {
  it('writes every `items` references, and the rest at the flush', async () => {
    const store = new MemoryRunStore();
    const puts = jest.spyOn(store, 'put');
    const checkpoint = new ReferenceCheckpoint(store, 'p', 'm', { items: 2, ms: 60_000 });
    const written: number[] = [];
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      checkpoint.put(ref(id)); // items finishing one after another
      await settle();
      written.push(store.references.size);
    }
    expect(written).toEqual([0, 2, 2, 4, 4]);
    await checkpoint.flush();
    expect(store.references.size).toBe(5);
    expect(puts.mock.calls.map(([refs]) => refs.length)).toEqual([2, 2, 1]);
  });

  it('writes what waits once `ms` passed, and never an empty write', async () => {
    const store = new MemoryRunStore();
    const puts = jest.spyOn(store, 'put');
    let now = 0;
    await store.put([ref('gone')]);
    puts.mockClear();
    const checkpoint = new ReferenceCheckpoint(store, 'p', 'm', { items: 100, ms: 1000 }, () => now);
    checkpoint.put(ref('a'));
    checkpoint.remove('gone');
    await settle();
    expect([...store.references.keys()]).toEqual(['p/m/gone']);
    now = 1000;
    checkpoint.put(ref('b'));
    await settle();
    expect([...store.references.values()].map((r) => r.sourceId).sort()).toEqual(['a', 'b']);
    await checkpoint.flush();
    expect(puts).toHaveBeenCalledTimes(1);
  });

  it('keeps the references of a failed write for the next one; the flush throws only if writing still fails', async () => {
    const store = new MemoryRunStore();
    const put = store.put.bind(store);
    let failing = true;
    jest.spyOn(store, 'put').mockImplementation((refs) => (failing ? Promise.reject(new Error('database unavailable')) : put(refs)));
    const checkpoint = new ReferenceCheckpoint(store, 'p', 'm', { items: 1, ms: 60_000 });
    checkpoint.put(ref('a'));
    await settle();
    await expect(checkpoint.flush()).rejects.toThrow('database unavailable');
    failing = false;
    checkpoint.put(ref('b'));
    await checkpoint.flush();
    expect([...store.references.values()].map((r) => r.sourceId).sort()).toEqual(['a', 'b']);
  });
});

import type { ScopeLedger } from '@ferry/migration/domain';
import { decodeLedger, encodeLedger } from './ledger.codec';

describe('throttle ledger codec', () => {
  const ledger: ScopeLedger = {
    rate: { tokens: 12.5, at: 1_700_000_000_000 },
    upload: { tokens: -300, at: 1_700_000_000_001 },
    blockedUntil: 1_700_000_005_000,
    aimd: { floor: 0.5, since: 1_700_000_000_000, epoch: 3 },
    holders: { a1b2c3: { slots: 2, want: 4, until: 1_700_000_015_000 } },
  };

  it('round-trips a ledger in a few hundred bytes', () => {
    const bytes = encodeLedger(ledger);
    expect(bytes.length).toBeLessThan(300);
    expect(decodeLedger(bytes)).toEqual(ledger);
    const { rate: _rate, upload: _upload, ...slotsOnly } = ledger;
    expect(decodeLedger(encodeLedger(slotsOnly))).toEqual(slotsOnly);
  });

  it.each([
    ['not JSON', 'nope'],
    ['another version', '{"v":2,"b":0,"a":[1,0,0],"h":{}}'],
    ['a non-number', '{"v":1,"b":"soon","a":[1,0,0],"h":{}}'],
    ['a short tuple', '{"v":1,"b":0,"a":[1,0],"h":{}}'],
    ['a bad bucket', '{"v":1,"r":[1],"b":0,"a":[1,0,0],"h":{}}'],
    ['an odd worker id', '{"v":1,"b":0,"a":[1,0,0],"h":{"a b":[1,1,1]}}'],
    ['an infinite number', '{"v":1,"b":1e999,"a":[1,0,0],"h":{}}'],
    ['a factor above 1', '{"v":1,"b":0,"a":[3,0,0],"h":{}}'],
    ['negative slots', '{"v":1,"b":0,"a":[1,0,0],"h":{"w1":[-4,1,1]}}'],
  ])('reads %s as no ledger (the next write replaces it)', (_name, text) => {
    expect(decodeLedger(new TextEncoder().encode(text))).toBeNull();
  });
});

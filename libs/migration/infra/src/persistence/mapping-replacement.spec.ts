import { DuplicateSourceAddressError, planMappingReplacement } from './mapping-replacement';

const stored = [
  { id: 'a', sourceAddress: 'ada@src.example', targetAddress: 'ada@dst.example' },
  { id: 'b', sourceAddress: 'bob@src.example', targetAddress: 'bob@dst.example' },
  { id: 'c', sourceAddress: 'cy@src.example', targetAddress: 'cy@dst.example' },
];

describe('planMappingReplacement', () => {
  it('changes nothing when the same rows are imported again', () => {
    expect(planMappingReplacement(stored, stored)).toEqual({ inserts: [], updates: [], removals: [] });
  });

  it('keeps the id of a row whose source address stays, whatever its case, without forgetting its target', () => {
    const plan = planMappingReplacement(stored, [
      { sourceAddress: 'ADA@src.example', targetAddress: 'Ada@Dst.example' },
      stored[1]!,
      stored[2]!,
    ]);
    expect(plan.updates).toEqual([
      { id: 'a', sourceAddress: 'ADA@src.example', targetAddress: 'Ada@Dst.example', retargeted: false },
    ]);
    expect(plan.inserts).toEqual([]);
    expect(plan.removals).toEqual([]);
  });

  it('marks a row whose target mailbox changes as retargeted', () => {
    const plan = planMappingReplacement(stored, [
      stored[0]!,
      { sourceAddress: 'bob@src.example', targetAddress: 'robert@dst.example' },
      stored[2]!,
    ]);
    expect(plan.updates).toEqual([
      { id: 'b', sourceAddress: 'bob@src.example', targetAddress: 'robert@dst.example', retargeted: true },
    ]);
  });

  it('inserts new source addresses and removes those no longer listed', () => {
    const plan = planMappingReplacement(stored, [
      stored[0]!,
      { sourceAddress: 'dee@src.example', targetAddress: 'dee@dst.example' },
    ]);
    expect(plan.inserts).toEqual([{ sourceAddress: 'dee@src.example', targetAddress: 'dee@dst.example' }]);
    expect([...plan.removals].sort()).toEqual(['b', 'c']);
  });

  it('refuses two rows for one source mailbox, naming their positions and not the address', () => {
    const rows = [
      stored[0]!,
      stored[1]!,
      { sourceAddress: 'BOB@src.example', targetAddress: 'x@dst.example' },
    ];
    const err = (() => {
      try {
        planMappingReplacement([], rows);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(DuplicateSourceAddressError);
    expect((err as DuplicateSourceAddressError).message).toBe(
      'mapping rows 2 and 3 have the same source address',
    );
    expect((err as Error).message).not.toContain('@');
  });
});

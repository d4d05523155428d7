import { expectShape } from './shape';

interface Official {
  id?: string;
  size?: number | null;
  tags?: string[];
}

describe('expectShape', () => {
  it('accepts fields the official type declares with the declared kinds', () => {
    expect(() => expectShape<Official>({ id: 'a', size: null, tags: [] }, { id: 'string', size: ['number', 'null'], tags: 'array' }, ['id'])).not.toThrow();
  });

  it('rejects a field the official type lacks, a wrong kind and a missing required field', () => {
    const check = () => expectShape<Official>({ size: 'big', extra: 1 }, { id: 'string', size: 'number' }, ['id']);
    expect(check).toThrow(/field 'extra' is not in the official schema/);
    expect(check).toThrow(/field 'size' is string, schema says number/);
    expect(check).toThrow(/required field 'id' is missing/);
  });
});

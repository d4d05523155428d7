import { includesAcross } from './gmail-import';

describe('looking for a multipart boundary in a message sent as pieces', () => {
  const b = (s: string) => Buffer.from(s);

  it('finds it inside a piece and across a join', () => {
    expect(includesAcross([b('X-Ferry: 1\r\n'), b('body --ferry_abc-- end')], 'ferry_abc')).toBe(true);
    expect(includesAcross([b('X-Ferry: 1\r\nfer'), b('ry_abc rest')], 'ferry_abc')).toBe(true);
  });

  it('finds it across several short pieces and empty ones', () => {
    expect(includesAcross([b('..fe'), b(''), b('r'), b('ry_'), b('abc..')], 'ferry_abc')).toBe(true);
    expect(includesAcross([b('ferry_ab'), b('c')], 'ferry_abc')).toBe(true);
  });

  it('does not find what is not there, even split', () => {
    expect(includesAcross([b('ferry_ab'), b('x'), b('c')], 'ferry_abc')).toBe(false);
    expect(includesAcross([b(''), b('')], 'ferry_abc')).toBe(false);
    expect(includesAcross([b('a'.repeat(10_000)), b('ferry_ab')], 'ferry_abc')).toBe(false);
  });
});

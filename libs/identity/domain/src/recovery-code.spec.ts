import { formatRecoveryCode, normaliseRecoveryCode } from './recovery-code';

describe('recovery codes', () => {
  it('formats 50 bits as xxxxx-xxxxx in Crockford base32', () => {
    expect(formatRecoveryCode(new Uint8Array(7))).toBe('00000-00000');
    expect(formatRecoveryCode(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBe(
      'zzzzz-zzzzz',
    );
    expect(formatRecoveryCode(new Uint8Array([0x08, 0x86, 0x42, 0x98, 0xe8, 0x4a, 0x96]))).toMatch(
      /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/,
    );
  });

  it('normalises what a user types back to the stored form', () => {
    const code = formatRecoveryCode(new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
    const canonical = normaliseRecoveryCode(code);
    expect(canonical).toHaveLength(10);
    expect(normaliseRecoveryCode(` ${code.toUpperCase().replace('-', ' ')} `)).toBe(canonical);
  });

  it('folds look-alike letters: O to 0, I and L to 1', () => {
    expect(normaliseRecoveryCode('oooooiiiii')).toBe('0000011111');
    expect(normaliseRecoveryCode('LLLLL-00000')).toBe('1111100000');
  });

  it('refuses anything that cannot be a code', () => {
    for (const raw of ['', '12345', '12345-123456', 'uuuuu-uuuuu', "1234'-- 12", 'x'.repeat(100)])
      expect(normaliseRecoveryCode(raw)).toBeNull();
  });
});

import { ENCRYPTION_CONTEXT_LIMITS, encodeEncryptionContext } from './encryption-context';
import { EncryptionContextError } from './errors';

describe('encodeEncryptionContext', () => {
  it('encodes the same entries identically whatever their insertion order', () => {
    expect(encodeEncryptionContext({ org: 'o', connector: 'c', field: 'f' })).toEqual(
      encodeEncryptionContext({ field: 'f', org: 'o', connector: 'c' }),
    );
  });

  it.each([
    [{ a: 'b|c' }, { a: 'b', c: '' }],
    [{ a: 'bc' }, { ab: 'c' }],
    [
      { a: '', b: 'x' },
      { a: 'b', x: '' },
    ],
    [{ a: 'b.c' }, { 'a.b': 'c' }],
    [{ a: '\u0000' }, { a: '' }],
    [
      { org: 'x', field: 'y' },
      { org: 'x', field: 'y', extra: '' },
    ],
  ])('never gives %j and %j the same bytes', (one, two) => {
    expect(encodeEncryptionContext(one).equals(encodeEncryptionContext(two))).toBe(false);
  });

  it('refuses an empty context', () => {
    expect(() => encodeEncryptionContext({})).toThrow('at least one entry');
  });

  it('refuses a value that is not a string, naming the key but not the value', () => {
    expect(() => encodeEncryptionContext({ org: 42 as unknown as string })).toThrow(
      new EncryptionContextError("encryption context value for 'org' must be a string"),
    );
  });

  it('refuses a value with a lone surrogate, which UTF-8 could not encode unambiguously', () => {
    expect(() => encodeEncryptionContext({ org: 'a\ud800' })).toThrow('not well-formed Unicode');
  });

  it('refuses invalid keys without echoing them', () => {
    expect(() => encodeEncryptionContext({ 'bad key': 'x' })).toThrow('encryption context key #1 is invalid');
  });

  it('refuses a value above the size limit', () => {
    const value = 'x'.repeat(ENCRYPTION_CONTEXT_LIMITS.maxValueBytes + 1);

    expect(() => encodeEncryptionContext({ org: value })).toThrow(
      `exceeds ${ENCRYPTION_CONTEXT_LIMITS.maxValueBytes} bytes`,
    );
  });

  it('refuses more entries than the limit', () => {
    const many = Object.fromEntries(
      Array.from({ length: ENCRYPTION_CONTEXT_LIMITS.maxEntries + 1 }, (_, i) => [`k${i}`, 'v']),
    );

    expect(() => encodeEncryptionContext(many)).toThrow(
      `the limit is ${ENCRYPTION_CONTEXT_LIMITS.maxEntries}`,
    );
  });

  it('refuses something that is not an object', () => {
    expect(() => encodeEncryptionContext(null as unknown as Record<string, string>)).toThrow(
      EncryptionContextError,
    );
  });
});

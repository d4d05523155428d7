import { inspect } from 'node:util';
import { Pseudonymizer } from './address.pseudonymizer';

const KEY_A = Buffer.alloc(32, 1);
const KEY_B = Buffer.alloc(32, 2);

describe('Pseudonymizer', () => {
  const p = new Pseudonymizer(KEY_A);

  it('gives the same token for the same address every time', () => {
    expect(p.pseudonym('alice@example.com')).toBe(
      new Pseudonymizer(Buffer.from(KEY_A)).pseudonym('alice@example.com'),
    );
  });

  it('ignores case and surrounding whitespace', () => {
    expect(p.pseudonym('  Alice@Example.COM\n')).toBe(p.pseudonym('alice@example.com'));
  });

  it('gives different addresses different tokens', () => {
    expect(p.pseudonym('alice@example.com')).not.toBe(p.pseudonym('bob@example.com'));
  });

  it('gives a different token under a different key', () => {
    expect(new Pseudonymizer(KEY_B).pseudonym('alice@example.com')).not.toBe(
      p.pseudonym('alice@example.com'),
    );
  });

  it('writes tokens as u_ and 20 base32 characters', () => {
    expect(p.pseudonym('alice@example.com')).toMatch(/^u_[a-z2-7]{20}$/);
  });

  it('reads the base64 key form FERRY_PSEUDONYM_KEY holds', () => {
    expect(Pseudonymizer.fromBase64(KEY_A.toString('base64')).pseudonym('a@b.io')).toBe(
      p.pseudonym('a@b.io'),
    );
    expect(Pseudonymizer.fromBase64(KEY_A.toString('base64url')).pseudonym('a@b.io')).toBe(
      p.pseudonym('a@b.io'),
    );
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => new Pseudonymizer(Buffer.alloc(31))).toThrow('pseudonym key must be at least 32 bytes');
  });

  it('keeps the key out of inspect and JSON output', () => {
    const key = Buffer.from('k'.repeat(32));
    const shown = `${inspect(new Pseudonymizer(key), { showHidden: true })} ${JSON.stringify({ p: new Pseudonymizer(key) })}`;
    expect(shown).not.toContain('kkkk');
    expect(shown).not.toContain(key.toString('base64').slice(0, 8));
  });
});

describe('Pseudonymizer.pseudonymizeText', () => {
  const p = new Pseudonymizer(KEY_A);

  it('replaces every address in a sentence', () => {
    const out = p.pseudonymizeText('copied mail from Alice.Smith+tag@example.co.uk to bob@sub.example.org.');
    expect(out).toBe(
      `copied mail from ${p.pseudonym('alice.smith+tag@example.co.uk')} to ${p.pseudonym('bob@sub.example.org')}.`,
    );
  });

  it('replaces a percent-encoded address in a query string with the plain address’s token', () => {
    expect(p.pseudonymizeText('/api/v1/users?user=alice%40example.com&page=2')).toBe(
      `/api/v1/users?user=${p.pseudonym('alice@example.com')}&page=2`,
    );
  });

  it('leaves text without addresses unchanged', () => {
    const text = 'imported 12 items for @ferry/platform/telemetry at 2024-01-01T00:00:00Z (v1.2.3@4.5.6)';
    expect(p.pseudonymizeText(text)).toBe(text);
  });

  it('stays fast on long text with no address in it', () => {
    const text = `${'a'.repeat(200_000)}@${'b-'.repeat(50_000)}`;
    const started = process.hrtime.bigint();
    p.pseudonymizeText(text);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });
});

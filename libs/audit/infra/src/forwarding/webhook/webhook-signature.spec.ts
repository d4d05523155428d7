import { signatureOf, verifySignature } from './webhook-signature';

const secret = 'k'.repeat(40);
const body = Buffer.from('{"time":1,"event":{}}');

describe('webhook signatures', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>", and a receiver verifies it', () => {
    const timestamp = '1700000000';
    const signature = signatureOf(secret, timestamp, body);
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, { timestamp, signature, body }, { nowMs: 1_700_000_100_000 })).toBe(true);
  });

  it('fails for another body, another key, another timestamp or a stale one', () => {
    const timestamp = '1700000000';
    const signature = signatureOf(secret, timestamp, body);
    const now = { nowMs: 1_700_000_000_000 };
    expect(verifySignature(secret, { timestamp, signature, body: Buffer.from('{}') }, now)).toBe(false);
    expect(verifySignature('x'.repeat(40), { timestamp, signature, body }, now)).toBe(false);
    expect(verifySignature(secret, { timestamp: '1700000001', signature, body }, now)).toBe(false);
    expect(verifySignature(secret, { timestamp, signature, body }, { nowMs: 1_700_000_301_000 })).toBe(false);
    expect(verifySignature(secret, { timestamp: undefined, signature, body }, now)).toBe(false);
  });
});

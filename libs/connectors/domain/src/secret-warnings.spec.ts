import { type SecretAgePolicy, type SecretMetadata, secretWarnings } from './secret-warnings';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2025-06-15T12:00:00.000Z');
const POLICY: SecretAgePolicy = { maxAgeDays: 90, expiryWarningDays: 30 };
const at = (offsetMs: number): Date => new Date(NOW.getTime() + offsetMs);
const secret = (field: string, o: { ageMs?: number; expiresInMs?: number | null } = {}): SecretMetadata => ({
  field,
  createdAt: at(-(o.ageMs ?? DAY)),
  expiresAt: o.expiresInMs === undefined || o.expiresInMs === null ? null : at(o.expiresInMs),
  lastUsedAt: null,
  fingerprint: 'sha256:0000',
});
const codes = (secrets: SecretMetadata[], policy = POLICY): string[] =>
  secretWarnings(secrets, NOW, policy).map((w) => `${w.field}:${w.code}`);

describe('secret warnings', () => {
  it('says nothing about a young secret without expiry or far from it', () => {
    expect(codes([secret('client-secret'), secret('certificate-key', { expiresInMs: 31 * DAY })])).toEqual(
      [],
    );
  });

  it('a secret expiring right now or earlier is expired', () => {
    expect(
      codes([
        secret('a', { expiresInMs: 0 }),
        secret('b', { expiresInMs: -1 }),
        secret('c', { expiresInMs: -400 * DAY }),
      ]),
    ).toEqual(['a:expired', 'b:expired', 'c:expired']);
  });

  it('one millisecond before expiry it expires soon, not expired', () => {
    expect(codes([secret('a', { expiresInMs: 1 })])).toEqual(['a:expires-soon']);
  });

  it('expires soon up to and including the warning window, not one millisecond beyond', () => {
    expect(
      codes([secret('edge', { expiresInMs: 30 * DAY }), secret('beyond', { expiresInMs: 30 * DAY + 1 })]),
    ).toEqual(['edge:expires-soon']);
  });

  it('is older than the maximum age from the day it reaches it', () => {
    expect(
      codes([
        secret('young', { ageMs: 90 * DAY - 1 }),
        secret('edge', { ageMs: 90 * DAY }),
        secret('old', { ageMs: 400 * DAY }),
      ]),
    ).toEqual(['edge:older-than-max-age', 'old:older-than-max-age']);
  });

  it('an old expired secret gets both warnings', () => {
    expect(codes([secret('a', { ageMs: 100 * DAY, expiresInMs: -DAY })])).toEqual([
      'a:expired',
      'a:older-than-max-age',
    ]);
  });

  it('orders the most urgent first, keeping input order within a kind', () => {
    const secrets = [
      secret('old-1', { ageMs: 200 * DAY }),
      secret('soon-1', { expiresInMs: 2 * DAY }),
      secret('expired-1', { expiresInMs: -2 * DAY }),
      secret('old-2', { ageMs: 100 * DAY }),
      secret('soon-2', { expiresInMs: DAY }),
      secret('expired-2', { expiresInMs: -DAY }),
    ];
    expect(codes(secrets)).toEqual([
      'expired-1:expired',
      'expired-2:expired',
      'soon-1:expires-soon',
      'soon-2:expires-soon',
      'old-1:older-than-max-age',
      'old-2:older-than-max-age',
    ]);
  });

  it('names the field, the date and the age, and points old secrets to temporary project credentials', () => {
    const [expired, old] = secretWarnings(
      [secret('client-secret', { ageMs: 120.5 * DAY, expiresInMs: -3 * DAY })],
      NOW,
      POLICY,
    );
    expect(expired).toEqual({
      field: 'client-secret',
      code: 'expired',
      message: 'client-secret expired on 2025-06-12: rotate it, or the connector stops working',
    });
    expect(old?.message).toContain('client-secret is 120 days old (limit 90)');
    expect(old?.message).toContain('purge the project');
  });

  it('follows the operator policy', () => {
    const s = [secret('a', { ageMs: 10 * DAY, expiresInMs: 5 * DAY })];
    expect(codes(s, { maxAgeDays: 10, expiryWarningDays: 4 })).toEqual(['a:older-than-max-age']);
    expect(codes(s, { maxAgeDays: 11, expiryWarningDays: 5 })).toEqual(['a:expires-soon']);
  });
});

import { MAX_DETAIL_LENGTH, sanitizeProbeDetail } from './probe-detail.sanitizer';

describe('sanitizeProbeDetail', () => {
  it.each([
    ['connect to postgres://ferry:pw@db:5432/ferry failed', 'connect to [url] failed'],
    ['Server=sql;User Id=sa;Password=pw;', 'Server=sql;User Id=[redacted];Password=[redacted];'],
    ['token: abc123 expired', 'token: [redacted] expired'],
    ['mailbox ops@example.com unreachable', 'mailbox [address] unreachable'],
    ['line one\nline\ttwo', 'line one line two'],
  ])('masks %p', (detail, expected) => {
    expect(sanitizeProbeDetail(detail)).toBe(expected);
  });

  it('keeps a plain detail as it is', () => {
    expect(sanitizeProbeDetail('waiting for database at db:5432/ferry')).toBe(
      'waiting for database at db:5432/ferry',
    );
  });

  it('cuts long details', () => {
    const sanitized = sanitizeProbeDetail('x'.repeat(1_000));
    expect(sanitized).toHaveLength(MAX_DETAIL_LENGTH);
    expect(sanitized?.endsWith('…')).toBe(true);
  });

  it.each([undefined, 42, '   '])('drops a detail of %p', (detail) => {
    expect(sanitizeProbeDetail(detail)).toBeUndefined();
  });
});

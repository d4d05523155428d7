import { OtpauthTotp } from './otpauth-totp.adapter';

// RFC 6238 appendix B, SHA-1 key '12345678901234567890' (base32 below), codes cut to 6 digits.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const at = (seconds: number) => new Date(seconds * 1000);

describe('OtpauthTotp', () => {
  const totp = new OtpauthTotp('Ferry');

  it('matches the RFC 6238 SHA-1 test vectors and returns the absolute time step', () => {
    expect(totp.match(RFC_SECRET, '287082', at(59))).toBe(1);
    expect(totp.match(RFC_SECRET, '081804', at(1111111109))).toBe(37037036);
    expect(totp.match(RFC_SECRET, '050471', at(1111111111))).toBe(37037037);
    expect(totp.match(RFC_SECRET, '005924', at(1234567890))).toBe(41152263);
    expect(totp.match(RFC_SECRET, '279037', at(2000000000))).toBe(66666666);
  });

  it('accepts the code of the previous and next step, not two steps away', () => {
    // '081804' belongs to step 37037036 (T = 1111111109).
    expect(totp.match(RFC_SECRET, '081804', at(1111111109 + 30))).toBe(37037036);
    expect(totp.match(RFC_SECRET, '081804', at(1111111109 - 30))).toBe(37037036);
    expect(totp.match(RFC_SECRET, '081804', at(1111111109 + 60))).toBeNull();
  });

  it('refuses a wrong or malformed code', () => {
    expect(totp.match(RFC_SECRET, '287083', at(59))).toBeNull();
    expect(totp.match(RFC_SECRET, '28708', at(59))).toBeNull();
    expect(totp.match(RFC_SECRET, '2870822', at(59))).toBeNull();
    expect(totp.match(RFC_SECRET, '28708a', at(59))).toBeNull();
  });

  it('generates distinct 160-bit base32 secrets', () => {
    const a = totp.generateSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(totp.generateSecret()).not.toBe(a);
  });

  it('builds an otpauth URI with issuer, label and the SHA-1/6/30 parameters', () => {
    const uri = new URL(totp.uri(RFC_SECRET, 'alice'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Ferry:alice');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      issuer: 'Ferry',
      secret: RFC_SECRET,
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });

  it('renders the URI as an SVG QR code', async () => {
    const svg = await totp.qrSvg(totp.uri(RFC_SECRET, 'alice'));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<path');
  });
});

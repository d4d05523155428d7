import { Pseudonymizer } from './address.pseudonymizer';
import { maskSecretsInText, scrubText } from './text.scrubber';

const SECRET = 'Pl4nted-S3cret';

describe('maskSecretsInText', () => {
  it('masks the password in a URL and keeps the user and host', () => {
    expect(maskSecretsInText(`postgres://ferry:${SECRET}@db.internal:5432/app`)).toBe(
      'postgres://ferry:[redacted]@db.internal:5432/app',
    );
  });

  it('masks bearer and basic credentials', () => {
    const out = maskSecretsInText(`sent Authorization: Bearer ${SECRET}.abc and Basic dXNlcjpwYXNz`);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain('dXNlcjpwYXNz');
  });

  it('masks a JSON Web Token anywhere in text', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect(maskSecretsInText(`id_token in fragment #${jwt}`)).not.toContain('c2lnbmF0dXJl');
  });

  it.each([
    [`/callback?access_token=${SECRET}&state=x`, '/callback?access_token=[redacted]&state=x'],
    [`password=${SECRET}`, 'password=[redacted]'],
    [`client_secret: ${SECRET}`, 'client_secret: [redacted]'],
    [`{"apiKey":"${SECRET}","n":1}`, '{"apiKey":"[redacted]","n":1}'],
    [`/oauth/callback?code=${SECRET}&state=s`, '/oauth/callback?code=[redacted]&state=s'],
  ])('masks the value in %s', (text, expected) => {
    expect(maskSecretsInText(text)).toBe(expected);
  });

  it('is idempotent', () => {
    const once = maskSecretsInText(`token=${SECRET} https://u:${SECRET}@h/ Bearer ${SECRET}`);
    expect(maskSecretsInText(once)).toBe(once);
  });

  it('leaves ordinary text alone', () => {
    const text = 'GET /api/v1/migrations?page=2 took 12 ms (footprint: 3 items)';
    expect(maskSecretsInText(text)).toBe(text);
  });
});

describe('scrubText', () => {
  it('masks credentials and pseudonymises addresses together', () => {
    const p = new Pseudonymizer(Buffer.alloc(32, 5));
    const out = scrubText(`login for carol@example.com failed: password=${SECRET}`, p);
    expect(out).toBe(`login for ${p.pseudonym('carol@example.com')} failed: password=[redacted]`);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, exportPKCS8 } from 'jose';
import { ServiceKeyError } from './service-identity.errors';
import { ServiceTokenSigner } from './service-token.signer';
import { clockAt, serviceClaims, serviceKeyPair, T0 } from './testing/service-token.fixtures';

describe('ServiceTokenSigner', () => {
  const key = serviceKeyPair();
  let offset = 0;
  const signer = () =>
    new ServiceTokenSigner({
      service: 'migration',
      privateKey: key.privateKey,
      now: () => clockAt(offset)(),
    });

  beforeEach(() => {
    offset = 0;
  });

  it('signs an ES256 ferry-svc+jwt whose kid is the RFC 7638 thumbprint of the public key', async () => {
    const token = await signer().token('svc:connectors');

    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'ES256',
      typ: 'ferry-svc+jwt',
      kid: await calculateJwkThumbprint(await exportJWK(key.publicKey), 'sha256'),
    });
  });

  it('claims to be svc:<service>, for the audience, valid for 5 minutes from now, with a fresh jti', async () => {
    const issuer = signer();
    const claims = decodeJwt(await issuer.token('svc:connectors'));

    expect(claims).toEqual(serviceClaims({ jti: expect.stringMatching(/^[0-9a-f-]{36}$/) as string }));
    expect(issuer.principal).toBe('svc:migration');
  });

  it('reuses one token until a minute before it expires, then signs a new one', async () => {
    const issuer = signer();
    const first = await issuer.token('svc:connectors');

    offset = 239;
    expect(await issuer.token('svc:connectors')).toBe(first);
    offset = 240;
    const second = await issuer.token('svc:connectors');
    expect(second).not.toBe(first);
    expect(decodeJwt(second)).toMatchObject({ iat: T0 + 240, exp: T0 + 540 });
  });

  it('signs a new token when the clock is set back before the cached one was issued', async () => {
    const issuer = signer();
    const first = await issuer.token('svc:connectors');

    offset = -10;
    expect(await issuer.token('svc:connectors')).not.toBe(first);
  });

  it('keeps one token per audience', async () => {
    const issuer = signer();
    const connectors = await issuer.token('svc:connectors');
    const freebusy = await issuer.token('svc:freebusy');

    expect(decodeJwt(freebusy).aud).toBe('svc:freebusy');
    expect(await issuer.token('svc:connectors')).toBe(connectors);
  });

  it('gives concurrent callers the same token (one signature)', async () => {
    const issuer = signer();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => issuer.token('svc:connectors')));
    expect(new Set(tokens).size).toBe(1);
  });

  it('takes the private key as a PKCS#8 PEM too', async () => {
    const fromPem = new ServiceTokenSigner({
      service: 'migration',
      privateKey: await exportPKCS8(key.privateKey),
    });
    expect(fromPem.keyId).toBe(key.kid);
    expect(decodeProtectedHeader(await fromPem.token('svc:connectors')).kid).toBe(key.kid);
  });

  it.each(['connectors', 'svc:', 'svc:Connectors', 'svc:a b', 'https://connectors'])(
    'refuses the audience %p (not svc:<service name>)',
    async (audience) => {
      await expect(signer().token(audience)).rejects.toThrow('svc:<service name>');
    },
  );

  it.each(['', 'Migration', '-migration', 'mi gration', 'a'.repeat(33), 'svc:migration'])(
    'refuses the service name %p',
    (service) => {
      expect(() => new ServiceTokenSigner({ service, privateKey: key.privateKey })).toThrow(
        'service name must match',
      );
    },
  );

  it.each([
    ['a public key', () => key.publicKey, 'is not a private key'],
    ['a P-384 key', () => serviceKeyPair('secp384r1').privateKey, 'is not an EC P-256 key'],
    [
      'an RSA key',
      () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
      'is not an EC P-256 key',
    ],
  ])('refuses %s', (_case, privateKey, problem) => {
    const attempt = () => new ServiceTokenSigner({ service: 'migration', privateKey: privateKey() });
    expect(attempt).toThrow(ServiceKeyError);
    expect(attempt).toThrow(`the signing key of service migration ${problem}`);
  });

  it('refuses a PEM that is not a P-256 PKCS#8 key without quoting it', () => {
    const sec1 = key.privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    const body = sec1.split('\n')[1] ?? '';
    const attempt = () => new ServiceTokenSigner({ service: 'migration', privateKey: sec1 });

    expect(attempt).toThrow(ServiceKeyError);
    expect(attempt).toThrow('SEC1');
    expect(attempt).not.toThrow(body);
  });
});

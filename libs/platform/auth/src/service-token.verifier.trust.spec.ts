import type { KeyObject } from 'node:crypto';
import { ServiceKeyError } from './service-identity.errors';
import { ServiceTokenVerifier } from './service-token.verifier';
import { serviceKeyPair } from './testing/service-token.fixtures';

describe('ServiceTokenVerifier trust set', () => {
  const migration = serviceKeyPair();
  const build =
    (trusted: Map<string, KeyObject[]>, audience = 'svc:connectors') =>
    () =>
      new ServiceTokenVerifier({ audience, trusted });

  it('refuses one public key trusted for two services, since its holder could act as either', () => {
    const trusted = new Map([
      ['migration', [migration.publicKey]],
      ['freebusy', [migration.publicKey]],
    ]);
    expect(build(trusted)).toThrow(
      new ServiceKeyError(
        'one public key is trusted for both migration and freebusy; give each service its own key',
      ),
    );
  });

  it.each([
    ['no service', new Map<string, KeyObject[]>(), 'trusts no service'],
    [
      'a service with no key',
      new Map([['migration', []]]),
      'service migration is listed with no trusted key',
    ],
    [
      'a bad service name',
      new Map([['Migration', [migration.publicKey]]]),
      'trusted service names must match',
    ],
    [
      'a private key',
      new Map([['migration', [migration.privateKey]]]),
      'trusted key 1 of service migration is not a public key',
    ],
    [
      'a P-384 key',
      new Map([['migration', [serviceKeyPair('secp384r1').publicKey]]]),
      'is not an EC P-256 key',
    ],
  ])('refuses %s', (_case, trusted, problem) => {
    expect(build(trusted)).toThrow(ServiceKeyError);
    expect(build(trusted)).toThrow(problem);
  });

  it.each(['connectors', 'svc:', 'svc:Connectors'])('refuses the audience %p', (audience) => {
    expect(build(new Map([['migration', [migration.publicKey]]]), audience)).toThrow('svc:<service name>');
  });
});

import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceKeyError } from './service-identity.errors';
import { loadServicePrivateKey, loadTrustedServiceKeys } from './service-keys';
import { ServiceTokenSigner } from './service-token.signer';
import { ServiceTokenVerifier } from './service-token.verifier';
import { serviceKeyPair, useServiceKeyDir } from './testing/service-token.fixtures';

const pkcs8 = (key: ReturnType<typeof serviceKeyPair>) =>
  key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const spki = (key: ReturnType<typeof serviceKeyPair>) =>
  key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
/** The base64 body of a PEM, the part that must never appear in a message. */
const pemBody = (pem: string) => pem.split('\n').slice(1, -2).join('');

describe('loadServicePrivateKey', () => {
  const dir = useServiceKeyDir();
  const key = serviceKeyPair();

  async function keyFile(content: string, mode = 0o600): Promise<string> {
    const path = join(dir(), 'migration.key.pem');
    await writeFile(path, content, { mode });
    await chmod(path, mode);
    return path;
  }

  it('reads a PKCS#8 P-256 key from a file only its owner can read', async () => {
    const loaded = await loadServicePrivateKey(await keyFile(pkcs8(key)));
    expect(new ServiceTokenSigner({ service: 'migration', privateKey: loaded }).keyId).toBe(key.kid);
  });

  it('accepts a read-only file (mode 0400, as a Kubernetes Secret mounted with defaultMode 0400)', async () => {
    await expect(loadServicePrivateKey(await keyFile(pkcs8(key), 0o400))).resolves.toBeDefined();
  });

  it.each([0o640, 0o604, 0o644, 0o660])('refuses a key file of mode %o, naming the fix', async (mode) => {
    const path = await keyFile(pkcs8(key), mode);
    const error = await loadServicePrivateKey(path).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServiceKeyError);
    expect((error as Error).message).toContain(`service key file ${path} has mode 0${mode.toString(8)}`);
    expect((error as Error).message).toContain(`chmod 600 ${path}`);
    expect((error as Error).message).not.toContain(pemBody(pkcs8(key)).slice(0, 16));
  });

  it.each([
    ['a public key', () => spki(key), 'must hold a PKCS#8 private key'],
    [
      'a SEC1 EC key',
      () => key.privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
      'openssl pkcs8 -topk8',
    ],
    ['a P-384 key', () => pkcs8(serviceKeyPair('secp384r1')), 'is not an EC P-256 key'],
    ['two keys', () => pkcs8(key) + pkcs8(serviceKeyPair()), 'exactly one PEM private key'],
    ['no PEM at all', () => 'not a key\n', 'exactly one PEM private key'],
    [
      'a damaged key',
      () => pkcs8(key).replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA'),
      'not a valid private key',
    ],
  ])('refuses %s without quoting the file', async (_case, content, problem) => {
    const text = content();
    const error = await loadServicePrivateKey(await keyFile(text)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServiceKeyError);
    expect((error as Error).message).toContain(problem);
    expect((error as Error).message).not.toContain(pemBody(text).slice(0, 16) || 'not a key');
  });

  it('refuses a missing file, saying how to create one', async () => {
    await expect(loadServicePrivateKey(join(dir(), 'absent.pem'))).rejects.toThrow(
      /does not exist; create one with: node scripts\/platform\/service-keys\.mjs/,
    );
  });

  it('refuses a directory', async () => {
    await expect(loadServicePrivateKey(dir())).rejects.toThrow('is not a regular file');
  });
});

describe('loadTrustedServiceKeys', () => {
  const dir = useServiceKeyDir();
  const migration = serviceKeyPair();
  const migrationNext = serviceKeyPair();
  const freebusy = serviceKeyPair();

  async function trustFile(name: string, content: string, mode = 0o644): Promise<string> {
    const path = join(dir(), name);
    await writeFile(path, content, { mode });
    await chmod(path, mode);
    return path;
  }

  it('reads one file per service and accepts tokens from every key of a service (rotation)', async () => {
    await trustFile('migration.pem', spki(migration) + spki(migrationNext));
    await trustFile('freebusy.pem', spki(freebusy));

    const trusted = await loadTrustedServiceKeys(dir());
    expect([...trusted.keys()]).toEqual(['freebusy', 'migration']);
    expect(trusted.get('migration')).toHaveLength(2);

    const verifier = new ServiceTokenVerifier({ audience: 'svc:connectors', trusted });
    for (const key of [migration, migrationNext]) {
      const signer = new ServiceTokenSigner({ service: 'migration', privateKey: key.privateKey });
      await expect(verifier.verify(await signer.token('svc:connectors'))).resolves.toMatchObject({
        service: 'migration',
      });
    }
  });

  it("skips dot entries, as in a mounted Kubernetes volume's ..data link", async () => {
    await mkdir(join(dir(), '..2025_06_15'));
    await writeFile(join(dir(), '..2025_06_15', 'migration.pem'), spki(migration));
    await symlink('..2025_06_15', join(dir(), '..data'));
    await symlink(join('..data', 'migration.pem'), join(dir(), 'migration.pem'));

    const trusted = await loadTrustedServiceKeys(dir());
    expect([...trusted.keys()]).toEqual(['migration']);
  });

  it.each([
    'Migration.pem',
    'migration.key.pem',
    'migration.txt',
    'migration',
    '-x.pem',
    `${'a'.repeat(33)}.pem`,
  ])('refuses a file named %p, naming it and the rule', async (name) => {
    await trustFile('freebusy.pem', spki(freebusy));
    await trustFile(name, spki(migration));

    await expect(loadTrustedServiceKeys(dir())).rejects.toThrow(
      new ServiceKeyError(
        `service trust directory ${dir()} holds '${name}'; every file there must be <service>.pem with a ` +
          'service name matching ^[a-z0-9][a-z0-9-]{0,31}$',
      ),
    );
  });

  it('refuses an empty directory', async () => {
    await expect(loadTrustedServiceKeys(dir())).rejects.toThrow(
      `service trust directory ${dir()} holds no <service>.pem file`,
    );
  });

  it('refuses a directory that does not exist', async () => {
    await expect(loadTrustedServiceKeys(join(dir(), 'absent'))).rejects.toThrow('cannot be read (ENOENT)');
  });

  it.each([0o664, 0o646])('refuses a trust file of mode %o (others could add a key)', async (mode) => {
    const path = await trustFile('migration.pem', spki(migration), mode);
    await expect(loadTrustedServiceKeys(dir())).rejects.toThrow(
      `is writable by group or others, who could add a key that speaks for migration. Fix: chmod 644 ${path}`,
    );
  });

  it('refuses a private key put among the public keys, without quoting it', async () => {
    await trustFile('migration.pem', spki(migration) + pkcs8(migrationNext));
    const error = await loadTrustedServiceKeys(dir()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServiceKeyError);
    expect((error as Error).message).toContain('migration.pem (key 2) is a private key');
    expect((error as Error).message).not.toContain(pemBody(pkcs8(migrationNext)).slice(0, 16));
  });

  it.each([
    ['no key', 'nothing here\n', 'holds no PEM public key'],
    ['a P-384 key', () => spki(serviceKeyPair('secp384r1')), 'is not an EC P-256 key'],
  ])('refuses a file with %s', async (_case, content, problem) => {
    await trustFile('migration.pem', typeof content === 'string' ? content : content());
    await expect(loadTrustedServiceKeys(dir())).rejects.toThrow(problem);
  });
});

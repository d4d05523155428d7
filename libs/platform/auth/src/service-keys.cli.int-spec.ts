import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadServicePrivateKey, loadTrustedServiceKeys } from './service-keys';
import { ServiceTokenSigner } from './service-token.signer';
import { ServiceTokenVerifier } from './service-token.verifier';
import { useServiceKeyDir } from './testing/service-token.fixtures';

const SCRIPT = resolve(__dirname, '../../../../scripts/platform/service-keys.mjs');

/** Runs the operators' CLI; resolves with its exit code and output instead of throwing on failure. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [SCRIPT, ...args], {
      timeout: 10_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('scripts/platform/service-keys.mjs', () => {
  const dir = useServiceKeyDir();

  it('creates a key pair the loaders accept and that round-trips a token', async () => {
    const out = join(dir(), 'keys');
    const run = await cli('migration', '--out', out);
    expect(run).toMatchObject({ code: 0, stderr: '' });

    const privateFile = join(out, 'private', 'migration.key.pem');
    expect((await stat(privateFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(out, 'private'))).mode & 0o777).toBe(0o700);
    expect(await readFile(join(out, 'trust', 'migration.pem'), 'utf8')).toMatch(
      /^-----BEGIN PUBLIC KEY-----\n/,
    );

    const signer = new ServiceTokenSigner({
      service: 'migration',
      privateKey: await loadServicePrivateKey(privateFile),
    });
    const verifier = new ServiceTokenVerifier({
      audience: 'svc:connectors',
      trusted: await loadTrustedServiceKeys(join(out, 'trust')),
    });
    await expect(verifier.verify(await signer.token('svc:connectors'))).resolves.toMatchObject({
      service: 'migration',
    });
    expect(run.stdout).toContain(`key id ${signer.keyId}`);
    // The private key is written to its file, never to the terminal.
    expect(run.stdout).not.toContain('PRIVATE KEY');
  });

  it('refuses to overwrite an existing key and leaves it untouched', async () => {
    const out = join(dir(), 'keys');
    await cli('migration', '--out', out);
    const privateFile = join(out, 'private', 'migration.key.pem');
    const before = await readFile(privateFile, 'utf8');

    const again = await cli('migration', '--out', out);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists and is never overwritten');
    expect(await readFile(privateFile, 'utf8')).toBe(before);
  });

  it('refuses when only the public half exists, creating neither file', async () => {
    const out = join(dir(), 'keys');
    await cli('freebusy', '--out', out);
    await writeFile(join(out, 'trust', 'migration.pem'), 'kept\n');

    expect((await cli('migration', '--out', out)).code).toBe(1);
    await expect(stat(join(out, 'private', 'migration.key.pem'))).rejects.toThrow('ENOENT');
  });

  it.each([
    [['Migration', '--out', 'x'], 1, 'the service name must be'],
    [['migration'], 2, 'usage:'],
    [['a', 'b', '--out', 'x'], 2, 'usage:'],
    [['migration', '--out', 'x', '--force'], 2, 'usage:'],
  ])('refuses the arguments %p', async (args, code, message) => {
    const run = await cli(...args.map((a) => (a === 'x' ? join(dir(), 'x') : a)));
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
  });
});

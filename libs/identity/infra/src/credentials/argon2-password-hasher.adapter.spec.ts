import { Argon2PasswordHasher } from './argon2-password-hasher.adapter';

/** The parts of a PHC-encoded argon2 hash: `$argon2id$v=19$m=..,t=..,p=..$salt$tag`. */
function phc(encoded: string) {
  const [, type, version, params, salt, tag] = encoded.split('$');
  const p = Object.fromEntries((params ?? '').split(',').map((kv) => kv.split('=') as [string, string]));
  return {
    type,
    version,
    m: Number(p['m']),
    t: Number(p['t']),
    p: Number(p['p']),
    saltBytes: Buffer.from(salt ?? '', 'base64').length,
    tagBytes: Buffer.from(tag ?? '', 'base64').length,
  };
}

// Each default-parameter hash costs ~0.2 s: the scenarios share one hasher and one hash.
describe('Argon2PasswordHasher', () => {
  const hasher = new Argon2PasswordHasher();
  const password = 'correct horse battery staple';
  let stored: string;

  beforeAll(async () => {
    stored = await hasher.hash(password);
  });

  it('hashes with argon2id at m=64 MiB, t=3, p=1 and verifies the password', async () => {
    expect(phc(stored)).toEqual({
      type: 'argon2id',
      version: 'v=19',
      m: 65536,
      t: 3,
      p: 1,
      saltBytes: 16,
      tagBytes: 32,
    });
    await expect(hasher.verify(stored, password)).resolves.toEqual({ ok: true, needsRehash: false });
  });

  it('refuses a wrong password', async () => {
    await expect(hasher.verify(stored, 'correct horse battery stapler')).resolves.toEqual({
      ok: false,
      needsRehash: false,
    });
  });

  it('asks for a rehash of a hash made with weaker (floor) parameters', async () => {
    const weak = await new Argon2PasswordHasher({ memoryCost: 19456, timeCost: 2 }).hash(password);
    expect(phc(weak)).toMatchObject({ type: 'argon2id', m: 19456, t: 2, p: 1 });
    await expect(hasher.verify(weak, password)).resolves.toEqual({ ok: true, needsRehash: true });
  });

  it('refuses parameters below the ASVS floor when constructed', () => {
    expect(() => new Argon2PasswordHasher({ memoryCost: 19455 })).toThrow(
      /memoryCost 19455 is below the floor of 19456/,
    );
    expect(() => new Argon2PasswordHasher({ timeCost: 1 })).toThrow(/timeCost 1 is below the floor of 2/);
  });

  it('answers false for the dummy verification of an unknown account, even given the real password', async () => {
    await expect(hasher.verifyDummy(password)).resolves.toBe(false);
  });
});

#!/usr/bin/env node
// Creates the key pair a Ferry service proves its identity with to other services (service tokens,
// see libs/platform/auth/README.md):
//   <out>/private/<service>.key.pem  private key, PKCS#8 (mode 0600, directory 0700): FERRY_SERVICE_KEY_FILE
//   <out>/trust/<service>.pem        public key, for the receiving service's FERRY_SERVICE_TRUST_DIR
// usage: node scripts/platform/service-keys.mjs <service> --out <dir>
// Existing files are never overwritten: a key in use is replaced by rotation, not in place.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** The service name rule of libs/platform/auth (SERVICE_NAME_PATTERN). */
const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
const USAGE = 'usage: node scripts/platform/service-keys.mjs <service> --out <dir>';

/**
 * Writes a new P-256 key pair for `service` under `out`; returns the two paths and the key id (the
 * RFC 7638 thumbprint that service tokens carry as `kid`). Throws an Error with an operator-facing
 * message when the name is invalid, a file exists, or the private directory is open to others.
 */
export function createServiceKeyPair(service, out) {
  if (!SERVICE_NAME.test(service ?? '')) {
    throw new Error(`the service name must be 1-32 of a-z, 0-9 and - (not starting with -)`);
  }
  const privateDir = join(resolve(out), 'private');
  const trustDir = join(resolve(out), 'trust');
  const privateFile = join(privateDir, `${service}.key.pem`);
  const trustFile = join(trustDir, `${service}.pem`);
  for (const file of [privateFile, trustFile]) {
    if (existsSync(file)) {
      throw new Error(
        `${file} already exists and is never overwritten. To rotate ${service}'s key, create the new pair ` +
          `under another --out directory and follow the rotation steps in libs/platform/auth/README.md`,
      );
    }
  }
  // The out directory keeps the default mode (the trust files are public); only private/ is closed.
  mkdirSync(resolve(out), { recursive: true });
  mkdirSync(privateDir, { recursive: true, mode: 0o700 });
  const mode = statSync(privateDir).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new Error(
      `${privateDir} has mode 0${mode.toString(8)}; private keys go only in a directory of mode 0700 (chmod 700 ${privateDir})`,
    );
  }
  mkdirSync(trustDir, { recursive: true, mode: 0o755 });

  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  // 'wx' fails if another run created the file meanwhile; the mode is set at creation, never widened.
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    flag: 'wx',
    mode: 0o600,
  });
  chmodSync(privateFile, 0o600);
  try {
    writeFileSync(trustFile, publicKey.export({ type: 'spki', format: 'pem' }), { flag: 'wx', mode: 0o644 });
  } catch (error) {
    unlinkSync(privateFile);
    throw error;
  }
  return { privateFile, trustFile, keyId: keyId(publicKey) };
}

/** RFC 7638 thumbprint of an EC public key: SHA-256 of its required JWK members in order. */
function keyId(publicKey) {
  const { crv, kty, x, y } = publicKey.export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
}

function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    console.error(`service-keys: ${error.message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || !values.out) {
    console.error(USAGE);
    return 2;
  }
  const [service] = positionals;
  try {
    const created = createServiceKeyPair(service, values.out);
    console.log(
      `service-keys: created ${created.privateFile} (the ${service} service's FERRY_SERVICE_KEY_FILE; keep it secret)`,
    );
    console.log(
      `service-keys: created ${created.trustFile} (add it to the connectors service's FERRY_SERVICE_TRUST_DIR)`,
    );
    console.log(`service-keys: key id ${created.keyId}`);
    return 0;
  } catch (error) {
    console.error(`service-keys: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}

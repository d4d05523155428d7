#!/usr/bin/env node
// Creates the audit service's signing key pair (Ed25519), which signs the hash chain's checkpoints
// and witnessed heads (see services/audit/README.md):
//   <out>/audit-signing.key.pem  private key, PKCS#8 (mode 0600, directory 0700): FERRY_AUDIT_SIGNING_KEY_FILE
//   <out>/audit-signing.pub.pem  public key: what scripts/audit/verify.mjs and auditors verify with
// usage: node scripts/audit/signing-key.mjs --out <dir>
// Existing files are never overwritten: a key in use is rotated (new pair, old public key kept in
// FERRY_AUDIT_VERIFY_KEYS_FILE), not replaced in place.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE = 'usage: node scripts/audit/signing-key.mjs --out <dir>';

/** Writes a new pair under `out`; returns the paths and the key id (first 16 hex of SHA-256 over the SPKI DER). */
export function createAuditSigningKey(out) {
  const dir = resolve(out);
  const privateFile = join(dir, 'audit-signing.key.pem');
  const publicFile = join(dir, 'audit-signing.pub.pem');
  for (const file of [privateFile, publicFile]) {
    if (existsSync(file)) throw new Error(`${file} already exists and is never overwritten; rotate by creating a new pair under another --out directory`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) throw new Error(`${dir} has mode 0${mode.toString(8)}; put the key in a directory of mode 0700`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
  chmodSync(privateFile, 0o600);
  try {
    writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }), { flag: 'wx', mode: 0o644 });
  } catch (error) {
    unlinkSync(privateFile);
    throw error;
  }
  const keyId = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
  return { privateFile, publicFile, keyId };
}

function main(argv) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    console.error(`signing-key: ${error.message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.out) {
    console.error(USAGE);
    return 2;
  }
  try {
    const created = createAuditSigningKey(values.out);
    console.log(`signing-key: created ${created.privateFile} (FERRY_AUDIT_SIGNING_KEY_FILE; keep it secret, outside the database)`);
    console.log(`signing-key: created ${created.publicFile} (verification: scripts/audit/verify.mjs --public-key)`);
    console.log(`signing-key: key id ${created.keyId}`);
    return 0;
  } catch (error) {
    console.error(`signing-key: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}

#!/usr/bin/env node
// Verifies the audit hash chain straight from the database, with only the public key: every record's
// hash and link, its stored columns against its payload, the signed checkpoints, and (with --nats) the
// head and purge floor witnessed in NATS KV, which also reveals a tail truncated after the last
// checkpoint. Reads only; needs no running audit service. Run `node scripts/build.mjs` first.
//
// usage: node scripts/audit/verify.mjs --public-key <pem> (--org <uuid|platform> | --all)
//          [--from <seq>] [--to <seq>] [--database-url <url>] [--nats <url> [--nats-prefix <p>]] [--json]
//   --public-key   Ed25519 public key(s), PEM (the current key's and any rotated-out ones)
//   --database-url defaults to DATABASE_URL (the audit service's database; its tables are in schema audit)
//   --nats         consult the witness in the KV bucket audit-heads (strongly advised)
// exit code: 0 every chain verified, 1 a chain has a violation, 2 the verification could not run
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..', '..');
const USAGE = 'usage: node scripts/audit/verify.mjs --public-key <pem> (--org <uuid|platform> | --all) [--from N] [--to N] [--database-url URL] [--nats URL [--nats-prefix P]] [--json]';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SEQUENCE = /^[1-9][0-9]{0,18}$/;

function fail(message) {
  console.error(`verify: ${message}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      'public-key': { type: 'string' },
      org: { type: 'string' },
      all: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      'database-url': { type: 'string' },
      nats: { type: 'string' },
      'nats-prefix': { type: 'string', default: '' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`${error.message}\n${USAGE}`);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
if (!values['public-key'] || !databaseUrl || Boolean(values.org) === Boolean(values.all)) fail(USAGE);
if (values.org && values.org !== 'platform' && !UUID.test(values.org.toLowerCase())) fail('--org must be an organisation id (UUID) or platform');
for (const name of ['from', 'to']) if (values[name] !== undefined && !SEQUENCE.test(values[name])) fail(`--${name} must be a sequence number (1 or more)`);

const dist = (...p) => join(ROOT, 'dist', 'libs', ...p, 'src', 'index.js');
if (!existsSync(dist('audit', 'infra'))) fail('the audit libraries are not built: run `node scripts/build.mjs` first');
const require = createRequire(import.meta.url);
require('reflect-metadata');
const { AUDIT_ENTITIES, KvChainWitness, readAuditVerifyKeys, TypeormAuditChainStore } = require(dist('audit', 'infra'));
const { VerifyAuditChainUseCase } = require(dist('audit', 'application'));
const { createServiceDataSource } = require(dist('platform', 'persistence'));
const { MessagingClient } = require(dist('platform', 'messaging'));

let verifyKeys;
try {
  verifyKeys = readAuditVerifyKeys(resolve(values['public-key']));
} catch (error) {
  fail(error.message);
}

const db = createServiceDataSource({ url: databaseUrl, service: 'audit', entities: AUDIT_ENTITIES, migrations: [] });
const messaging = values.nats
  ? new MessagingClient({ servers: [values.nats], service: 'audit-verify', region: 'local', prefix: values['nats-prefix'], maxConnectBackoffMs: 2000, drainTimeoutMs: 2000 })
  : undefined;
let exitCode = 0;
try {
  try {
    await db.initialize();
  } catch (error) {
    fail(`cannot reach the database: ${error.message}`);
  }
  if (messaging) {
    const connected = await Promise.race([messaging.ready().then(() => true), new Promise((r) => setTimeout(() => r(false), 5000).unref())]);
    if (!connected) fail('cannot reach NATS for the witness within 5 s');
  }
  const chain = new TypeormAuditChainStore(db);
  const witness = messaging ? new KvChainWitness(messaging) : undefined;
  const verify = new VerifyAuditChainUseCase(chain, { verifyKeys }, witness);
  const orgs = values.all ? await chain.organisations() : [values.org === 'platform' ? '' : values.org.toLowerCase()];
  const range = { ...(values.from ? { from: BigInt(values.from) } : {}), ...(values.to ? { to: BigInt(values.to) } : {}) };
  if (!values.json) console.log(`verify: ${orgs.length} chain(s); ${verifyKeys.size} trusted key(s); witness ${messaging ? 'from NATS KV' : 'not consulted (pass --nats to detect a tail truncated after the last checkpoint)'}`);
  for (const org of orgs) {
    const r = await verify.execute(org, range);
    const name = org || 'platform';
    if (r.violation) exitCode = 1;
    if (r.witness === 'unavailable') exitCode = Math.max(exitCode, 2);
    if (values.json) {
      const violation = r.violation ? { sequence: String(r.violation.sequence), kind: r.violation.kind, reason: r.violation.reason } : null;
      const { records, checkpoints, durationMs, witness: witnessState } = r;
      const sequences = { fromSequence: String(r.fromSequence), lastSequence: String(r.lastSequence), headSequence: String(r.headSequence) };
      console.log(JSON.stringify({ org: name, ok: !r.violation, violation, records, checkpoints, durationMs, ...sequences, witness: witnessState }));
    } else if (r.violation) {
      console.log(`VIOLATION ${name} at ${r.violation.sequence}: ${r.violation.kind}: ${r.violation.reason} (verified ${r.fromSequence}..${r.lastSequence} of ${r.headSequence})`);
    } else {
      const rate = r.durationMs > 0 ? `, ${Math.round((r.records * 1000) / r.durationMs)} records/s` : '';
      console.log(`ok        ${name}: ${r.records} records ${r.fromSequence}..${r.lastSequence} (head ${r.headSequence}), ${r.checkpoints} checkpoints, witness ${r.witness}, ${r.durationMs} ms${rate}`);
    }
  }
} catch (error) {
  console.error(`verify: ${error.message}`);
  exitCode = 2;
} finally {
  await messaging?.close().catch(() => undefined);
  await db.destroy().catch(() => undefined);
}
process.exit(exitCode);

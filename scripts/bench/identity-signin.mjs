#!/usr/bin/env node
// Password sign-in latency of the identity service with argon2id at its defaults (64 MiB, t=3, p=1):
// the password step alone, and password + TOTP, each over sequential sign-ins after a warm-up, through
// the whole path a user takes (HTTP gateway -> NATS -> identity -> PostgreSQL). The stack is the one the
// identity service-level tests boot, compiled: the gateway's controllers and identity's modules in one
// process, on this machine's PostgreSQL and NATS (as the integration tests use them).
// usage: node scripts/bench/identity-signin.mjs [--signins N] [--warmup W]   (after scripts/build.mjs)
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeResult } from './results.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'dist', 'libs', 'identity', 'infra', 'src', 'service');
const FIXTURE = join(FIXTURES, 'identity-service.fixture.js');
if (!existsSync(FIXTURE)) {
  console.error('identity is not built: run `node scripts/build.mjs` first');
  process.exit(1);
}
const { values } = parseArgs({
  options: { signins: { type: 'string', default: '200' }, warmup: { type: 'string', default: '10' } },
});
const SIGNINS = Number(values.signins);
const WARMUP = Number(values.warmup);

const require = createRequire(import.meta.url);
require('reflect-metadata');
const argon2 = require('argon2');
const { ARGON2_DEFAULT, startIdentityService } = require(FIXTURE);
const { signInAndEnrol } = require(join(FIXTURES, 'api-client.fixture.js'));

const API = '/api/v1';
const password = (i) => `bench-${i}-${Math.random().toString(36).slice(2, 12)}-pw`;
const round = (x) => +x.toFixed(1);

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.ceil(s.length * p) - 1)];
  return {
    n: s.length,
    p50Ms: round(at(0.5)),
    p90Ms: round(at(0.9)),
    p99Ms: round(at(0.99)),
    meanMs: round(s.reduce((a, b) => a + b, 0) / s.length),
    minMs: round(s[0]),
    maxMs: round(s.at(-1)),
  };
}

/** Runs `work(i)` for i < n, `lanes` at a time (the hasher runs two hashes at once). */
async function pool(n, lanes, work) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let i = next++; i < n; i = next++) out[i] = await work(i);
    }),
  );
  return out;
}

const expectOk = (what, res, status = 200) => {
  if (res.status !== status) throw new Error(`${what} answered ${res.status}: ${res.text.slice(0, 200)}`);
  return res;
};

const admin = { loginName: 'bench-admin', password: password('admin') };
const svc = await startIdentityService({
  label: 'bench-signin',
  bootstrapAdmin: admin,
  argon2: ARGON2_DEFAULT,
});
try {
  const { client } = svc;
  const platformAdmin = await signInAndEnrol(client, admin.loginName, admin.password);
  const orgAdminPassword = password('org-admin');
  const org = expectOk(
    'POST /orgs',
    await client.post(
      `${API}/orgs`,
      {
        name: 'Bench',
        admin: { loginName: 'bench-org-admin', displayName: 'IT Admin', password: orgAdminPassword },
      },
      platformAdmin.accessToken,
    ),
    201,
  );
  const orgId = org.body.id;
  const orgAdmin = await signInAndEnrol(client, 'bench-org-admin', orgAdminPassword);

  // One enrolled account per password + TOTP sign-in: a TOTP step is accepted once per account.
  console.error(`creating and enrolling ${SIGNINS + 1} accounts (two argon2id hashes each)...`);
  const accounts = await pool(SIGNINS + 1, 2, async (i) => {
    const loginName = `bench-user-${i}`;
    const pw = password(i);
    expectOk(
      'POST accounts',
      await client.post(
        `${API}/orgs/${orgId}/accounts`,
        { loginName, displayName: `Operator ${i}`, password: pw, roles: ['viewer'] },
        orgAdmin.accessToken,
      ),
      201,
    );
    return { loginName, password: pw, enrolled: await signInAndEnrol(client, loginName, pw) };
  });
  const [repeat, ...once] = accounts;

  const signIn = (a) => client.post(`${API}/auth/signin`, { loginName: a.loginName, password: a.password });
  for (let i = 0; i < WARMUP; i++) expectOk('warm-up sign-in', await signIn(repeat));

  console.error(`password step: ${SIGNINS} sequential sign-ins...`);
  const passwordStep = [];
  for (let i = 0; i < SIGNINS; i++) {
    const t = performance.now();
    const res = await signIn(repeat);
    passwordStep.push(performance.now() - t);
    if (res.body.status !== 'mfa-required')
      throw new Error(`password step answered ${res.status} ${res.text.slice(0, 200)}`);
  }

  console.error(`password + TOTP: ${SIGNINS} sequential sign-ins...`);
  const full = [];
  const totpStep = [];
  for (const a of once) {
    const { code } = await a.enrolled.authenticator.next();
    const t = performance.now();
    const first = await signIn(a);
    const t1 = performance.now();
    const done = await client.post(`${API}/auth/mfa`, { pendingToken: first.body.pendingToken, code });
    const t2 = performance.now();
    if (done.body.status !== 'signed-in')
      throw new Error(`TOTP step answered ${done.status} ${done.text.slice(0, 200)}`);
    full.push(t2 - t);
    totpStep.push(t2 - t1);
  }

  // The hash alone, in this process, for comparison with the end-to-end figures.
  const hash = await argon2.hash('reference password', {
    type: argon2.argon2id,
    memoryCost: ARGON2_DEFAULT.memoryKiB,
    timeCost: ARGON2_DEFAULT.iterations,
    parallelism: ARGON2_DEFAULT.parallelism,
    hashLength: 32,
  });
  const verify = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await argon2.verify(hash, 'reference password');
    verify.push(performance.now() - t);
  }

  const result = {
    argon2id: {
      memoryKiB: ARGON2_DEFAULT.memoryKiB,
      iterations: ARGON2_DEFAULT.iterations,
      parallelism: ARGON2_DEFAULT.parallelism,
      hashLength: 32,
      concurrency: ARGON2_DEFAULT.concurrency,
    },
    path: 'HTTP (gateway, in process) -> NATS request/reply -> identity -> PostgreSQL; sequential, one client',
    warmup: WARMUP,
    passwordStep: stats(passwordStep),
    passwordAndTotp: stats(full),
    totpStepOnly: stats(totpStep),
    argon2VerifyInProcess: stats(verify),
    loadAverage: loadavg().map((x) => +x.toFixed(2)),
  };
  const file = writeResult('identity-signin', result);
  console.error(
    `password step: p50 ${result.passwordStep.p50Ms} ms, p99 ${result.passwordStep.p99Ms} ms, mean ${result.passwordStep.meanMs} ms`,
  );
  console.error(
    `password + TOTP: p50 ${result.passwordAndTotp.p50Ms} ms, p99 ${result.passwordAndTotp.p99Ms} ms, mean ${result.passwordAndTotp.meanMs} ms`,
  );
  console.error(
    `argon2id verify alone: p50 ${result.argon2VerifyInProcess.p50Ms} ms; load average ${result.loadAverage.join(' ')}`,
  );
  console.log(file);
} finally {
  await svc.close();
}

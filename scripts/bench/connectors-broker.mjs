#!/usr/bin/env node
// Token broker latency: what a worker waits for a token over NATS request/reply (service assertion
// verified, connector read from PostgreSQL, policy checked, token from the cache or the tenant), for
//   cached   - the same token again (the hot path of every worker request);
//   uncached - a token the broker must get from the tenant: Google domain-wide delegation for a user not
//              asked for before (JWT assertion signed, token endpoint called), and Microsoft client
//              credentials after a connector change made the cached one stale (MSAL, Entra token endpoint);
//   burst    - 500 concurrent requests for one key that is not cached: one refresh serves them all.
// The stack is the one the connectors service-level tests boot, compiled: the service in this process,
// the sandbox clouds in this process, this machine's PostgreSQL and NATS. Sequential requests.
// usage: node scripts/bench/connectors-broker.mjs [--cached N] [--uncached N]   (after scripts/build.mjs)
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_STATE_DIR, relaunchTrustingSandboxCa } from '../sandbox/sandbox-process.mjs';
import { writeResult } from './results.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const FIXTURE = join(ROOT, 'dist', 'libs', 'connectors', 'infra', 'src', 'service', 'connectors-service.fixture.js');
if (!existsSync(FIXTURE)) {
  console.error('the connectors service is not built: run `node scripts/build.mjs` first');
  process.exit(1);
}
await relaunchTrustingSandboxCa();
process.env.FERRY_SANDBOX_DIR = DEFAULT_STATE_DIR;
const { values } = parseArgs({ options: { cached: { type: 'string', default: '2000' }, uncached: { type: 'string', default: '200' } } });
const CACHED = Number(values.cached);
const UNCACHED = Number(values.uncached);

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { ConnectorKind, GoogleAuth, MicrosoftAuth, Rpc } = require(join(ROOT, 'dist', 'libs', 'contracts', 'src', 'index.js'));
const { ORG, startConnectorsService } = require(FIXTURE);
const { startTestSandbox } = require(join(ROOT, 'dist', 'libs', 'sandbox', 'src', 'index.js'));

const round = (x) => +x.toFixed(2);
function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.ceil(s.length * p) - 1)];
  return { n: s.length, p50Ms: round(at(0.5)), p90Ms: round(at(0.9)), p99Ms: round(at(0.99)), maxMs: round(s.at(-1)) };
}
const timed = async (fn) => {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

const sandbox = await startTestSandbox({
  scenario: {
    name: 'bench-broker',
    microsoft: { tenants: [{ domain: 'contoso.example', users: 2 }] },
    google: { tenants: [{ domain: 'fabrikam.example', users: UNCACHED + 20 }] },
  },
});
const root = sandbox.endpoints.googleRoot;
const svc = await startConnectorsService({
  label: 'bench-broker',
  google: { apiRoot: root, authUri: `${root}o/oauth2/v2/auth`, tokenUri: sandbox.endpoints.googleTokenUri },
});
try {
  const context = async () => ({ accessToken: await svc.accessToken() });
  const ms = sandbox.endpoints.microsoft;
  const g = sandbox.endpoints.google;
  const { connector: microsoft } = await svc.peer.request(Rpc.connectors.create, {
    orgId: ORG, name: 'bench M365', kind: ConnectorKind.MICROSOFT_365, secret: ms.clientSecret, workloads: ['mail'], context: await context(),
    settings: { case: 'microsoft', value: { auth: MicrosoftAuth.CLIENT_SECRET, tenantId: ms.tenantId, clientId: ms.clientId, cloud: 'custom', authorityHost: sandbox.endpoints.entraAuthority, graphOrigin: new URL(sandbox.endpoints.graph).origin } },
  });
  const { connector: google } = await svc.peer.request(Rpc.connectors.create, {
    orgId: ORG, name: 'bench Google', kind: ConnectorKind.GOOGLE_WORKSPACE, secret: JSON.stringify(g.serviceAccountKey), workloads: ['mail'], context: await context(),
    settings: { case: 'google', value: { auth: GoogleAuth.SERVICE_ACCOUNT, customerId: g.customerId, adminUser: g.adminUser } },
  });
  const users = [...sandbox.context.directory.google.get(g.customerId).users.keys()];
  const serviceToken = await svc.serviceToken('migration');
  const token = (connectorId, subject = '') => svc.peer.request(Rpc.broker.token, { serviceToken, orgId: ORG, connectorId, scopes: [], subject });
  const rename = async (i) =>
    svc.peer.request(Rpc.connectors.update, { ref: { orgId: ORG, connectorId: microsoft.id, context: await context() }, name: `bench M365 ${i}` });

  // Warm-up: connections, JIT, the caches of the service assertion and the JWKS.
  for (let i = 0; i < 50; i++) await token(microsoft.id);
  const cachedMicrosoft = [];
  for (let i = 0; i < CACHED; i++) cachedMicrosoft.push(await timed(() => token(microsoft.id)));
  await token(google.id, users[0]);
  const cachedGoogle = [];
  for (let i = 0; i < CACHED; i++) cachedGoogle.push(await timed(() => token(google.id, users[0])));

  const uncachedGoogle = [];
  for (let i = 1; i <= UNCACHED; i++) uncachedGoogle.push(await timed(() => token(google.id, users[i])));
  const uncachedMicrosoft = [];
  for (let i = 0; i < UNCACHED; i++) {
    await rename(i); // not timed: makes the cached token stale (a new connector version)
    uncachedMicrosoft.push(await timed(() => token(microsoft.id)));
  }

  await rename('burst');
  const burst = [];
  const started = process.hrtime.bigint();
  const tokens = await Promise.all(Array.from({ length: 500 }, async () => {
    const t = process.hrtime.bigint();
    const r = await token(microsoft.id);
    burst.push(Number(process.hrtime.bigint() - t) / 1e6);
    return r.accessToken;
  }));
  const burstWallMs = Number(process.hrtime.bigint() - started) / 1e6;

  const result = {
    load: loadavg().map((l) => +l.toFixed(2)),
    cached: { microsoft: stats(cachedMicrosoft), google: stats(cachedGoogle) },
    uncached: { google: stats(uncachedGoogle), microsoft: stats(uncachedMicrosoft) },
    burst: { requests: 500, distinctTokens: new Set(tokens).size, wallMs: round(burstWallMs), latency: stats(burst) },
  };
  const file = writeResult('connectors-broker', result);
  console.log(JSON.stringify(result, null, 2));
  console.log(`written to ${file}`);
} finally {
  await svc.close();
  await sandbox.close();
}

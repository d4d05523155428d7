#!/usr/bin/env node
// `npm run demo`: starts the sandbox clouds and the platform, drives the walking skeleton through the
// public API with the sandbox tenant's credentials, shows what happened (the stored secret is sealed,
// the connection test's findings, the audit record, one trace across three services), and stops.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { relaunchTrustingSandboxCa, startSandboxProcess } from '../sandbox/sandbox-process.mjs';
import { call, signIn } from './api-client.mjs';
import { migrateMail } from './demo-migration.mjs';
import { ROOT, SERVICES, startPlatform } from './supervisor.mjs';
import { printTree, readSpans } from '../telemetry/span-files.mjs';

// The demo talks HTTPS to the sandbox clouds, so this process must trust their CA from its start.
await relaunchTrustingSandboxCa();

const bold = (s) => `\x1b[1m${s}\x1b[0m`;
const say = (s) => console.log(`${bold('demo')} ${s}`);
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await wait(200);
  }
}

const started = Date.now();
let platform;
let sandbox;
let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true;
  say('interrupted; stopping');
  Promise.all([platform?.stop(), sandbox?.stop()]).then(() => process.exit(130));
});

try {
  sandbox = await startSandboxProcess({ scenario: 'default' });
  const clouds = sandbox.endpoints;
  const summary = await (await fetch(`${clouds.inspect}/summary`)).json();
  const ms = summary.microsoft[0];
  const g = summary.google[0];
  say(`sandbox clouds at ${clouds.entraAuthority} (CA ${clouds.ca})`);
  say(`   Microsoft 365 tenant ${ms.domain}: ${ms.users} users, ${ms.groups} groups; Google Workspace ${g.domain}: ${g.users} users, ${g.groups} groups`);
  for (const [name, counts] of Object.entries(summary)) {
    if (!['scenario', 'microsoft', 'google'].includes(name)) say(`   ${name}: ${JSON.stringify(counts)}`);
  }
  // The clouds' APIs are the sandbox's: Google's root for both services, Graph's origin for migration.
  platform = await startPlatform({
    quiet: process.env.FERRY_DEMO_QUIET === '1',
    extraEnv: {
      FERRY_GOOGLE_API_ROOT: clouds.googleRoot,
      FERRY_GOOGLE_TOKEN_URI: clouds.googleTokenUri,
      FERRY_GRAPH_ORIGIN: new URL(clouds.graph).origin,
      // Spans reach the trace files within half a second (the SDK's default batches every 5 s).
      OTEL_BSP_SCHEDULE_DELAY: '500',
    },
  });
  say(`all ${SERVICES.length} services ready in ${((Date.now() - started) / 1000).toFixed(1)} s; gateway at ${platform.urls.gateway}`);
  const api = `${platform.urls.gateway}/api/v1`;
  // The sandbox tenant's app registration secret: the connector the demo creates is a real one.
  const secret = clouds.microsoft.clientSecret;

  say('1. sign in as the platform admin identity created at first start (password + TOTP)');
  const { loginName: platformLogin, passwordFile } = platform.platformAdmin;
  const authenticatorFile = join(platform.stateDir, 'platform-admin.totp');
  const known = existsSync(authenticatorFile) ? readFileSync(authenticatorFile, 'utf8').trim() : undefined;
  const operator = await signIn(api, platformLogin, readFileSync(passwordFile, 'utf8').trim(), known);
  // The demo is the platform admin's authenticator app: it keeps the TOTP secret beside the password.
  if (operator.enrolled) writeFileSync(authenticatorFile, `${operator.totpSecret}\n`, { mode: 0o600 });
  say(`   -> ${operator.enrolled ? 'enrolled TOTP at first sign-in (10 recovery codes issued)' : 'answered the TOTP step'}; access token valid 5 minutes`);

  const suffix = randomBytes(3).toString('hex');
  const adminLogin = `contoso-admin-${suffix}`;
  const adminPassword = randomBytes(18).toString('base64url');
  say(`2. POST /api/v1/orgs  (platform admin creates organisation "Contoso" and its first org-admin ${adminLogin})`);
  const orgCreated = await call(`${api}/orgs`, { method: 'POST', token: operator.accessToken, body: { name: `Contoso ${suffix}`, admin: { loginName: adminLogin, displayName: 'IT Admin', password: adminPassword } } });
  if (orgCreated.status !== 201) throw new Error(`create organisation answered ${orgCreated.status}: ${JSON.stringify(orgCreated.body)}`);
  const org = orgCreated.body.id;
  say(`   -> ${orgCreated.status} org=${org}; the admin account holds no personal data (display name "IT Admin", no email)`);
  const forbidden = await call(`${api}/orgs/${org}/connectors`, { token: operator.accessToken });
  say(`   -> the platform admin reading the organisation's connectors: ${forbidden.status} (no access to customer data)`);

  say(`3. sign in as ${adminLogin}: password, then TOTP enrolment (otpauth URI + QR), then a session`);
  const admin = await signIn(api, adminLogin, adminPassword);
  const token = admin.accessToken;
  say(`   -> signed in as org-admin of ${org}`);

  say(`4. POST /api/v1/orgs/${org}/connectors  (the sandbox Microsoft 365 tenant's app registration: client secret, its cloud's endpoints)`);
  const created = await fetch(`${api}/orgs/${org}/connectors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'ferry-demo', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      name: `${clouds.microsoft.domain} (sandbox)`,
      kind: 'microsoft-365',
      workloads: ['mail', 'calendar', 'contacts', 'files'],
      secret,
      // A temporary credential for one migration: it expires in a week and is purged with its project.
      secretExpiresAt: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
      projectTag: 'demo-migration',
      // The sandbox is a custom cloud: Ferry reaches it only because FERRY_OUTBOUND_ALLOW names loopback.
      microsoft: { auth: 'client-secret', tenantId: clouds.microsoft.tenantId, clientId: clouds.microsoft.clientId, cloud: 'custom', authorityHost: clouds.entraAuthority, graphOrigin: new URL(clouds.graph).origin },
    }),
  });
  const connector = await created.json();
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(connector)}`);
  const stored = connector.secrets[0];
  say(`   -> ${created.status} id=${connector.id} kind=${connector.kind} status=${connector.status}; secret ${stored.field} fingerprint=${stored.fingerprint} (its value is never returned)`);
  for (const w of connector.warnings) say(`   warning ${w.code} (${w.field}): ${w.message}`);

  say('5. the connectors service stored the secret sealed (AES-256-GCM envelope), never in clear');
  const db = new pg.Client({ connectionString: platform.databaseUrl.replace('?tls=disable', '') });
  await db.connect();
  const { rows } = await db.query('SELECT * FROM connectors.connector_secrets WHERE connector_id = $1', [connector.id]);
  const { rows: connectorRows } = await db.query('SELECT * FROM connectors.connectors WHERE id = $1', [connector.id]);
  const dump = JSON.stringify([rows, connectorRows]);
  await db.end();
  const sealedColumn = Object.entries(rows[0] ?? {}).find(([, v]) => typeof v === 'string' && v.startsWith('v1.'));
  if (!sealedColumn || dump.includes(secret)) throw new Error('the stored row does not look sealed');
  say(`   -> connector_secrets.${sealedColumn[0]} (${rows[0].field}) = ${sealedColumn[1].slice(0, 40)}... (${sealedColumn[1].length} chars); plaintext present: no`);

  say(`6. POST /api/v1/orgs/${org}/connectors/${connector.id}/test  (credentials and the permissions the workloads need)`);
  const tested = await call(`${api}/orgs/${org}/connectors/${connector.id}/test`, { method: 'POST', token, body: {} });
  if (tested.status !== 200) throw new Error(`test answered ${tested.status}: ${JSON.stringify(tested.body)}`);
  for (const f of tested.body.findings) say(`   ${f.status.padEnd(7)} ${f.check}: ${f.detail}${f.remedy ? ` -> ${f.remedy}` : ''}`);
  say(`   -> ok=${tested.body.ok} in ${tested.body.durationMs} ms`);

  say(`7. GET /api/v1/orgs/${org}/audit  (as the org-admin)`);
  const audit = await until('the audit record', async () => {
    const res = await fetch(`${api}/orgs/${org}/audit?limit=100`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.json();
    return res.ok && body.items.some((i) => i.action === 'connector.created') ? body : undefined;
  });
  for (const r of [...audit.items].reverse()) say(`   #${r.sequence} ${r.action.padEnd(22)} actor=${r.actor.kind}/${r.actor.id.slice(0, 8)} target=${r.target.type}/${r.target.id.slice(0, 12)} ${r.outcome}`);
  const record = audit.items.find((i) => i.action === 'connector.created');
  say(`   -> #${record.sequence} ${record.action} target=${record.target.type}/${record.target.id} actor=${record.actor.id} outcome=${record.outcome} trace=${record.traceId}`);

  say(`8. trace ${record.traceId} (from each service's span file in ${platform.tracesDir})`);
  const spans = await until('spans from gateway, connectors and audit', async () => {
    const found = readSpans(platform.tracesDir, record.traceId);
    const services = new Set(found.map((s) => s.service));
    return ['gateway', 'connectors', 'audit'].every((s) => services.has(s)) ? found : undefined;
  });
  printTree(spans, { indent: '       ' });
  const order = [...spans].sort((a, b) => String(a.startTime).localeCompare(String(b.startTime)));
  say(`   -> one trace, ${spans.length} spans, services in order: ${[...new Set(order.map((s) => s.service))].join(' -> ')}`);

  const { passTrace } = await migrateMail({ api, token, org, clouds, say, tracesDir: platform.tracesDir });

  say(`17. DELETE /api/v1/orgs/${org}/connector-credentials?project=demo-migration  (the migration is complete: its temporary credentials go)`);
  const purged = await call(`${api}/orgs/${org}/connector-credentials?project=demo-migration`, { method: 'DELETE', token });
  if (purged.status !== 200) throw new Error(`purge answered ${purged.status}: ${JSON.stringify(purged.body)}`);
  const after = await call(`${api}/orgs/${org}/connectors/${connector.id}`, { token });
  say(`   -> ${purged.body.secretsDeleted} secret(s) of ${purged.body.connectors} connector(s) deleted; the connector is now ${after.body.status} with ${after.body.secrets.length} secrets`);
  say(`traces: every service appended its spans (redacted, NDJSON) to ${platform.tracesDir}/<service>.ndjson`);
  say(`   the full pass's start request is trace ${passTrace.traceId}; see it with`);
  say(`   node scripts/telemetry/trace.mjs ${passTrace.traceId}${platform.stateDir === join(ROOT, '.ferry') ? '' : ` --dir ${platform.tracesDir}`}`);
  say('   (production exports OTLP instead: OTEL_EXPORTER_OTLP_ENDPOINT, see libs/platform/telemetry/README.md)');
  say(`walking skeleton OK in ${((Date.now() - started) / 1000).toFixed(1)} s; stopping`);
  await Promise.all([platform.stop(), sandbox.stop()]);
  process.exit(0);
} catch (err) {
  if (!interrupted) {
    console.error(`${bold('demo')} FAILED: ${err.message}`);
    if (platform) console.error(`${bold('demo')} service logs are in ${platform.logsDir}`);
    await Promise.all([platform?.stop(), sandbox?.stop()]);
    process.exit(1);
  }
}

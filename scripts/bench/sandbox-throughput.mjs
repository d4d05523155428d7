#!/usr/bin/env node
// The sandbox clouds' own ceilings, so later benchmarks know what they measure against: request rate
// for small JSON calls (Graph and Gmail lists, Gmail raw MIME gets) and MB/s for ranged downloads and a
// streamed upload. The load generator is a second process on the same 2 cores, so these figures are
// what a Ferry worker beside the sandbox can get, not the sandbox alone.
// usage: node scripts/bench/sandbox-throughput.mjs [--seconds N] [--concurrency C] [--mib M]  (after scripts/build.mjs)
import { Agent, request } from 'node:https';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { importPKCS8, SignJWT } from 'jose';
import { relaunchTrustingSandboxCa, startSandboxProcess } from '../sandbox/sandbox-process.mjs';
import { median, writeResult } from './results.mjs';

await relaunchTrustingSandboxCa();
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, concurrency: { type: 'string', default: '16' }, mib: { type: 'string', default: '1024' }, repeats: { type: 'string', default: '3' } } });
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const MIB = Number(values.mib);
const REPEATS = Number(values.repeats);
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** One HTTPS request; resolves with status, headers and (unless `discard`) the body as a Buffer. */
function send(url, { method = 'GET', headers = {}, body, discard = false } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      let bytes = 0;
      const chunks = [];
      res.on('data', (c) => {
        bytes += c.length;
        if (!discard) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes, body: discard ? undefined : Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body instanceof Readable) body.pipe(req);
    else req.end(body);
  });
}
const json = async (url, init) => {
  const r = await send(url, init);
  if (r.status >= 300) throw new Error(`${init?.method ?? 'GET'} ${new URL(url).pathname} -> ${r.status} ${r.body}`);
  return JSON.parse(r.body.toString());
};

/** Closed-loop load: C workers repeat `fn` for SECONDS; requests/s and latency percentiles. */
async function load(name, fn) {
  const latencies = [];
  let errors = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        const r = await fn();
        if (r.status >= 400) errors += 1;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => +latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(2);
  const out = { name, requests: latencies.length, errors, requestsPerSecond: +(latencies.length / elapsed).toFixed(0), p50Ms: pct(0.5), p99Ms: pct(0.99) };
  console.error(`${name}: ${out.requestsPerSecond} req/s (p50 ${out.p50Ms} ms, p99 ${out.p99Ms} ms, ${errors} errors)`);
  return out;
}

async function transfer(name, fn, bytes) {
  const t = performance.now();
  const r = await fn();
  const seconds = (performance.now() - t) / 1000;
  if (r.status >= 300) throw new Error(`${name}: ${r.status} ${r.body ?? ''}`);
  const mbps = +(bytes / 1e6 / seconds).toFixed(1);
  console.error(`${name}: ${(bytes / 1024 ** 2).toFixed(0)} MiB in ${seconds.toFixed(2)} s = ${mbps} MB/s`);
  return { name, bytes, seconds: +seconds.toFixed(3), megabytesPerSecond: mbps };
}

function zeros(total) {
  const chunk = Buffer.alloc(256 * 1024, 7);
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

const sandbox = await startSandboxProcess({ scenario: 'bench-mail' });
try {
  const e = sandbox.endpoints;
  const origin = e.entraAuthority;
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: e.microsoft.clientId, client_secret: e.microsoft.clientSecret, scope: 'https://graph.microsoft.com/.default' });
  const graphToken = (await json(`${origin}/${e.microsoft.tenantId}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() })).access_token;
  const gh = { authorization: `Bearer ${graphToken}` };
  const users = await json(`${e.graph}/users?$top=20`, { headers: gh });
  const upn = users.value[1].userPrincipalName;
  const owner = users.value[0].id;

  const key = e.google.serviceAccountKey;
  const now = Math.floor(Date.now() / 1000);
  const googleUsers = await json(`${e.inspect}/google/${e.google.customerId}/users`);
  const gUser = googleUsers.users.find((u) => !u.primaryEmail.startsWith('admin@')).primaryEmail;
  const bigOwner = googleUsers.users.filter((u) => !u.primaryEmail.startsWith('admin@'))[0].primaryEmail;
  const googleToken = async (sub) => {
    const assertion = await new SignJWT({ scope: 'https://mail.google.com/ https://www.googleapis.com/auth/drive', sub })
      .setProtectedHeader({ alg: 'RS256', kid: key.private_key_id })
      .setIssuer(key.client_email)
      .setAudience(key.token_uri)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(await importPKCS8(key.private_key, 'RS256'));
    return (await json(key.token_uri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString() })).access_token;
  };
  const gAuth = { authorization: `Bearer ${await googleToken(gUser)}` };
  const bigAuth = { authorization: `Bearer ${await googleToken(bigOwner)}` };
  const gmailIds = (await json(`${e.googleRoot}gmail/v1/users/me/messages?maxResults=200`, { headers: gAuth })).messages.map((m) => m.id);

  const requestRuns = { graphList: [], gmailList: [], gmailRaw: [] };
  const transferRuns = { graphDownload: [], driveDownload: [], driveUpload: [] };
  const bytes = MIB * 1024 * 1024;
  const driveItems = await json(`${e.graph}/users/${owner}/drive/root/children?$top=200`, { headers: gh });
  const bigItem = driveItems.value.find((i) => i.name === 'big-5GB.bin');
  const gBig = (await json(`${e.googleRoot}drive/v3/files?q=${encodeURIComponent("name = 'big-5GB.bin'")}&fields=files(id,size)`, { headers: bigAuth })).files[0];
  for (let i = 0; i < REPEATS; i++) {
    requestRuns.graphList.push(await load('graph messages list ($top=10)', () => send(`${e.graph}/users/${upn}/messages?$top=10&$select=id,subject,receivedDateTime`, { headers: gh, discard: true })));
    requestRuns.gmailList.push(await load('gmail messages.list (maxResults=10)', () => send(`${e.googleRoot}gmail/v1/users/me/messages?maxResults=10`, { headers: gAuth, discard: true })));
    let n = 0;
    requestRuns.gmailRaw.push(await load('gmail messages.get format=raw', () => send(`${e.googleRoot}gmail/v1/users/me/messages/${gmailIds[n++ % gmailIds.length]}?format=raw`, { headers: gAuth, discard: true })));
    transferRuns.graphDownload.push(
      await transfer('graph drive content, ranged', async () => {
        const redirect = await send(`${e.graph}/drives/${bigItem.parentReference.driveId}/items/${bigItem.id}/content`, { headers: gh, discard: true });
        return send(redirect.headers.location, { headers: { range: `bytes=1000-${1000 + bytes - 1}` }, discard: true });
      }, bytes),
    );
    transferRuns.driveDownload.push(await transfer('google drive alt=media, ranged', () => send(`${e.googleRoot}drive/v3/files/${gBig.id}?alt=media`, { headers: { ...bigAuth, range: `bytes=1000-${1000 + bytes - 1}` }, discard: true }), bytes));
    const upload = Math.min(bytes, 512 * 1024 * 1024);
    transferRuns.driveUpload.push(await transfer('google drive upload (media, streamed)', () => send(`${e.googleRoot}upload/drive/v3/files?uploadType=media`, { method: 'POST', headers: { ...bigAuth, 'content-type': 'application/octet-stream', 'content-length': String(upload) }, body: zeros(upload) }), upload));
  }
  const summarise = (runs, field) => Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, { median: median(v.map((r) => r[field])), runs: v }]));
  const result = {
    concurrency: CONCURRENCY,
    secondsPerRun: SECONDS,
    repeats: REPEATS,
    requestsPerSecond: summarise(requestRuns, 'requestsPerSecond'),
    megabytesPerSecond: summarise(transferRuns, 'megabytesPerSecond'),
  };
  const file = writeResult('sandbox-throughput', result);
  console.log(JSON.stringify({ file, requestsPerSecond: Object.fromEntries(Object.entries(result.requestsPerSecond).map(([k, v]) => [k, v.median])), megabytesPerSecond: Object.fromEntries(Object.entries(result.megabytesPerSecond).map(([k, v]) => [k, v.median])) }));
} finally {
  await sandbox.stop();
  agent.destroy();
}

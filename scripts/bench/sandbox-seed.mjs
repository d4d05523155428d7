#!/usr/bin/env node
// Seeding cost of the sandbox: starts the runner on a scenario (default `bench-mail`: 20 users x
// 2,000 messages and a 5 GB drive file on each cloud) several times and records the time from spawn
// to the endpoints line, and the runner's RSS once seeded (read from /proc, not self-reported).
// usage: node scripts/bench/sandbox-seed.mjs [--scenario NAME] [--runs N]   (after scripts/build.mjs)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { relaunchTrustingSandboxCa, startSandboxProcess } from '../sandbox/sandbox-process.mjs';
import { median, writeResult } from './results.mjs';

await relaunchTrustingSandboxCa();
const { values } = parseArgs({ options: { scenario: { type: 'string', default: 'bench-mail' }, runs: { type: 'string', default: '5' } } });
const runs = [];
for (let i = 0; i < Number(values.runs); i++) {
  const started = performance.now();
  const sandbox = await startSandboxProcess({ scenario: values.scenario });
  const startupMs = performance.now() - started;
  await sandbox.seededLine;
  // Gmail builds a mailbox on first touch: touch every one, so the figure covers all 2 x 40,000 messages.
  const touchStarted = performance.now();
  const { users } = await (await fetch(`${sandbox.endpoints.inspect}/google/${sandbox.endpoints.google.customerId}/users`)).json();
  for (const u of users) await (await fetch(`${sandbox.endpoints.inspect}/google/gmail/${encodeURIComponent(u.primaryEmail)}`)).arrayBuffer();
  const materializeMs = performance.now() - touchStarted;
  const status = readFileSync(`/proc/${sandbox.pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const hwmKiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const summary = await (await fetch(`${sandbox.endpoints.inspect}/summary`)).json();
  await sandbox.stop();
  runs.push({ startupMs: Math.round(startupMs), gmailMaterializeMs: Math.round(materializeMs), rssMiB: +(rssKiB / 1024).toFixed(1), peakRssMiB: +(hwmKiB / 1024).toFixed(1), summary: i === 0 ? summary : undefined });
  console.error(`run ${i + 1}: ${Math.round(startupMs)} ms to endpoints + ${Math.round(materializeMs)} ms to build every Gmail mailbox, rss ${(rssKiB / 1024).toFixed(1)} MiB (peak ${(hwmKiB / 1024).toFixed(1)} MiB)`);
}
const result = {
  scenario: values.scenario,
  runs: runs.length,
  medianStartupMs: median(runs.map((r) => r.startupMs)),
  medianGmailMaterializeMs: median(runs.map((r) => r.gmailMaterializeMs)),
  medianRssMiB: median(runs.map((r) => r.rssMiB)),
  maxPeakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
  targets: { startupMs: 'seconds', rssMiB: 200 },
  detail: runs,
};
const file = writeResult('sandbox-seed', result);
console.log(JSON.stringify({ file, medianStartupMs: result.medianStartupMs, medianGmailMaterializeMs: result.medianGmailMaterializeMs, medianRssMiB: result.medianRssMiB, maxPeakRssMiB: result.maxPeakRssMiB }));

// The demo's migration: the sandbox Google Workspace tenant's mail into the sandbox Microsoft 365
// tenant through Ferry's public API, with a live progress bar from the pass's event stream, then a
// delta pass after changes at the source, and the counts reconciled against both clouds.
import { call } from './api-client.mjs';
import { readSpans, summariseTraces } from '../telemetry/span-files.mjs';

const USERS = 3;

/** Reads a pass's server-sent events, drawing a progress bar, until the pass ends. */
async function followPass(url, token, say) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
  if (res.status !== 200) throw new Error(`the pass's event stream answered ${res.status}`);
  const decoder = new TextDecoder();
  let buffer = '';
  let last;
  const draw = (p) => {
    const t = p.totals;
    const done = t.migrated + t.skipped + t.failed;
    const fraction = t.found > 0 ? done / t.found : 0;
    const width = 30;
    const bar = '#'.repeat(Math.round(fraction * width)).padEnd(width, '.');
    const rate = p.rate.itemsPerSecond ? `${p.rate.itemsPerSecond.toFixed(1)} msg/s` : '';
    process.stdout.write(`\r\x1b[1mdemo\x1b[0m    [${bar}] ${String(done).padStart(4)}/${t.found} messages, ${(t.bytesDone / 1e6).toFixed(1)} MB ${rate}   `);
  };
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === 'progress' && data) {
        last = JSON.parse(data);
        draw(last);
      }
      if (event === 'error') throw new Error(`the pass's event stream failed: ${data}`);
      if (event === 'end') {
        process.stdout.write('\n');
        return last;
      }
    }
  }
  process.stdout.write('\n');
  return last;
}

async function inspect(clouds, path, init) {
  const res = await fetch(`${clouds.inspect}${path}`, init ? { ...init, headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) } : undefined);
  if (!res.ok) throw new Error(`sandbox inspection ${path.split('/').slice(0, 4).join('/')} answered ${res.status}`);
  return res.json();
}

/**
 * Messages per mailbox as the clouds themselves count them: in Gmail outside Trash, and in Exchange
 * Online the copies Ferry made (the target mailboxes have mail of their own) outside Deleted Items.
 */
async function counts(clouds, pairs) {
  const rows = [];
  for (const { source, target } of pairs) {
    const gmail = (await inspect(clouds, `/google/gmail/${encodeURIComponent(source)}/messages`)).messages;
    const graph = (await inspect(clouds, `/microsoft/mail/${encodeURIComponent(target)}/messages?limit=5000`)).value;
    rows.push({
      source,
      target,
      gmail: gmail.filter((m) => !m.labelIds.includes('TRASH')).length,
      exchange: graph.filter((m) => m.origin !== 'seeded' && !/^Deleted Items(\/|$)/.test(m.folderPath)).length,
    });
  }
  return rows;
}

/**
 * The trace of the request that started `passId`, found from its `migration.pass.started` audit record
 * (a record carries the trace id of the request it records): id, span count and services.
 */
async function passStartTrace(base, token, passId, tracesDir) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const audit = await call(`${base}/audit?limit=500`, { token });
    const record = audit.body.items?.find((i) => i.action === 'migration.pass.started' && i.target.id === passId);
    // The request's own span is exported last (it ends after its children): wait for it.
    const spans = record ? readSpans(tracesDir, record.traceId) : [];
    if (spans.some((s) => s.service === 'gateway' && s.kind === 'SERVER')) {
      const [summary] = summariseTraces(spans);
      return { traceId: record.traceId, spans: spans.length, services: summary?.services ?? [] };
    }
    if (Date.now() > deadline) throw new Error('the migration.pass.started audit record or its trace did not arrive');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Runs the migration part of the demo; returns the project id and the trace of the full pass's start
 * request. The Microsoft 365 connector the demo created before is the target; this creates the Google
 * one (the source).
 */
export async function migrateMail({ api, token, org, clouds, say, tracesDir }) {
  const base = `${api}/orgs/${org}`;
  say(`10. POST ${base.slice(api.length)}/connectors  (the sandbox Google Workspace tenant: a service account with domain-wide delegation)`);
  const google = await call(`${base}/connectors`, {
    method: 'POST',
    token,
    body: {
      name: `${clouds.google.domain} (sandbox)`,
      kind: 'google-workspace',
      workloads: ['mail'],
      secret: JSON.stringify(clouds.google.serviceAccountKey),
      projectTag: 'demo-migration',
      google: { auth: 'service-account', customerId: clouds.google.customerId, adminUser: clouds.google.adminUser },
    },
  });
  if (google.status !== 201) throw new Error(`create Google connector answered ${google.status}: ${JSON.stringify(google.body)}`);
  const connectors = await call(`${base}/connectors`, { token });
  const microsoft = connectors.body.items?.find((c) => c.kind === 'microsoft-365') ?? connectors.body.connectors?.find((c) => c.kind === 'microsoft-365');
  if (!microsoft) throw new Error('the Microsoft 365 connector is missing');
  say(`    -> ${google.status} id=${google.body.id}`);

  say(`11. POST ${base.slice(api.length)}/migration/projects  (Gmail -> Exchange Online, mail)`);
  const project = await call(`${base}/migration/projects`, {
    method: 'POST',
    token,
    body: { name: 'Demo wave 1', sourceConnectorId: google.body.id, targetConnectorId: microsoft.id, workloads: ['mail'], deletionPolicy: 'mirror' },
  });
  if (project.status !== 201) throw new Error(`create project answered ${project.status}: ${JSON.stringify(project.body)}`);
  const projectUrl = `${base}/migration/projects/${project.body.id}`;
  say(`    -> ${project.status} id=${project.body.id} source=${project.body.source} target=${project.body.target}`);

  const googleUsers = (await inspect(clouds, `/google/${clouds.google.customerId}/users`)).users.map((u) => u.primaryEmail);
  const microsoftUsers = (await inspect(clouds, `/microsoft/${clouds.microsoft.tenantId}/users`)).value.map((u) => u.userPrincipalName);
  // The first user of each tenant is its administrator; the next ones are people.
  const count = Math.min(USERS, googleUsers.length - 1, microsoftUsers.length - 1);
  const pairs = googleUsers.slice(1, 1 + count).map((source, i) => ({ source, target: microsoftUsers[1 + i] }));
  say(`12. PUT ${projectUrl.slice(api.length)}/mappings  (text/csv, ${pairs.length} users)`);
  const csv = `source,target\r\n${pairs.map((p) => `${p.source},${p.target}`).join('\r\n')}\r\n`;
  const mapped = await fetch(`${projectUrl}/mappings`, { method: 'PUT', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body: csv });
  if (mapped.status !== 200) throw new Error(`mapping import answered ${mapped.status}: ${await mapped.text()}`);
  say(`    -> ${mapped.status}`);

  const runPass = async (kind) => {
    const pass = await call(`${projectUrl}/passes`, { method: 'POST', token, body: { kind } });
    if (pass.status !== 201) throw new Error(`start ${kind} pass answered ${pass.status}: ${JSON.stringify(pass.body)}`);
    const final = await followPass(`${projectUrl}/passes/${pass.body.id}/events`, token, say);
    const report = await call(`${projectUrl}/passes/${pass.body.id}/report`, { token });
    return { pass: pass.body, final, report: report.body };
  };

  say(`13. POST ${projectUrl.slice(api.length)}/passes {"kind":"full"}  (progress from GET .../passes/{pass}/events, server-sent events)`);
  const full = await runPass('full');
  const t = full.final?.totals;
  say(`    -> ${full.final?.pass?.status}: found ${t?.found}, migrated ${t?.migrated}, skipped ${t?.skipped}, failed ${t?.failed}, ${(t?.bytesDone / 1e6).toFixed(1)} MB`);
  const passTrace = await passStartTrace(base, token, full.pass.id, tracesDir);
  say(`    -> the audit record migration.pass.started carries trace ${passTrace.traceId}: ${passTrace.spans} spans so far (${passTrace.services.join(' -> ')}),`);
  say("       the gateway's request, the planner, each work item, Gmail and Graph calls, database queries (how to view it: at the end)");

  say('14. changes at the source (through the sandbox): a new message, a message starred and read, a message deleted');
  const [first] = pairs;
  const messages = (await inspect(clouds, `/google/gmail/${encodeURIComponent(first.source)}/messages`)).messages.filter((m) => !m.labelIds.includes('TRASH'));
  await inspect(clouds, `/google/gmail/${encodeURIComponent(first.source)}/messages`, { method: 'POST', body: { subject: 'Added between passes', labelIds: ['INBOX', 'UNREAD'] } });
  await inspect(clouds, `/google/gmail/${encodeURIComponent(first.source)}/messages/${messages[0].id}`, { method: 'PATCH', body: { addLabelIds: ['STARRED'], removeLabelIds: ['UNREAD'] } });
  await fetch(`${clouds.inspect}/google/gmail/${encodeURIComponent(first.source)}/messages/${messages[1].id}`, { method: 'DELETE' });

  say(`15. POST ${projectUrl.slice(api.length)}/passes {"kind":"delta"}  (Gmail history since the full pass; deletions mirrored)`);
  const delta = await runPass('delta');
  const d = delta.final?.totals;
  say(`    -> ${delta.final?.pass?.status}: changes found ${d?.found}, carried ${d?.migrated}, skipped ${d?.skipped}, failed ${d?.failed}`);

  say('16. reconciled: messages per mailbox in Gmail and in Exchange Online, after the delta pass');
  let same = true;
  for (const row of await counts(clouds, pairs)) {
    same &&= row.gmail === row.exchange;
    say(`    ${row.source.padEnd(28)} Gmail ${String(row.gmail).padStart(3)}  ->  ${row.target.padEnd(28)} Exchange ${String(row.exchange).padStart(3)}  ${row.gmail === row.exchange ? 'match' : 'DIFFER'}`);
  }
  if (!same) throw new Error('source and target counts differ after the delta pass');
  const full_ = full.report?.totals ?? full.final?.totals;
  if (full_ && full_.found !== full_.migrated + full_.skipped + full_.failed) throw new Error('the full pass report does not add up');
  return { projectId: project.body.id, passTrace };
}

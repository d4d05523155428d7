import { z } from 'zod';
import { faultRuleSchema } from '../faults/fault-rules';
import { isRecord, readJson } from '../http/body';
import type { RequestStats } from '../http/request-stats';
import { sendJson } from '../http/respond';
import type { Route } from '../http/route';
import type { SandboxRequest } from '../http/sandbox-request';
import { inspectError } from '../http/vendor-errors';
import { certificateThumbprints } from '../identity/entra.routes';
import type { SandboxContext, Workload } from '../sandbox-context';
import { limitOverrideSchema } from '../scenario/scenario.schema';
import { readInspectBody } from './inspect-body';
import { inspectBadRequest } from './inspect-errors';
import { inspectRoutes } from './inspect-route';

/**
 * The test-only control plane under `/_sandbox` (loopback only, no auth): summary counts, request
 * statistics, fault rules, throttle overrides, the clock, and tenant credentials for sign-in tests.
 */
export function coreInspectRoutes(ctx: SandboxContext, stats: RequestStats, workloads: () => readonly Workload[]): Route[] {
  const route = inspectRoutes('', 'inspect');
  const msTenant = (req: SandboxRequest) => {
    const t = ctx.directory.microsoftTenant(req.params['tenant'] ?? '');
    if (!t) throw inspectError(404, 'no such Microsoft tenant');
    return t;
  };
  const gTenant = (req: SandboxRequest) => {
    const t = ctx.directory.google.get(req.params['customer'] ?? '') ?? [...ctx.directory.google.values()].find((x) => x.domain === req.params['customer']);
    if (!t) throw inspectError(404, 'no such Google tenant');
    return t;
  };

  return [
    route('GET', '/_sandbox/summary', 'summary', (_q, res) => {
      const out: Record<string, unknown> = {
        scenario: ctx.scenario.name,
        microsoft: [...ctx.directory.microsoft.values()].map((t) => ({ tenantId: t.tenantId, domain: t.domain, users: t.users.size, groups: t.groups.size })),
        google: [...ctx.directory.google.values()].map((t) => ({ customerId: t.customerId, domain: t.domain, users: t.users.size, groups: t.groups.size })),
      };
      for (const w of workloads()) if (w.summary) out[w.name] = w.summary();
      sendJson(res, 200, out);
    }),
    route('GET', '/_sandbox/stats', 'stats', (_q, res) => sendJson(res, 200, { operations: stats.snapshot(), throttle: ctx.throttle.stats() })),
    route('DELETE', '/_sandbox/stats', 'stats.reset', (_q, res) => {
      stats.reset();
      sendJson(res, 200, {});
    }),
    route('GET', '/_sandbox/faults', 'faults.list', (_q, res) => sendJson(res, 200, { rules: ctx.faults.list() })),
    route('POST', '/_sandbox/faults', 'faults.add', async (req, res) => {
      const rule = await readInspectBody(req, faultRuleSchema);
      sendJson(res, 201, { id: ctx.faults.add(rule) });
    }),
    route('DELETE', '/_sandbox/faults', 'faults.clear', (_q, res) => {
      ctx.faults.clear();
      sendJson(res, 200, {});
    }),
    route('DELETE', '/_sandbox/faults/:id', 'faults.remove', (req, res) => {
      if (!ctx.faults.remove(req.params['id'] ?? '')) throw inspectError(404, 'no such fault rule');
      sendJson(res, 200, {});
    }),
    route('GET', '/_sandbox/throttle', 'throttle.get', (_q, res) => sendJson(res, 200, { enabled: ctx.throttle.enabled, overrides: ctx.throttle.getOverrides(), stats: ctx.throttle.stats() })),
    route('PUT', '/_sandbox/throttle', 'throttle.set', async (req, res) => {
      const body = await readInspectBody(req, z.object({ enabled: z.boolean().optional(), overrides: z.array(limitOverrideSchema).max(1000).optional() }));
      if (body.enabled !== undefined) ctx.throttle.enabled = body.enabled;
      if (body.overrides) ctx.throttle.setOverrides(body.overrides);
      sendJson(res, 200, { enabled: ctx.throttle.enabled, overrides: ctx.throttle.getOverrides() });
    }),
    route('POST', '/_sandbox/clock/advance', 'clock.advance', async (req, res) => {
      const body = await readInspectBody(req, z.object({ seconds: z.number().min(0).max(10 * 365 * 86400) }));
      ctx.clock.advance(body.seconds * 1000);
      sendJson(res, 200, { now: ctx.clock.date().toISOString() });
    }),
    route('GET', '/_sandbox/microsoft/:tenant/users', 'microsoft.users', (req, res) => {
      const t = msTenant(req);
      // Passwords are here only so sign-in tests can drive the sandbox's login page.
      sendJson(res, 200, { value: [...t.users.values()].map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName, password: u.password })) });
    }),
    route('POST', '/_sandbox/microsoft/:tenant/apps/:app/certificates', 'microsoft.app.certificate', async (req, res) => {
      const t = msTenant(req);
      const app = t.apps.get(req.params['app'] ?? '');
      if (!app) throw inspectError(404, 'no such app');
      const body = await readJson(req.raw, inspectBadRequest);
      if (!isRecord(body) || typeof body['certificate'] !== 'string') throw inspectBadRequest('certificate: a PEM certificate is required');
      let thumbs: ReturnType<typeof certificateThumbprints>;
      try {
        thumbs = certificateThumbprints(body['certificate']);
      } catch {
        throw inspectBadRequest('certificate: not a PEM X.509 certificate');
      }
      app.certificates.set(thumbs.x5t, thumbs.cert.publicKey);
      app.certificates.set(thumbs.x5tS256, thumbs.cert.publicKey);
      sendJson(res, 201, { x5t: thumbs.x5t, 'x5t#S256': thumbs.x5tS256 });
    }),
    route('PUT', '/_sandbox/microsoft/:tenant/apps/:app', 'microsoft.app.update', async (req, res) => {
      const t = msTenant(req);
      const app = t.apps.get(req.params['app'] ?? '');
      if (!app) throw inspectError(404, 'no such app');
      const body = await readInspectBody(req, z.object({ applicationPermissions: z.array(z.string().max(100)).max(200).optional(), delegatedPermissions: z.array(z.string().max(100)).max(200).optional(), redirectUris: z.array(z.string().url().max(2000)).max(50).optional() }));
      const replace = (set: Set<string>, values: readonly string[] | undefined) => {
        if (!values) return;
        set.clear();
        for (const v of values) set.add(v);
      };
      replace(app.applicationPermissions, body.applicationPermissions);
      replace(app.delegatedPermissions, body.delegatedPermissions);
      replace(app.redirectUris, body.redirectUris);
      sendJson(res, 200, { applicationPermissions: [...app.applicationPermissions], delegatedPermissions: [...app.delegatedPermissions], redirectUris: [...app.redirectUris] });
    }),
    route('GET', '/_sandbox/google/:customer/users', 'google.users', (req, res) => {
      const t = gTenant(req);
      sendJson(res, 200, { users: [...t.users.values()].map((u) => ({ id: u.id, primaryEmail: u.primaryEmail, password: u.password })) });
    }),
    route('PUT', '/_sandbox/google/:customer/delegation', 'google.delegation', async (req, res) => {
      const t = gTenant(req);
      const body = await readInspectBody(req, z.object({ clientEmail: z.string().max(320), scopes: z.array(z.string().max(300)).max(200) }));
      const account = t.serviceAccounts.get(body.clientEmail);
      if (!account) throw inspectError(404, 'no such service account');
      account.delegatedScopes.clear();
      for (const s of body.scopes) account.delegatedScopes.add(s);
      sendJson(res, 200, { scopes: [...account.delegatedScopes] });
    }),
    route('PUT', '/_sandbox/google/:customer/oauth-clients/:client', 'google.oauth-client', async (req, res) => {
      const t = gTenant(req);
      const client = t.oauthClients.get(req.params['client'] ?? '');
      if (!client) throw inspectError(404, 'no such OAuth client');
      const body = await readInspectBody(req, z.object({ redirectUris: z.array(z.string().url().max(2000)).max(50) }));
      client.redirectUris.clear();
      for (const u of body.redirectUris) client.redirectUris.add(u);
      sendJson(res, 200, { redirectUris: [...client.redirectUris] });
    }),
  ];
}

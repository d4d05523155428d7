import { readJson } from '../../http/body';
import type { DispatchResult } from '../../http/internal-dispatch';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import { graphError } from '../../http/vendor-errors';
import type { SandboxContext, WorkloadFactory } from '../../sandbox-context';
import { type BatchStep, parseBatch } from './batch-request';

const GRAPH_WWW_AUTH =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';
/** Sub-requests of one batch run at most this many at a time (Outlook's per-mailbox concurrency is 4). */
const BATCH_PARALLELISM = 4;
/** Response headers a batch step carries, in Graph's casing (the JS SDK looks for `Content-Type`). */
const KEPT_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'Content-Type',
  'retry-after': 'Retry-After',
  location: 'Location',
  etag: 'ETag',
  'preference-applied': 'Preference-Applied',
  'odata-version': 'OData-Version',
  'cache-control': 'Cache-Control',
};

interface StepResponse {
  readonly id: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

function stepResponse(id: string, r: DispatchResult): StepResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) {
    const name = KEPT_HEADERS[k];
    if (name) headers[name] = v;
  }
  if (r.body.length === 0) return { id, status: r.status, headers };
  const type = r.headers['content-type'] ?? '';
  if (/json/i.test(type)) {
    try {
      return { id, status: r.status, headers, body: JSON.parse(r.body.toString('utf8')) as unknown };
    } catch {
      // fall through to base64
    }
  }
  // Non-JSON content is base64-encoded in the batch response, as Graph does.
  return { id, status: r.status, headers, body: r.body.toString('base64') };
}

function errorStep(id: string, status: number, code: string, message: string): StepResponse {
  return { id, status, headers: { 'Content-Type': 'application/json' }, body: { error: { code, message } } };
}

/**
 * `POST /v1.0/$batch` (JSON batching): each step goes through the server's full pipeline
 * (routing, the outer token's auth, faults, throttling, handler) via `ctx.dispatch`; `dependsOn`
 * orders steps, and a step whose dependency failed answers 424 without running.
 */
export const graphBatchWorkload: WorkloadFactory = (ctx: SandboxContext) => {
  let batches = 0;
  let steps = 0;
  const run = async (
    plan: readonly BatchStep[],
    authorization: string | undefined,
  ): Promise<StepResponse[]> => {
    const dispatch = ctx.dispatch;
    if (!dispatch) throw graphError(500, 'generalException', 'An internal server error occurred.');
    const results = new Map<string, Promise<StepResponse>>();
    let running = 0;
    const waiters: (() => void)[] = [];
    const slot = async (): Promise<() => void> => {
      while (running >= BATCH_PARALLELISM) await new Promise<void>((r) => waiters.push(r));
      running++;
      return () => {
        running--;
        waiters.shift()?.();
      };
    };
    const byId = new Map(plan.map((s) => [s.id, s]));
    const exec = (step: BatchStep): Promise<StepResponse> => {
      const existing = results.get(step.id);
      if (existing) return existing;
      const p = (async (): Promise<StepResponse> => {
        const deps = await Promise.all(step.dependsOn.map((d) => exec(byId.get(d) ?? step)));
        if (deps.some((d) => d.status >= 400))
          return errorStep(
            step.id,
            424,
            'FailedDependency',
            'The request was not run because a request it depends on failed.',
          );
        const release = await slot();
        try {
          const headers: Record<string, string> = { ...step.headers };
          delete headers['authorization'];
          // The batch's own token authorises every step.
          if (authorization) headers['authorization'] = authorization;
          steps++;
          return stepResponse(step.id, await dispatch(step.method, step.url, headers, step.body));
        } catch {
          return errorStep(step.id, 500, 'generalException', 'An internal server error occurred.');
        } finally {
          release();
        }
      })();
      results.set(step.id, p);
      return p;
    };
    return Promise.all(plan.map(exec));
  };

  const route: Route = {
    vendor: 'graph',
    method: 'POST',
    pattern: '/v1.0/$batch',
    operation: 'graph.batch',
    // Authenticated here rather than by the route: any valid Graph token may batch; each step checks its own permissions.
    auth: { kind: 'none' },
    handler: async (req, res) => {
      const authorization = req.raw.headers.authorization;
      const verdict = await ctx.tokens.verifyMicrosoft(authorization);
      const headers = { 'www-authenticate': GRAPH_WWW_AUTH };
      if (verdict === 'missing')
        throw graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', headers);
      if (verdict === 'expired')
        throw graphError(
          401,
          'InvalidAuthenticationToken',
          'Lifetime validation failed, the token is expired.',
          headers,
        );
      if (verdict === 'invalid' || !ctx.directory.microsoft.has(verdict.tenantId))
        throw graphError(
          401,
          'InvalidAuthenticationToken',
          'Access token validation failure. Invalid audience.',
          headers,
        );
      const payload = await readJson(req.raw, () =>
        graphError(
          400,
          'BadRequest',
          'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
        ),
      );
      const plan = parseBatch(payload);
      batches++;
      sendJson(res, 200, { responses: await run(plan, authorization) });
    },
  };

  return {
    name: 'graph-batch',
    seed: () => undefined,
    routes: () => [route],
    summary: () => ({ batches, steps }),
  };
};

import { isRecord } from '../../http/body';
import type { VendorError } from '../../http/vendor-error';
import { graphError } from '../../http/vendor-errors';

/** Graph's cap on requests in one JSON batch (learn.microsoft.com/graph/json-batching). */
export const MAX_BATCH_REQUESTS = 20;

/** One validated step of a batch. */
export interface BatchStep {
  readonly id: string;
  readonly method: string;
  /** The path under `/v1.0`, with its query string. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly dependsOn: readonly string[];
}

const bad = (message: string): VendorError => graphError(400, 'BadRequest', message);
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

function isJsonType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType.trim());
}

/** A step's relative url as a `/v1.0` path: `/users/x` or `users/x`; a `/v1.0` prefix (what the JS SDK sends) is tolerated. */
function normaliseUrl(id: string, url: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) throw bad(`Request id '${id}': batch request urls must be relative.`);
  let path = url.startsWith('/') ? url : `/${url}`;
  if (/^\/v1\.0(\/|$|\?)/i.test(path)) path = path.slice(5) || '/';
  if (/^\/beta(\/|$|\?)/i.test(path))
    throw bad(`Request id '${id}': a v1.0 batch cannot contain beta requests.`);
  if (/^\/\$batch(\?|$)/i.test(path)) throw bad(`Request id '${id}': batch requests cannot be nested.`);
  return `/v1.0${path}`;
}

function bodyOf(id: string, method: string, body: unknown, headers: Record<string, string>): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  const contentType = headers['content-type'];
  if (contentType === undefined)
    throw bad(`Write request id : ${id} does not contain Content-Type header or body.`);
  if (isJsonType(contentType)) return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  // Non-JSON bodies travel base64-encoded inside the batch JSON.
  if (typeof body !== 'string' || !/^[A-Za-z0-9+/=\s_-]*$/.test(body))
    throw bad(
      `Request id '${id}': a ${method} body with content type '${contentType.slice(0, 80)}' must be base64-encoded.`,
    );
  return Buffer.from(body, 'base64');
}

/**
 * Validates a batch payload as Graph does before running anything: at most 20 requests, unique
 * ids, method and url present, dependencies that exist and do not form a cycle.
 */
export function parseBatch(payload: unknown): BatchStep[] {
  if (!isRecord(payload) || !Array.isArray(payload['requests'])) throw bad('Invalid batch payload format.');
  const requests = payload['requests'] as unknown[];
  if (requests.length === 0) throw bad('Invalid batch payload format: the batch contains no requests.');
  if (requests.length > MAX_BATCH_REQUESTS)
    throw bad(`The number of requests in the batch exceeds the limit of ${MAX_BATCH_REQUESTS}.`);
  const steps: BatchStep[] = [];
  const ids = new Set<string>();
  for (const r of requests) {
    if (!isRecord(r)) throw bad('Invalid batch payload format.');
    const id = typeof r['id'] === 'number' ? String(r['id']) : r['id'];
    if (typeof id !== 'string' || id === '')
      throw bad("Invalid batch payload format: every request needs an 'id'.");
    if (ids.has(id)) throw bad(`Request with id '${id.slice(0, 50)}' is duplicated in the batch.`);
    ids.add(id);
    const method = typeof r['method'] === 'string' ? r['method'].toUpperCase() : '';
    if (!METHODS.includes(method)) throw bad(`Request id '${id}': invalid or missing method.`);
    if (typeof r['url'] !== 'string' || r['url'] === '') throw bad(`Request id '${id}': missing url.`);
    const headers: Record<string, string> = {};
    if (r['headers'] !== undefined) {
      if (!isRecord(r['headers'])) throw bad(`Request id '${id}': headers must be an object.`);
      for (const [k, v] of Object.entries(r['headers']))
        if (typeof v === 'string') headers[k.toLowerCase()] = v;
    }
    const dependsOn = r['dependsOn'] === undefined ? [] : r['dependsOn'];
    if (!Array.isArray(dependsOn) || !dependsOn.every((d) => typeof d === 'string'))
      throw bad(`Request id '${id}': dependsOn must be an array of request ids.`);
    steps.push({
      id,
      method,
      url: normaliseUrl(id, r['url']),
      headers,
      body: bodyOf(id, method, r['body'], headers),
      dependsOn,
    });
  }
  for (const s of steps)
    for (const d of s.dependsOn)
      if (!ids.has(d))
        throw bad(`Request id '${s.id}' depends on request '${d.slice(0, 50)}', which is not in the batch.`);
  // A cycle would leave steps waiting forever.
  const state = new Map<string, 'visiting' | 'done'>();
  const byId = new Map(steps.map((s) => [s.id, s]));
  const visit = (id: string): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting')
      throw bad(`The batch's dependsOn references form a cycle at request '${id}'.`);
    state.set(id, 'visiting');
    for (const d of byId.get(id)?.dependsOn ?? []) visit(d);
    state.set(id, 'done');
  };
  for (const s of steps) visit(s.id);
  return steps;
}

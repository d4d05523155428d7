import type { SandboxRequest } from '../http/sandbox-request';
import type { VendorError } from '../http/vendor-error';
import { graphError } from '../http/vendor-errors';

export interface GraphPageOptions {
  /** Page size when `$top` is absent (each Graph resource documents its own default). */
  readonly defaultTop: number;
  /** Largest `$top` the resource accepts (999 for directory objects, 1000 for messages). */
  readonly maxTop: number;
  /** The `@odata.context` fragment after `$metadata#`, e.g. `users` or `users('id')/messages`. */
  readonly context: string;
}

export function badRequest(message: string, code = 'BadRequest'): VendorError {
  return graphError(400, code, message);
}

/** `$top` as an integer in 1..maxTop, or the default. */
export function topOf(req: SandboxRequest, o: Pick<GraphPageOptions, 'defaultTop' | 'maxTop'>): number {
  const raw = req.query.get('$top') ?? req.query.get('top');
  if (raw === null) return o.defaultTop;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badRequest(`Invalid value '${raw.slice(0, 32)}' for query parameter '$top'.`);
  return Math.min(n, o.maxTop);
}

/** `$skiptoken` is opaque to clients; here it is the offset, encoded so nobody relies on it. */
export function encodeSkipToken(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function decodeSkipToken(token: string | null): number {
  if (token === null) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw badRequest("Invalid value for query parameter '$skiptoken'.");
  return Number(m[1]);
}

/** Applies `$select` (always keeping `id` and `@odata.*` annotations, as Graph does). */
export function selectFields<T extends Record<string, unknown>>(item: T, req: SandboxRequest): Record<string, unknown> {
  const raw = req.query.get('$select') ?? req.query.get('select');
  if (!raw) return item;
  const wanted = new Set(raw.split(',').map((s) => s.trim()).filter(Boolean));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (k === 'id' || k.startsWith('@odata.') || wanted.has(k)) out[k] = v;
  return out;
}

/** The request URL with one query parameter replaced: how next and delta links are built. */
export function linkWith(req: SandboxRequest, origin: string, set: Record<string, string>, drop: readonly string[] = []): string {
  const url = new URL(req.path, origin);
  for (const [k, v] of req.query) if (!drop.includes(k) && !(k in set)) url.searchParams.append(k, v);
  for (const [k, v] of Object.entries(set)) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * One page of a collection in Graph's shape: `@odata.context`, `value`, and `@odata.nextLink`
 * carrying the same query with a `$skiptoken` when more remain.
 */
export function graphPage<T extends Record<string, unknown>>(items: readonly T[], req: SandboxRequest, origin: string, o: GraphPageOptions): Record<string, unknown> {
  const top = topOf(req, o);
  const offset = decodeSkipToken(req.query.get('$skiptoken'));
  const slice = items.slice(offset, offset + top).map((i) => selectFields(i, req));
  const body: Record<string, unknown> = { '@odata.context': `${origin}/v1.0/$metadata#${o.context}`, value: slice };
  if (req.query.get('$count') === 'true') body['@odata.count'] = items.length;
  if (offset + top < items.length) body['@odata.nextLink'] = linkWith(req, origin, { $skiptoken: encodeSkipToken(offset + top) });
  return body;
}

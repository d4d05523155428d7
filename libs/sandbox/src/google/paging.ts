import { createHash } from 'node:crypto';
import type { SandboxRequest } from '../http/sandbox-request';
import { googleError } from '../http/vendor-errors';

/**
 * Google list paging: `pageToken` in, `nextPageToken` out. Tokens are opaque and bound to the
 * query they came from (a token reused with another query is a 400, as Google answers).
 */
export function pageSizeOf(req: SandboxRequest, param: 'maxResults' | 'pageSize', defaultSize: number, maxSize: number): number {
  const raw = req.query.get(param);
  if (raw === null) return defaultSize;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw googleError(400, 'invalid', `Invalid value '${raw.slice(0, 32)}'. Values must be within the range: [1, ${maxSize}]`);
  return Math.min(n === 0 ? defaultSize : n, maxSize);
}

function querySignature(req: SandboxRequest): string {
  const pairs = [...req.query].filter(([k]) => !['pageToken', 'maxResults', 'pageSize', 'fields', 'prettyPrint', 'alt', 'key'].includes(k)).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(`${req.path}?${JSON.stringify(pairs)}`).digest('base64url').slice(0, 8);
}

export function encodePageToken(req: SandboxRequest, offset: number): string {
  return Buffer.from(`${querySignature(req)}:${offset}`).toString('base64url');
}

export function decodePageToken(req: SandboxRequest): number {
  const token = req.query.get('pageToken');
  if (!token) return 0;
  const m = /^([A-Za-z0-9_-]{8}):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m || m[1] !== querySignature(req)) throw googleError(400, 'invalid', 'Invalid pageToken', { location: 'pageToken', locationType: 'parameter' });
  return Number(m[2]);
}

/** One page: the slice and the token for the next one (undefined on the last page). */
export function googlePage<T>(items: readonly T[], req: SandboxRequest, param: 'maxResults' | 'pageSize', defaultSize: number, maxSize: number): { page: T[]; nextPageToken?: string } {
  const size = pageSizeOf(req, param, defaultSize, maxSize);
  const offset = decodePageToken(req);
  const page = items.slice(offset, offset + size);
  return offset + size < items.length ? { page, nextPageToken: encodePageToken(req, offset + size) } : { page };
}

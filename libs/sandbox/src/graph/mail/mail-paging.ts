import type { SandboxRequest } from '../../http/sandbox-request';
import { decodeSkipToken, encodeSkipToken, linkWith, topOf } from '../odata';

/**
 * One page of records in Graph's collection shape, rendering only the page's items (a folder may
 * hold 100k records; rendering all of them to slice ten would defeat compact seeding).
 */
export function pageOf<T>(
  req: SandboxRequest,
  origin: string,
  items: readonly T[],
  render: (item: T) => Record<string, unknown>,
  o: { defaultTop: number; maxTop: number; context: string },
): Record<string, unknown> {
  const top = topOf(req, o);
  const offset = decodeSkipToken(req.query.get('$skiptoken'));
  const value = items.slice(offset, offset + top).map((i) => selectMessage(render(i), req));
  const body: Record<string, unknown> = { '@odata.context': `${origin}/v1.0/$metadata#${o.context}` };
  if (req.query.get('$count') === 'true') body['@odata.count'] = items.length;
  body['value'] = value;
  if (offset + top < items.length) body['@odata.nextLink'] = linkWith(req, origin, { $skiptoken: encodeSkipToken(offset + top) });
  return body;
}

/** `users('id')` or `users('upn')` as the `@odata.context` prefix Graph echoes. */
export function contextPrefix(req: SandboxRequest): string {
  const user = req.params['user'];
  return user === undefined ? 'me' : `users('${encodeURIComponent(user)}')`;
}

/** `$select`, keeping `id`, annotations and an expanded `singleValueExtendedProperties` (Graph returns an expansion whatever `$select` says). */
export function selectMessage(json: Record<string, unknown>, req: SandboxRequest): Record<string, unknown> {
  const raw = req.query.get('$select') ?? req.query.get('select');
  if (!raw) return json;
  const wanted = new Set(raw.split(',').map((s) => s.trim()).filter(Boolean));
  return Object.fromEntries(Object.entries(json).filter(([k]) => k === 'id' || k.includes('@odata.') || k === '@removed' || k === 'singleValueExtendedProperties' || wanted.has(k)));
}

import type { ServerResponse } from 'node:http';
import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { graphError } from '../../http/vendor-errors';
import { selectFields, topOf } from '../odata';
import { DRIVE_READ, invalidRequest, type DriveTarget } from './drive-access';
import { itemRoutes, type DriveApi } from './drive-api';
import type { ItemRecord } from './drive.store';

/**
 * How long a delta token stays usable. OneDrive documents no figure, only that an expired token
 * answers 410 Gone; the sandbox picks 30 days so tests can age a token with the clock.
 */
export const DELTA_TOKEN_MAX_AGE_MS = 30 * 86_400_000;

/** What a delta token encodes: changes after `since`, up to `upTo`, resuming after `cursor`. */
interface DeltaToken {
  readonly d: string;
  readonly since: number;
  /** Set on next links: the snapshot this enumeration stops at. */
  readonly upTo?: number;
  readonly cursor?: number;
  readonly epoch: number;
  /** When the enumeration began (for staleness). */
  readonly at: number;
}

const encode = (t: DeltaToken): string => Buffer.from(JSON.stringify(t)).toString('base64url');

function decode(raw: string, driveId: string): DeltaToken {
  let t: unknown;
  try {
    t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    t = undefined;
  }
  const ok = typeof t === 'object' && t !== null && 'd' in t && 'since' in t && 'epoch' in t && 'at' in t;
  if (!ok || (t as DeltaToken).d !== driveId || typeof (t as DeltaToken).since !== 'number') throw invalidRequest('Invalid delta token.');
  return t as DeltaToken;
}

function deltaUrl(api: DriveApi, t: DriveTarget, token?: string): string {
  const base = `${api.ctx.origin()}/v1.0/drives/${encodeURIComponent(t.drive.id)}/root/delta`;
  return token === undefined ? base : `${base}?token=${token}`;
}

/**
 * GET root/delta: the first call enumerates every live item (parents first) across pages that end
 * with an `@odata.deltaLink`; a later call with that link returns only items changed since,
 * deleted ones with the `deleted` facet. `token=latest` skips the enumeration.
 */
async function delta(api: DriveApi, req: SandboxRequest, res: ServerResponse, t: DriveTarget, item: ItemRecord): Promise<void> {
  if (item.parentId) throw graphError(400, 'invalidRequest', 'OneDrive for Business supports delta only on the root folder.');
  const raw = req.query.get('token');
  const now = api.ctx.clock.now();
  const context = `${api.ctx.origin()}/v1.0/$metadata#Collection(driveItem)`;
  if (raw === 'latest') {
    sendJson(res, 200, { '@odata.context': context, value: [], '@odata.deltaLink': deltaUrl(api, t, encode({ d: t.drive.id, since: t.drive.seq, epoch: t.drive.epoch, at: now })) });
    return;
  }
  const token: DeltaToken = raw === null ? { d: t.drive.id, since: 0, epoch: t.drive.epoch, at: now } : decode(raw, t.drive.id);
  const stale = req.staleDelta === true || token.epoch !== t.drive.epoch || now - token.at > DELTA_TOKEN_MAX_AGE_MS;
  if (stale) {
    throw graphError(410, 'resyncRequired', 'The delta token is no longer valid. Start over with a new delta enumeration and reconcile local items with the server.', { location: deltaUrl(api, t) });
  }
  const upTo = token.upTo ?? t.drive.seq;
  const after = Math.max(token.since, token.cursor ?? 0);
  const initial = token.since === 0;
  const changed: ItemRecord[] = [];
  for (const it of t.drive.items.values()) if (it.seq > after && it.seq <= upTo && !(initial && it.deleted)) changed.push(it);
  changed.sort((a, b) => a.seq - b.seq);
  const top = topOf(req, { defaultTop: 200, maxTop: 1000 });
  const page = changed.slice(0, top);
  const value = await Promise.all(page.map(async (it) => selectFields(it.deleted ? api.views.deleted(t.drive, it) : await api.views.item(t, it), req)));
  const body: Record<string, unknown> = { '@odata.context': context, value };
  const last = page[page.length - 1];
  if (changed.length > top && last) {
    const next = new URL(deltaUrl(api, t, encode({ ...token, upTo, cursor: last.seq })));
    for (const [k, v] of req.query) if (k !== 'token') next.searchParams.set(k, v);
    body['@odata.nextLink'] = next.toString();
  } else {
    body['@odata.deltaLink'] = deltaUrl(api, t, encode({ d: t.drive.id, since: upTo, epoch: t.drive.epoch, at: now }));
  }
  sendJson(res, 200, body);
}

export function driveDeltaRoutes(api: DriveApi): Route[] {
  return itemRoutes(api, 'GET', '/delta', 'graph.drive.delta', DRIVE_READ, delta);
}

import { isRecord } from '../http/body';
import type { SandboxRequest } from '../http/sandbox-request';
import { graphError } from '../http/vendor-errors';
import { badRequest } from './odata';

/**
 * What every Outlook delta or skip token carries (short keys: the token travels in each link). A
 * workload adds its own fields, such as the folder or the calendar view window.
 */
export interface DeltaWindow {
  /** The mailbox's token epoch when the round began (the inspection API bumps it to expire tokens). */
  readonly e: number;
  /** Changes after this sequence are reported; -1 on the initial full round. */
  readonly s: number;
  /** The last change sequence this round covers: the next round's `s`. */
  readonly u: number;
  /** Offset of the page within the round. */
  readonly o: number;
}

/** A store's delta bookkeeping: tokens from another epoch, or older than `staleBefore`, are expired. */
export interface DeltaTracking {
  readonly deltaEpoch: number;
  readonly staleBefore: number;
}

export interface DeltaQuery<S extends DeltaWindow> {
  readonly origin: string;
  /** The Graph entity type (`message`, `contact`, `event`): names `@odata.context` and `@removed` entries. */
  readonly entity: string;
  /** The last change sequence the store has assigned. */
  readonly latest: number;
  /** Whether links (and the 410's restart location) keep the request's other query parameters. */
  readonly keepQuery?: boolean;
  /** Whether `$top` sizes pages when `Prefer: odata.maxpagesize` is absent (message delta supports it). */
  readonly top?: boolean;
  /** The workload's fields of a new round's token. */
  readonly start: () => Omit<S, keyof DeltaWindow>;
  /** Whether a decoded token's workload fields are well formed and fit this request (e.g. the same folder). */
  readonly fits: (token: Record<string, unknown>) => boolean;
  /** Query parameters the 410's Location adds so that the client restarts the same round. */
  readonly restart?: (token: S) => Record<string, string>;
}

/** One page of a delta round: the token state it continues, and the response that ends it. */
export interface DeltaRound<S extends DeltaWindow> {
  readonly state: S;
  /**
   * The page's body (`@odata.context`, `value` from `entries(from, to)` of the round's `total`, then
   * `@odata.nextLink` with a skip token while more remain, else `@odata.deltaLink`) and headers.
   */
  readonly page: (
    total: number,
    entries: (from: number, to: number) => Record<string, unknown>[],
  ) => { body: Record<string, unknown>; headers: Record<string, string> };
}

const DEFAULT_PAGE = 10;
const MAX_PAGE = 1000;
const TOKEN_PARAMS = new Set(['$deltatoken', '$skiptoken']);

const encode = (s: DeltaWindow): string => Buffer.from(JSON.stringify(s)).toString('base64url');

function decode(token: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!isRecord(v)) return undefined;
    return [v['e'], v['s'], v['u'], v['o']].every((n) => typeof n === 'number' && Number.isFinite(n)) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** `Prefer: odata.maxpagesize=N` sizes delta pages (and `$top`, where the resource supports it). */
function pageSize(req: SandboxRequest, top: boolean): { size: number; applied?: string } {
  const prefer = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(String(req.raw.headers['prefer'] ?? ''));
  if (prefer) {
    const size = Math.min(MAX_PAGE, Math.max(1, Number(prefer[1])));
    return { size, applied: `odata.maxpagesize=${size}` };
  }
  const raw = top ? req.query.get('$top') : null;
  if (raw === null) return { size: DEFAULT_PAGE };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badRequest(`Invalid value '${raw.slice(0, 32)}' for query parameter '$top'.`);
  return { size: Math.min(n, MAX_PAGE) };
}

/** An `@removed` entry for a deleted (or moved-out) item. */
export function removedEntry(entity: string, id: string): Record<string, unknown> {
  return { '@odata.type': `#microsoft.graph.${entity}`, id, '@removed': { reason: 'deleted' } };
}

/**
 * Reads a Graph delta request's `$deltatoken` / `$skiptoken` (none: a new full round). A token that
 * does not decode or fit is 400 ErrorInvalidSyncStateData; an expired one (another epoch, older than
 * `staleBefore`, or a `stale-delta` fault) is 410 Gone `syncStateNotFound` with a Location to restart
 * from, as the delta query overview documents. A `$deltatoken` starts the next round up to `latest`.
 */
export function deltaRound<S extends DeltaWindow>(req: SandboxRequest, tracking: DeltaTracking, q: DeltaQuery<S>): DeltaRound<S> {
  const linkBase = (): URL => {
    const url = new URL(req.path, q.origin);
    if (q.keepQuery) for (const [k, v] of req.query) if (!TOKEN_PARAMS.has(k)) url.searchParams.append(k, v);
    return url;
  };
  const token = req.query.get('$deltatoken') ?? req.query.get('$skiptoken');
  let state: S;
  if (token === null) {
    state = { e: tracking.deltaEpoch, s: -1, u: q.latest, o: 0, ...q.start() } as S;
  } else {
    const decoded = decode(token);
    if (!decoded || !q.fits(decoded)) throw graphError(400, 'ErrorInvalidSyncStateData', 'The sync state data is corrupt or otherwise invalid.');
    const st = decoded as unknown as S;
    if (req.staleDelta || st.e !== tracking.deltaEpoch || (st.s >= 0 && st.s < tracking.staleBefore)) {
      const restart = linkBase();
      for (const [k, v] of Object.entries(q.restart?.(st) ?? {})) restart.searchParams.set(k, v);
      throw graphError(410, 'syncStateNotFound', 'The sync state generation is not found. The delta token is expired and data must be synchronized again.', { location: restart.toString() });
    }
    state = req.query.has('$deltatoken') ? { ...st, u: q.latest, o: 0 } : st;
  }
  return {
    state,
    page: (total, entries) => {
      const { size, applied } = pageSize(req, q.top === true);
      const body: Record<string, unknown> = {
        '@odata.context': `${q.origin}/v1.0/$metadata#Collection(${q.entity})`,
        value: entries(state.o, Math.min(total, state.o + size)),
      };
      const link = linkBase();
      if (state.o + size < total) {
        link.searchParams.set('$skiptoken', encode({ ...state, o: state.o + size }));
        body['@odata.nextLink'] = link.toString();
      } else {
        link.searchParams.set('$deltatoken', encode({ ...state, s: state.u, o: 0 }));
        body['@odata.deltaLink'] = link.toString();
      }
      const headers: Record<string, string> = applied ? { 'preference-applied': applied } : {};
      return { body, headers };
    },
  };
}

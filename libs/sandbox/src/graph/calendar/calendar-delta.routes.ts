import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import type { VendorError } from '../../http/vendor-error';
import { graphError } from '../../http/vendor-errors';
import { CALENDAR_READ, MAILBOX_BASES, mailboxRoute, outputZone } from './calendar-http';
import type { CalendarService } from './calendar.service';
import type { CalendarMailbox } from './calendar.store';
import { viewWindow } from './calendar-view.routes';
import { eventJson } from './event-json';
import { instancesBetween } from './occurrences';

/** What a delta or skip token carries: epoch, the change window (since, up to), page offset, view window. */
interface DeltaState {
  readonly e: number;
  readonly s: number;
  readonly u: number;
  readonly o: number;
  readonly f: number;
  readonly t: number;
}

const DEFAULT_PAGE = 10;
const MAX_PAGE = 1000;

const encode = (s: DeltaState): string => Buffer.from(JSON.stringify(s)).toString('base64url');

function decode(token: string): DeltaState | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<DeltaState>;
    const nums = [v.e, v.s, v.u, v.o, v.f, v.t];
    return nums.every((n) => typeof n === 'number' && Number.isFinite(n)) ? (v as DeltaState) : undefined;
  } catch {
    return undefined;
  }
}

/** `Prefer: odata.maxpagesize=N` (delta pages are sized this way, not with `$top`). */
function pageSize(req: SandboxRequest): { size: number; applied?: string } {
  const m = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(String(req.raw.headers['prefer'] ?? ''));
  if (!m) return { size: DEFAULT_PAGE };
  const size = Math.min(Math.max(1, Number(m[1])), MAX_PAGE);
  return { size, applied: `odata.maxpagesize=${size}` };
}

/**
 * `GET /calendarView/delta`: the first round (with startDateTime/endDateTime) returns every instance in
 * the window, later rounds (`$deltatoken`) what changed since, deletions as `@removed`. An expired
 * token (inspection `expire-delta`, or a `stale-delta` fault) is 410 syncStateNotFound with a Location
 * to restart from, as the delta query overview documents.
 */
export function calendarDeltaRoutes(svc: CalendarService): Route[] {
  const origin = () => svc.ctx.origin();
  const stale = (req: SandboxRequest, st: DeltaState): VendorError => {
    const restart = new URL(req.path, origin());
    restart.searchParams.set('startDateTime', new Date(st.f).toISOString());
    restart.searchParams.set('endDateTime', new Date(st.t).toISOString());
    return graphError(
      410,
      'syncStateNotFound',
      'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
      { location: restart.toString() },
    );
  };

  const handler = (req: SandboxRequest, res: Parameters<Route['handler']>[1]) => {
    const m = svc.mailbox(req);
    const token = req.query.get('$deltatoken') ?? req.query.get('$skiptoken');
    let st: DeltaState;
    if (token === null) {
      const { fromUtc, toUtc } = viewWindow(req);
      st = { e: m.deltaEpoch, s: -1, u: m.changeSeq, o: 0, f: fromUtc, t: toUtc };
    } else {
      const decoded = decode(token);
      if (!decoded)
        throw graphError(
          400,
          'ErrorInvalidSyncStateData',
          'The sync state data is corrupt or otherwise invalid.',
        );
      if (req.staleDelta || decoded.e !== m.deltaEpoch || (decoded.s >= 0 && decoded.s < m.staleBefore))
        throw stale(req, decoded);
      st = req.query.has('$deltatoken') ? { ...decoded, u: m.changeSeq, o: 0 } : decoded;
    }
    const out = outputZone(req);
    const rendered = changes(m, st).map((i) =>
      'instance' in i ? eventJson(i.instance, out.zone, origin()) : i.removed,
    );
    const { size, applied } = pageSize(req);
    const page = rendered.slice(st.o, st.o + size);
    const body: Record<string, unknown> = {
      '@odata.context': `${origin()}/v1.0/$metadata#Collection(event)`,
      value: page,
    };
    const link = new URL(req.path, origin());
    if (st.o + size < rendered.length) {
      link.searchParams.set('$skiptoken', encode({ ...st, o: st.o + size }));
      body['@odata.nextLink'] = link.toString();
    } else {
      link.searchParams.set('$deltatoken', encode({ ...st, s: st.u, o: 0 }));
      body['@odata.deltaLink'] = link.toString();
    }
    const headers: Record<string, string> = { ...out.headers };
    if (applied)
      headers['preference-applied'] = [headers['preference-applied'], applied].filter(Boolean).join(', ');
    sendJson(res, 200, body, headers);
  };

  return MAILBOX_BASES.map((base) =>
    mailboxRoute(
      svc,
      'GET',
      `${base}/calendarView/delta`,
      'graph.calendarView.delta',
      CALENDAR_READ,
      handler,
    ),
  );
}

type Change =
  { instance: ReturnType<typeof instancesBetween>[number] } | { removed: Record<string, unknown> };

/** Instances of events changed after `s` (all, on the first round), then removals, in change order. */
function changes(m: CalendarMailbox, st: DeltaState): Change[] {
  const changed = [...m.events.values()]
    .filter((e) => e.calendarId === m.defaultCalendarId && !e.isCancelled && e.seq > st.s && e.seq <= st.u)
    .sort((a, b) => a.seq - b.seq || a.id.localeCompare(b.id));
  const out: Change[] = changed.flatMap((e) =>
    instancesBetween(e, st.f, st.t).map((instance) => ({ instance })),
  );
  if (st.s < 0) return out;
  const removed = (id: string): Change => ({
    removed: { '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } },
  });
  for (const t of m.tombstones) {
    if (t.seq <= st.s || t.seq > st.u || t.event.calendarId !== m.defaultCalendarId) continue;
    if (t.occurrenceId) out.push(removed(t.occurrenceId));
    else for (const i of instancesBetween(t.event, st.f, st.t)) out.push(removed(i.id));
  }
  return out;
}

import { sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { deltaRound, removedEntry, type DeltaWindow } from '../delta-round';
import { CALENDAR_READ, MAILBOX_BASES, mailboxRoute, outputZone } from './calendar-http';
import type { CalendarService } from './calendar.service';
import type { CalendarMailbox } from './calendar.store';
import { viewWindow } from './calendar-view.routes';
import { eventJson } from './event-json';
import { instancesBetween } from './occurrences';

/** A calendar delta token's own fields: the view window (UTC ms) the round enumerates. */
interface CalendarDeltaState extends DeltaWindow {
  readonly f: number;
  readonly t: number;
}

/**
 * `GET /calendarView/delta`: the first round (with startDateTime/endDateTime) returns every instance in
 * the window, later rounds (`$deltatoken`) what changed since, deletions as `@removed`. An expired
 * token (inspection `expire-delta`, or a `stale-delta` fault) is 410 syncStateNotFound with a Location
 * to restart from, as the delta query overview documents.
 */
export function calendarDeltaRoutes(svc: CalendarService): Route[] {
  const origin = () => svc.ctx.origin();
  const handler = (req: SandboxRequest, res: Parameters<Route['handler']>[1]) => {
    const m = svc.mailbox(req);
    const { state: st, page } = deltaRound<CalendarDeltaState>(req, m, {
      origin: origin(),
      entity: 'event',
      latest: m.changeSeq,
      start: () => {
        const { fromUtc, toUtc } = viewWindow(req);
        return { f: fromUtc, t: toUtc };
      },
      fits: (t) => [t['f'], t['t']].every((n) => typeof n === 'number' && Number.isFinite(n)),
      restart: (t) => ({ startDateTime: new Date(t.f).toISOString(), endDateTime: new Date(t.t).toISOString() }),
    });
    const out = outputZone(req);
    const rendered = changes(m, st).map((i) =>
      'instance' in i ? eventJson(i.instance, out.zone, origin()) : i.removed,
    );
    const paged = page(rendered.length, (from, to) => rendered.slice(from, to));
    const headers: Record<string, string> = { ...out.headers };
    const applied = paged.headers['preference-applied'];
    if (applied)
      headers['preference-applied'] = [headers['preference-applied'], applied].filter(Boolean).join(', ');
    sendJson(res, 200, paged.body, headers);
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
function changes(m: CalendarMailbox, st: CalendarDeltaState): Change[] {
  const changed = [...m.events.values()]
    .filter((e) => e.calendarId === m.defaultCalendarId && !e.isCancelled && e.seq > st.s && e.seq <= st.u)
    .sort((a, b) => a.seq - b.seq || a.id.localeCompare(b.id));
  const out: Change[] = changed.flatMap((e) =>
    instancesBetween(e, st.f, st.t).map((instance) => ({ instance })),
  );
  if (st.s < 0) return out;
  const removed = (id: string): Change => ({ removed: removedEntry('event', id) });
  for (const t of m.tombstones) {
    if (t.seq <= st.s || t.seq > st.u || t.event.calendarId !== m.defaultCalendarId) continue;
    if (t.occurrenceId) out.push(removed(t.occurrenceId));
    else for (const i of instancesBetween(t.event, st.f, st.t)) out.push(removed(i.id));
  }
  return out;
}

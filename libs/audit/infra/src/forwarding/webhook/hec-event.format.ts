import type { AuditEventView } from '../audit-event.view';

/** The HEC `sourcetype` of every forwarded event. */
export const HEC_SOURCETYPE = 'ferry:audit';

/** One Splunk HTTP Event Collector event object (the `/services/collector/event` format). */
export interface HecEvent {
  /** Epoch seconds with milliseconds: when the action happened. */
  readonly time: number;
  readonly host: string;
  /** The stream subject the event came from, e.g. `audit.v1.events.weu.<org>`. */
  readonly source: string;
  readonly sourcetype: typeof HEC_SOURCETYPE;
  readonly event: AuditEventView;
}

export function hecEvent(view: AuditEventView, origin: { readonly host: string; readonly subject: string }): HecEvent {
  const occurred = view.occurredAt === null ? Date.now() : Date.parse(view.occurredAt);
  return { time: occurred / 1000, host: origin.host, source: origin.subject, sourcetype: HEC_SOURCETYPE, event: view };
}

/**
 * A batch body: the event objects one after another, newline-separated, as HEC takes them (it reads
 * concatenated JSON objects, whitespace between them allowed).
 */
export function hecBody(frames: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  frames.forEach((frame, i) => {
    if (i > 0) parts.push(NEWLINE);
    parts.push(frame);
  });
  return Buffer.concat(parts);
}

const NEWLINE = Buffer.from('\n');

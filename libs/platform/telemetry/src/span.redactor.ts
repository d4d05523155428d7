import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Pseudonymizer } from './address.pseudonymizer';
import { isPersonalKey, isSecretKey } from './sensitive-keys.constants';
import { maskQueryValues, maskSqlLiterals } from './span-attribute.masks';
import { REDACTED, scrubText } from './text.scrubber';

/** Attributes holding a URL, a path with its query, or a query alone. */
const URL_KEYS = new Set(['url.full', 'url.original', 'http.url', 'http.target']);
const QUERY_KEYS = new Set(['url.query']);
/** Attributes holding a database statement (old and stable semantic conventions). */
const STATEMENT_KEYS = new Set(['db.statement', 'db.query.text']);
const PSEUDONYM = /^u_[a-z2-7]{20}$/;

/**
 * Attributes made safe to export, by the rules logs follow: credential-named keys masked; person-named
 * keys (`email`, `upn`, ...) replaced by the value's pseudonym; query-string values in URL attributes
 * masked (all but a few paging and shape parameters); string literals in database statements
 * replaced by `?`; and in every string credentials in text masked and mail addresses pseudonymised.
 */
export function redactAttributes(attributes: Attributes, pseudonymizer: Pseudonymizer): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes))
    out[key] = redactAttribute(key, value, pseudonymizer);
  return out;
}

function redactAttribute(
  key: string,
  value: AttributeValue | undefined,
  pseudonymizer: Pseudonymizer,
): AttributeValue | undefined {
  if (isSecretKey(key)) return REDACTED;
  const each = (text: string): string => {
    if (isPersonalKey(key)) return PSEUDONYM.test(text) ? text : pseudonymizer.pseudonym(text);
    let safe = text;
    if (URL_KEYS.has(key)) safe = maskQueryValues(safe, false);
    else if (QUERY_KEYS.has(key)) safe = maskQueryValues(safe, true);
    else if (STATEMENT_KEYS.has(key)) safe = maskSqlLiterals(safe);
    return scrubText(safe, pseudonymizer);
  };
  if (typeof value === 'string') return each(value);
  if (Array.isArray(value)) {
    return value.map((item: unknown) => (typeof item === 'string' ? each(item) : item)) as AttributeValue;
  }
  return value;
}

/** Spans of a database client (pg, tedious): their error text can quote the values of a statement. */
function isDatabaseSpan(span: ReadableSpan): boolean {
  return span.attributes['db.system'] !== undefined || span.attributes['db.system.name'] !== undefined;
}

/**
 * A copy of an ended span that is safe to export: its name, attributes, event names and attributes,
 * link attributes and status message all redacted. A database span's status message, which drivers
 * fill with the server's error text (PostgreSQL quotes the offending value: `invalid input syntax for
 * type uuid: "..."`), is replaced by `database error`; the error code stays in the span's attributes
 * and exception event. Ended spans are read-only, so this builds a new `ReadableSpan`.
 */
export function redactSpan(span: ReadableSpan, pseudonymizer: Pseudonymizer): ReadableSpan {
  const scrub = (text: string) => scrubText(text, pseudonymizer);
  const statusMessage =
    span.status.message === undefined
      ? undefined
      : isDatabaseSpan(span)
        ? 'database error'
        : scrub(span.status.message);
  return {
    name: scrub(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    ended: span.ended,
    status: statusMessage === undefined ? span.status : { ...span.status, message: statusMessage },
    attributes: redactAttributes(span.attributes, pseudonymizer),
    links: span.links.map((link) =>
      link.attributes ? { ...link, attributes: redactAttributes(link.attributes, pseudonymizer) } : link,
    ),
    events: span.events.map((event) => ({
      ...event,
      name: scrub(event.name),
      ...(event.attributes ? { attributes: redactAttributes(event.attributes, pseudonymizer) } : {}),
    })),
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

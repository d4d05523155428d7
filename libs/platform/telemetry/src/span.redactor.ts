import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Pseudonymizer } from './address.pseudonymizer';
import { isSecretKey } from './sensitive-keys.constants';
import { REDACTED, scrubText } from './text.scrubber';

/**
 * Attributes with credential-named keys masked and every string value scrubbed: credentials in
 * URLs and `key=value` text masked, mail addresses replaced by pseudonyms.
 */
export function redactAttributes(attributes: Attributes, pseudonymizer: Pseudonymizer): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    out[key] = isSecretKey(key) ? REDACTED : redactValue(value, pseudonymizer);
  }
  return out;
}

function redactValue(
  value: AttributeValue | undefined,
  pseudonymizer: Pseudonymizer,
): AttributeValue | undefined {
  if (typeof value === 'string') return scrubText(value, pseudonymizer);
  if (Array.isArray(value)) {
    return value.map((item: unknown) =>
      typeof item === 'string' ? scrubText(item, pseudonymizer) : item,
    ) as AttributeValue;
  }
  return value;
}

/**
 * A copy of an ended span that is safe to export: its name, attributes, event names and attributes,
 * link attributes and status message all redacted. Ended spans are read-only, so this builds a new
 * `ReadableSpan` rather than changing the original.
 */
export function redactSpan(span: ReadableSpan, pseudonymizer: Pseudonymizer): ReadableSpan {
  const scrub = (text: string) => scrubText(text, pseudonymizer);
  return {
    name: scrub(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    ended: span.ended,
    status:
      span.status.message === undefined
        ? span.status
        : { ...span.status, message: scrub(span.status.message) },
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

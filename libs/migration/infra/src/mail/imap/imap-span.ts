import type { MailboxRef } from '@ferry/migration/application';
import { type Attributes, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

// Looked up per span: a tracer taken at load time would outlive a re-registered provider.
const tracer = () => trace.getTracer('@ferry/migration/infra');

/**
 * Runs `fn` in a client span of the IMAP protocol named `name`, inside the active span (the work
 * item's). The attributes say which mailbox by its pseudonym only: never the address, the login, a
 * folder name or a command's text. A failure is recorded by its class and code, not its message, which
 * can quote the server's answer.
 */
export async function inImapSpan<T>(
  name: string,
  mailbox: MailboxRef,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const all: Attributes = {
    'network.protocol.name': 'imap',
    'ferry.mailbox': mailbox.pseudonym,
    ...attributes,
  };
  return tracer().startActiveSpan(name, { kind: SpanKind.CLIENT, attributes: all }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      const name = err instanceof Error ? err.name : 'Error';
      const code = (err as { code?: unknown })?.code;
      span.setAttribute('error.type', typeof code === 'string' ? code : name);
      span.setStatus({ code: SpanStatusCode.ERROR, message: name });
      throw err;
    } finally {
      span.end();
    }
  });
}

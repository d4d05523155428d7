import type { MailboxRef, MailTarget, MessageToWrite, MessageUpdate, WrittenMessage } from '@ferry/migration/application';
import type { TargetPlacement } from '@ferry/migration/domain';
import { type Span, SpanStatusCode, trace } from '@opentelemetry/api';

// Looked up per span: a tracer taken at load time would outlive a re-registered provider.
const tracer = () => trace.getTracer('@ferry/migration/infra');

/**
 * One span per item a target writes, updates, removes or looks up, inside the work item's span. The
 * attributes are classes, sizes and the mailbox pseudonym: never an address, a subject, a folder name
 * or the idempotency key's item.
 */
export class TracedMailTarget implements MailTarget {
  constructor(private readonly inner: MailTarget) {}

  prepare(mailbox: MailboxRef, placements: readonly TargetPlacement[], signal: AbortSignal): Promise<void> {
    return this.inner.prepare(mailbox, placements, signal);
  }

  find(mailbox: MailboxRef, key: string, signal: AbortSignal): Promise<string | null> {
    return traced('migration.item.find', mailbox, async (span) => {
      const found = await this.inner.find(mailbox, key, signal);
      span.setAttribute('ferry.item.found', found !== null);
      return found;
    });
  }

  write(mailbox: MailboxRef, message: MessageToWrite, signal: AbortSignal): Promise<WrittenMessage> {
    return traced('migration.item.write', mailbox, async (span) => {
      span.setAttribute('ferry.item.source_size', message.size);
      const written = await this.inner.write(mailbox, message, signal);
      span.setAttribute('ferry.item.bytes', written.bytes);
      return written;
    });
  }

  update(mailbox: MailboxRef, update: MessageUpdate, signal: AbortSignal): Promise<void> {
    return traced('migration.item.update', mailbox, () => this.inner.update(mailbox, update, signal));
  }

  remove(mailbox: MailboxRef, targetId: string, signal: AbortSignal): Promise<void> {
    return traced('migration.item.remove', mailbox, () => this.inner.remove(mailbox, targetId, signal));
  }
}

async function traced<T>(name: string, mailbox: MailboxRef, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes: { 'ferry.mail.system': mailbox.system, 'ferry.mailbox': mailbox.pseudonym } }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      // The class only: adapter messages are Ferry-written, but a span keeps no free text.
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.name ?? 'Error' });
      throw err;
    } finally {
      span.end();
    }
  });
}

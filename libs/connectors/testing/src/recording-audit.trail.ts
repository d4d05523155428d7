import type {
  ConnectorAuditAction,
  ConnectorAuditEntry,
  ConnectorAuditTrail,
} from '@ferry/connectors/application';

/** A ConnectorAuditTrail that keeps what it stores; `failing` (or `failWhen`) refuses like a stream that is down. */
export class RecordingAuditTrail implements ConnectorAuditTrail {
  readonly entries: ConnectorAuditEntry[] = [];
  /** Every record call, stored or refused, in order. */
  attempts = 0;
  failing = false;
  failWhen: (entry: ConnectorAuditEntry) => boolean = () => false;

  async record(entry: ConnectorAuditEntry): Promise<void> {
    this.attempts++;
    if (this.failing || this.failWhen(entry)) throw new Error('audit stream unavailable');
    this.entries.push(entry);
  }

  /** The stored entries with this action. */
  withAction(action: ConnectorAuditAction): ConnectorAuditEntry[] {
    return this.entries.filter((e) => e.action === action);
  }

  /** The stored actions, in order. */
  actions(): ConnectorAuditAction[] {
    return this.entries.map((e) => e.action);
  }
}

import type {
  IdentityAuditAction,
  IdentityAuditEntry,
  IdentityAuditTrail,
} from '@ferry/identity/application';

/** An IdentityAuditTrail that keeps what it is given; `failing` (or `failWhen`) makes it refuse like a stream that is down. */
export class RecordingAuditTrail implements IdentityAuditTrail {
  readonly entries: IdentityAuditEntry[] = [];
  failing = false;
  failWhen: (entry: IdentityAuditEntry) => boolean = () => false;

  async record(entry: IdentityAuditEntry): Promise<void> {
    if (this.failing || this.failWhen(entry)) throw new Error('audit stream unavailable');
    this.entries.push(entry);
  }

  /** The recorded entries with this action. */
  withAction(action: IdentityAuditAction): IdentityAuditEntry[] {
    return this.entries.filter((e) => e.action === action);
  }

  /** The recorded actions, in order. */
  actions(): IdentityAuditAction[] {
    return this.entries.map((e) => e.action);
  }
}

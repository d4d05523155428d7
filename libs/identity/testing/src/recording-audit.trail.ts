import type {
  IdentityAuditAction,
  IdentityAuditEntry,
  IdentityAuditTrail,
} from '@ferry/identity/application';

/**
 * An IdentityAuditTrail that keeps what it is given; `failing` (or `failWhen`) makes it refuse like a
 * stream that is down. `beforeStoring` runs while a record is on its way to the stream, before it is
 * stored or refused: a spec looks there at what others can see of a change that is being audited.
 */
export class RecordingAuditTrail implements IdentityAuditTrail {
  readonly entries: IdentityAuditEntry[] = [];
  failing = false;
  failWhen: (entry: IdentityAuditEntry) => boolean = () => false;
  beforeStoring: (entry: IdentityAuditEntry) => Promise<void> = async () => undefined;

  async record(entry: IdentityAuditEntry): Promise<void> {
    await this.beforeStoring(entry);
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

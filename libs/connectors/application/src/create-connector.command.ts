import { type ConnectorDraft, type ConnectorKindName, validateConnectorDraft, type Violation } from '@ferry/connectors/domain';

/** Raised when a command is built from invalid input; carries per-field reasons. */
export class InvalidCommandError extends Error {
  constructor(readonly violations: readonly Violation[]) {
    super(`invalid request: ${violations.map((v) => `${v.field} ${v.reason}`).join('; ')}`);
    this.name = 'InvalidCommandError';
  }
}

/** A validated request to create a connector. Construction fails on invalid input. */
export class CreateConnectorCommand {
  readonly name: string;
  readonly kind: ConnectorKindName;

  private constructor(
    readonly orgId: string,
    draft: ConnectorDraft & { kind: ConnectorKindName },
    readonly secret: string,
    readonly actorId: string,
    readonly sourceAddress: string,
    readonly userAgent: string,
  ) {
    this.name = draft.name.trim();
    this.kind = draft.kind;
  }

  static create(input: {
    orgId: string;
    name: string;
    kind: ConnectorKindName | undefined;
    secret: string;
    actorId: string;
    sourceAddress?: string;
    userAgent?: string;
  }): CreateConnectorCommand {
    const violations = validateConnectorDraft(input);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.orgId)) {
      violations.unshift({ field: 'orgId', reason: 'must be a UUID' });
    }
    if (violations.length > 0 || !input.kind) throw new InvalidCommandError(violations);
    return new CreateConnectorCommand(
      input.orgId.toLowerCase(),
      { ...input, kind: input.kind },
      input.secret,
      input.actorId,
      (input.sourceAddress ?? '').slice(0, 64),
      (input.userAgent ?? '').slice(0, 256),
    );
  }
}

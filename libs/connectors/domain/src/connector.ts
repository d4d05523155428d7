/** The kinds of tenant a connector can reach. */
export const CONNECTOR_KINDS = ['microsoft-365', 'google-workspace', 'imap'] as const;
export type ConnectorKindName = (typeof CONNECTOR_KINDS)[number];

/** A connector's metadata; its secret lives only in the vault, sealed. */
export interface Connector {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly kind: ConnectorKindName;
  readonly createdAt: Date;
  readonly secretFingerprint: string;
}

/** What an operator submits to create a connector. */
export interface ConnectorDraft {
  readonly name: string;
  readonly kind: ConnectorKindName | undefined;
  readonly secret: string;
}

/** One refused field and why, never echoing the value. */
export interface Violation {
  readonly field: string;
  readonly reason: string;
}

export const CONNECTOR_NAME_MAX = 100;
/** Large enough for a service-account JSON key or a PEM certificate with its private key. */
export const CONNECTOR_SECRET_MAX_BYTES = 64 * 1024;

/** C0 and C1 control characters break log lines and CSV exports. */
function hasControlCharacter(text: string): boolean {
  return [...text].some((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
}

/** Checks a draft; an empty list means it may be created. */
export function validateConnectorDraft(draft: ConnectorDraft): Violation[] {
  const violations: Violation[] = [];
  const name = draft.name.trim();
  if (name.length === 0) violations.push({ field: 'name', reason: 'required' });
  else if ([...name].length > CONNECTOR_NAME_MAX) violations.push({ field: 'name', reason: `at most ${CONNECTOR_NAME_MAX} characters` });
  else if (hasControlCharacter(name)) violations.push({ field: 'name', reason: 'must not contain control characters' });
  if (!draft.kind || !CONNECTOR_KINDS.includes(draft.kind)) {
    violations.push({ field: 'kind', reason: `one of ${CONNECTOR_KINDS.join(', ')}` });
  }
  if (draft.secret.length === 0) violations.push({ field: 'secret', reason: 'required' });
  else if (Buffer.byteLength(draft.secret, 'utf8') > CONNECTOR_SECRET_MAX_BYTES) {
    violations.push({ field: 'secret', reason: `at most ${CONNECTOR_SECRET_MAX_BYTES} bytes` });
  }
  return violations;
}

/** The outcome of one thing a connection test checks. */
export type FindingStatus = 'ok' | 'missing' | 'failed';

/**
 * One check of a connection test, e.g. `credentials`, `permission:Mail.ReadWrite`,
 * `scope:https://www.googleapis.com/auth/gmail.modify`, `login:sample-3`, `capability:IMAP4rev1`.
 * `detail` and `remedy` are Ferry's words: never a secret, a token or a user address.
 */
export interface ConnectionFinding {
  readonly check: string;
  readonly status: FindingStatus;
  readonly detail: string;
  /** How to fix a `missing` or `failed` check, in the admin console's terms. */
  readonly remedy?: string;
}

export interface ConnectionReport {
  /** True when every finding is `ok`. */
  readonly ok: boolean;
  readonly findings: readonly ConnectionFinding[];
}

export function reportOf(findings: readonly ConnectionFinding[]): ConnectionReport {
  return { ok: findings.length > 0 && findings.every((f) => f.status === 'ok'), findings };
}

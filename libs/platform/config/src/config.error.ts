/** One failing setting: the variable's name and why it was refused (never its value). */
export interface ConfigIssue {
  readonly variable: string;
  readonly reason: string;
}

/**
 * The environment did not satisfy a service's schema. The message is one line naming every failing
 * variable and the reason, e.g. `Invalid environment variables: NATS_URL: required; HTTP_PORT: must be
 * an integer 1-65535`. Values are never included: any of them could be a secret.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`Invalid environment variables: ${issues.map((i) => `${i.variable}: ${i.reason}`).join('; ')}`);
  }
}

import {
  type ConnectorSettings,
  primarySecretField,
  UUID_PATTERN,
  validateConnectorDraft,
  validateSecretValue,
  type Violation,
} from '@ferry/connectors/domain';
import type { CallerInfo } from '../caller';
import { InvalidCommandError } from '../connectors.errors';

/** A validated request to create a connector. Construction fails on invalid input, naming every field. */
export class CreateConnectorCommand {
  private constructor(
    readonly orgId: string,
    readonly name: string,
    readonly settings: ConnectorSettings,
    readonly workloads: readonly string[],
    readonly projectTag: string | null,
    /** The primary secret, or null for modes without one (admin consent, per-user IMAP). */
    readonly secret: string | null,
    readonly secretExpiresAt: Date | null,
    /** The Google admin user (PII): stored sealed. */
    readonly adminUser: string | null,
    readonly caller: CallerInfo,
  ) {}

  static create(input: {
    orgId: string;
    name: string;
    settings: ConnectorSettings | undefined;
    workloads: readonly string[];
    projectTag?: string;
    secret: string;
    secretExpiresAt?: Date | null;
    adminUser?: string;
    caller: CallerInfo;
  }): CreateConnectorCommand {
    const projectTag = input.projectTag ? input.projectTag : null;
    // Checked as it is stored: a pasted address with surrounding spaces is the same admin.
    const adminUser = input.adminUser?.trim().toLowerCase() ?? '';
    const violations: Violation[] = [];
    if (!UUID_PATTERN.test(input.orgId)) violations.push({ field: 'orgId', reason: 'must be a UUID' });
    violations.push(...validateConnectorDraft({ name: input.name, settings: input.settings, workloads: input.workloads, projectTag }));
    const field = input.settings ? primarySecretField(input.settings) : null;
    if (input.settings && field) violations.push(...validateSecretValue(input.secret));
    if (input.settings && !field && input.secret.length > 0) violations.push({ field: 'secret', reason: 'this authentication mode takes no secret here' });
    if (input.settings?.kind === 'google-workspace' && input.settings.auth === 'service-account') {
      if (!/^[^\s@]{1,64}@[^\s@]{1,190}$/.test(adminUser)) violations.push({ field: 'google.adminUser', reason: 'the admin user to impersonate (an address) is required' });
    }
    if (input.secretExpiresAt && Number.isNaN(input.secretExpiresAt.getTime())) violations.push({ field: 'secretExpiresAt', reason: 'must be a date' });
    if (violations.length > 0 || !input.settings) throw new InvalidCommandError(violations);
    return new CreateConnectorCommand(
      input.orgId.toLowerCase(),
      input.name.trim(),
      input.settings,
      input.workloads,
      projectTag,
      field ? input.secret : null,
      input.secretExpiresAt ?? null,
      adminUser === '' ? null : adminUser,
      input.caller,
    );
  }
}

import { CONNECTOR_KINDS, type ConnectorKindName, type ConnectorSettings, validateSettings } from './connector-settings';
import { hasControlCharacter, type Violation } from './violation';
import { CONNECTOR_WORKLOADS, type ConnectorWorkload, isConnectorWorkload } from './workloads';

/** Whether a connector can be used. */
export type ConnectorStatus = 'active' | 'pending-consent' | 'credentials-removed';

/** A connector's metadata. Its secrets live only in the vault, sealed; this never holds one. */
export interface Connector {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly kind: ConnectorKindName;
  readonly settings: ConnectorSettings;
  readonly workloads: readonly ConnectorWorkload[];
  /** Migration project whose temporary credentials these are; purged together when it completes. */
  readonly projectTag: string | null;
  readonly status: ConnectorStatus;
  /** Increments on every change of the connector or its secrets; part of every token cache key. */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What an operator submits to create a connector. */
export interface ConnectorDraft {
  readonly name: string;
  readonly settings: ConnectorSettings | undefined;
  readonly workloads: readonly string[];
  readonly projectTag: string | null;
}

export const CONNECTOR_NAME_MAX = 100;
/** Large enough for a service-account JSON key or a PEM private key; far below the sealing limit. */
export const CONNECTOR_SECRET_MAX_BYTES = 64 * 1024;
const PROJECT_TAG_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function validateName(name: string): Violation[] {
  const trimmed = name.trim();
  if (trimmed.length === 0) return [{ field: 'name', reason: 'required' }];
  if ([...trimmed].length > CONNECTOR_NAME_MAX) return [{ field: 'name', reason: `at most ${CONNECTOR_NAME_MAX} characters` }];
  if (hasControlCharacter(trimmed)) return [{ field: 'name', reason: 'must not contain control characters' }];
  return [];
}

export function validateWorkloads(workloads: readonly string[]): Violation[] {
  if (workloads.length === 0) return [{ field: 'workloads', reason: `at least one of ${CONNECTOR_WORKLOADS.join(', ')}` }];
  if (workloads.some((w) => !isConnectorWorkload(w))) return [{ field: 'workloads', reason: `each one of ${CONNECTOR_WORKLOADS.join(', ')}` }];
  if (new Set(workloads).size !== workloads.length) return [{ field: 'workloads', reason: 'must not repeat' }];
  return [];
}

export function validateProjectTag(tag: string | null): Violation[] {
  return tag === null || PROJECT_TAG_PATTERN.test(tag) ? [] : [{ field: 'projectTag', reason: '1-64 of a-z 0-9 . _ -, starting with a letter or digit' }];
}

/** Checks a draft; an empty list means it may be created. */
export function validateConnectorDraft(draft: ConnectorDraft): Violation[] {
  const violations = [...validateName(draft.name)];
  if (!draft.settings || !CONNECTOR_KINDS.includes(draft.settings.kind)) {
    violations.push({ field: 'kind', reason: `one of ${CONNECTOR_KINDS.join(', ')}, with its settings` });
  } else {
    violations.push(...validateSettings(draft.settings));
  }
  violations.push(...validateWorkloads(draft.workloads), ...validateProjectTag(draft.projectTag));
  return violations;
}

/** Checks a secret's size; its content is checked by the provider adapter that uses it. */
export function validateSecretValue(secret: string, field = 'secret'): Violation[] {
  if (secret.length === 0) return [{ field, reason: 'required' }];
  if (Buffer.byteLength(secret, 'utf8') > CONNECTOR_SECRET_MAX_BYTES) return [{ field, reason: `at most ${CONNECTOR_SECRET_MAX_BYTES} bytes` }];
  return [];
}

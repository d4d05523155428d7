import { UUID_PATTERN, type Violation } from '@ferry/connectors/domain';
import { InvalidCommandError } from '../connectors.errors';

/** Validated organisation and connector ids (lower case). */
export function connectorRef(orgId: string, connectorId: string): { orgId: string; connectorId: string } {
  const violations: Violation[] = [];
  if (!UUID_PATTERN.test(orgId)) violations.push({ field: 'orgId', reason: 'must be a UUID' });
  if (!UUID_PATTERN.test(connectorId)) violations.push({ field: 'connectorId', reason: 'must be a UUID' });
  if (violations.length > 0) throw new InvalidCommandError(violations);
  return { orgId: orgId.toLowerCase(), connectorId: connectorId.toLowerCase() };
}

import { InvalidCommandError, type Violation } from './identity.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Lower-case ASCII labels of 1-63 letters, digits and inner hyphens; IDNs must arrive as punycode (xn--).
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Whether `value` is a UUID in any case; callers store the lower-case form. */
export function isUuid(value: string): boolean {
  return UUID.test(value.toLowerCase());
}

/** Whether `value` is a lower-case DNS name of at least two labels, at most 253 characters, with a non-numeric top label. */
export function isDnsName(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  const labels = value.split('.');
  if (labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l))) return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

/** Collects violations while a command is built, so one refusal lists every bad field. */
export class Violations {
  readonly list: Violation[] = [];

  add(field: string, reason: string): void {
    this.list.push({ field, reason });
  }

  /** Raises InvalidCommandError listing every collected violation, if there is one. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new InvalidCommandError(this.list);
  }
}

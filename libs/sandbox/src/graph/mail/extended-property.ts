const TYPES = ['Binary', 'Boolean', 'CLSID', 'Currency', 'Double', 'Float', 'Integer', 'Long', 'Short', 'String', 'SystemTime'];
const TYPE_BY_LOWER = new Map(TYPES.map((t) => [t.toLowerCase(), t]));

/** PidTagMessageFlags: set at creation without MSGFLAG_UNSENT, it makes a created message a non-draft. */
export const PID_TAG_MESSAGE_FLAGS = 'Integer 0xe07';
const MSGFLAG_UNSENT = 0x8;

/**
 * Normalises an extended property id the way Exchange echoes it back: canonical type name,
 * lower-case GUID in braces, hex tags lower-case without leading zeros. Undefined when the id has
 * none of the documented forms (`{type} {proptag}`, `{type} {guid} Name {name}`, `{type} {guid} Id {id}`).
 */
export function normalizePropertyId(raw: string): string | undefined {
  const m = /^\s*(\w+)\s+(.+?)\s*$/.exec(raw);
  if (!m) return undefined;
  const type = TYPE_BY_LOWER.get((m[1] ?? '').toLowerCase());
  const rest = m[2] ?? '';
  if (!type) return undefined;
  const tag = /^0x([0-9a-f]{1,4})$/i.exec(rest);
  if (tag) return `${type} 0x${parseInt(tag[1] ?? '0', 16).toString(16)}`;
  const named = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?\s+(Name|Id)\s+(.+)$/i.exec(rest);
  if (!named) return undefined;
  const kind = (named[2] ?? '').toLowerCase() === 'name' ? 'Name' : 'Id';
  let label = named[3] ?? '';
  if (kind === 'Id') {
    const n = /^0x([0-9a-f]+)$/i.exec(label);
    if (!n) return undefined;
    label = `0x${parseInt(n[1] ?? '0', 16).toString(16)}`;
  }
  return `${type} {${(named[1] ?? '').toLowerCase()}} ${kind} ${label}`;
}

/** Whether a PidTagMessageFlags value given at creation marks the message as already sent (not a draft). */
export function flagsMeanSent(value: string): boolean {
  const n = Number(value);
  return Number.isInteger(n) && (n & MSGFLAG_UNSENT) === 0;
}

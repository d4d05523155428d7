/**
 * The MAPI properties Ferry reads and writes on Exchange messages through Graph's
 * `singleValueExtendedProperties` (ids in Graph's `{type} {tag}` / `{type} {guid} Name {name}` forms).
 */

/** PidTagMessageFlags: set at creation without MSGFLAG_UNSENT, the message is a received one, not a draft. */
export const PID_MESSAGE_FLAGS = 'Integer 0x0E07';
/** PidTagMessageDeliveryTime: the received time Outlook shows and sorts by. */
export const PID_DELIVERY_TIME = 'SystemTime 0x0E06';
/** PidTagClientSubmitTime: the sent time (the Date header). */
export const PID_CLIENT_SUBMIT_TIME = 'SystemTime 0x0039';
/** PidTagTransportMessageHeaders: the original header block, as Outlook's "Internet headers" shows it. */
export const PID_TRANSPORT_HEADERS = 'String 0x007D';
/** PidTagMessageSize: the size Exchange reports (read-only). */
export const PID_MESSAGE_SIZE = 'Integer 0x0E08';
/** PidTagLastVerbExecuted: 102 reply, 103 reply all, 104 forward. */
export const PID_LAST_VERB = 'Integer 0x1081';
/** PidTagIconIndex: 261 shows the "replied" icon. */
export const PID_ICON_INDEX = 'Integer 0x1080';

export const MSGFLAG_READ = 0x1;
export const MSGFLAG_UNSENT = 0x8;
export const VERB_REPLY = 102;
export const VERB_REPLY_ALL = 103;
export const ICON_REPLIED = 261;

/** Ferry's own property set (a fixed GUID; named properties keep their names across mailboxes). */
const FERRY_PROPERTY_SET = '{1d1bd01d-a9a0-44e7-991f-5a1d2ad9c92b}';

/** The idempotency key (`idempotencyKey`) a copy carries, so a retry finds it instead of copying again. */
export const FERRY_ITEM_KEY = `String ${FERRY_PROPERTY_SET} Name FerryItemKey`;
/** Set (to `1`) once every part of a copy landed: a copy without it is a partial one a crash left. */
export const FERRY_COMPLETE = `String ${FERRY_PROPERTY_SET} Name FerryComplete`;

/** One extended property as Graph takes and returns it. */
export interface ExtendedProperty {
  readonly id: string;
  readonly value: string;
}

/**
 * The value of property `id` in a Graph message's expanded `singleValueExtendedProperties`. Graph
 * echoes ids in its own spelling (case, leading zeros), so ids are compared in a normal form.
 */
export function propertyValue(
  message: { singleValueExtendedProperties?: readonly ExtendedProperty[] },
  id: string,
): string | undefined {
  const wanted = normalisedId(id);
  return message.singleValueExtendedProperties?.find((p) => normalisedId(p.id) === wanted)?.value;
}

/** `$expand=singleValueExtendedProperties($filter=id eq '...' or ...)` for these ids. */
export function expandProperties(ids: readonly string[]): string {
  return `singleValueExtendedProperties($filter=${ids.map((id) => `id eq '${id}'`).join(' or ')})`;
}

function normalisedId(id: string): string {
  return id
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/0x0*([0-9a-f])/g, '0x$1')
    .replace(/[{}]/g, '');
}

import type { AuditEventView } from '../audit-event.view';

/** The header fields the operator chooses. */
export interface SyslogIdentity {
  /** Facility code 0-23 (RFC 5424 table 1). */
  readonly facility: number;
  readonly hostname: string;
  readonly appName: string;
  /** SD-ID of the event's structured-data element, `name@<private enterprise number>`. */
  readonly sdId: string;
}

/** Severity per outcome: refusals and failures are what a SOC filters on. */
const SEVERITY: Readonly<Record<string, number>> = { success: 6, denied: 5, failure: 4 };
const NOTICE = 5;

/** PARAM-NAME / SD-NAME: 1-32 printable US-ASCII characters except `=`, space, `]` and `"`. */
const SD_NAME = /^[!#-<>-\\^-~]{1,32}$/;
/** HOSTNAME, APP-NAME, MSGID: printable US-ASCII without space, of bounded length. */
const printable = (max: number) => new RegExp(`^[!-~]{1,${max}}$`);
const MSGID = printable(32);

/** PARAM-VALUE escaping (RFC 5424 section 6.3.3): `"`, `\` and `]` get a backslash. */
export function escapeParamValue(value: string): string {
  return value.replace(/["\\\]]/g, '\\$&');
}

/** JSON with every character outside printable ASCII escaped, so MSG is plain ASCII and needs no BOM. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Header tokens are validated at configuration time; this guards the ones that come from events. */
function token(value: string, pattern: RegExp): string {
  return pattern.test(value) ? value : '-';
}

/**
 * One audit event as an RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID [SD] MSG`, with
 * the action as MSGID, the event's fields as PARAMs of one SD-ELEMENT (detail entries as
 * `detail.<key>`; a key that is not a valid PARAM-NAME stays in MSG only), and MSG the same JSON object
 * the webhook sends, in ASCII. Empty fields are left out of the structured data.
 */
export function formatRfc5424(view: AuditEventView, identity: SyslogIdentity): string {
  const pri = identity.facility * 8 + (SEVERITY[view.outcome] ?? NOTICE);
  const timestamp = view.occurredAt ?? new Date().toISOString();
  const params: [string, string][] = [
    ['id', view.id],
    ['orgId', view.orgId],
    ['region', view.region],
    ['action', view.action],
    ['actorKind', view.actor.kind],
    ['actorId', view.actor.id],
    ['targetType', view.target.type],
    ['targetId', view.target.id],
    ['outcome', view.outcome],
    ['sourceAddress', view.sourceAddress],
    ['userAgent', view.userAgent],
    ['traceId', view.traceId],
    ...Object.keys(view.detail)
      .sort()
      .map((key): [string, string] => [`detail.${key}`, view.detail[key] ?? '']),
  ];
  const sd = params
    .filter(([name, value]) => value !== '' && SD_NAME.test(name))
    .map(([name, value]) => ` ${name}="${escapeParamValue(value)}"`)
    .join('');
  const header = [
    `<${pri}>1`,
    timestamp,
    token(identity.hostname, printable(255)),
    token(identity.appName, printable(48)),
    '-',
    token(view.action, MSGID),
  ].join(' ');
  return `${header} [${identity.sdId}${sd}] ${asciiJson(view)}`;
}

/** RFC 5425 / RFC 6587 octet counting: `MSG-LEN SP SYSLOG-MSG`, the length in bytes of the UTF-8 message. */
export function octetCountedFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

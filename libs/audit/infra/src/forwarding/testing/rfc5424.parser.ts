/** One RFC 5424 message taken apart. */
export interface ParsedSyslogMessage {
  readonly pri: number;
  readonly version: number;
  readonly timestamp: string;
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
  readonly msgId: string;
  /** SD-ID -> PARAM-NAME -> unescaped value. */
  readonly structuredData: Record<string, Record<string, string>>;
  readonly msg: string;
}

const HEADER = /^<(\d{1,3})>([1-9]\d{0,2}) (\S+) ([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) ([!-~]{1,32}) /;
const TIMESTAMP = /^(-|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2}))$/;
const SD_NAME = /^[!#-<>-\\^-~]{1,32}$/;

/**
 * A strict parser written from the RFC 5424 ABNF (section 6), for tests: it throws on anything the
 * grammar does not allow — an unescaped `"` or `]` in a PARAM-VALUE, a backslash before any other
 * character kept as is, names of the wrong characters or length, a missing SP — instead of guessing.
 */
export function parseRfc5424(message: string): ParsedSyslogMessage {
  const header = HEADER.exec(message);
  if (!header) throw new Error(`not an RFC 5424 header: ${message.slice(0, 80)}`);
  const [, pri, version, timestamp, hostname, appName, procId, msgId] = header as unknown as string[];
  if (Number(pri) > 191) throw new Error(`PRI ${pri} out of range`);
  if (!TIMESTAMP.test(timestamp!)) throw new Error(`bad TIMESTAMP ${timestamp}`);
  let i = header[0].length;
  const structuredData: Record<string, Record<string, string>> = {};
  if (message[i] === '-') {
    i += 1;
  } else {
    if (message[i] !== '[') throw new Error(`expected SD at ${i}`);
    while (message[i] === '[') {
      i += 1;
      const idEnd = message.slice(i).search(/[ \]]/);
      if (idEnd < 0) throw new Error('unterminated SD-ELEMENT');
      const sdId = message.slice(i, i + idEnd);
      if (!SD_NAME.test(sdId)) throw new Error(`bad SD-ID ${sdId}`);
      if (structuredData[sdId]) throw new Error(`SD-ID ${sdId} repeated`);
      const params: Record<string, string> = {};
      i += idEnd;
      while (message[i] === ' ') {
        i += 1;
        const eq = message.indexOf('=', i);
        const name = message.slice(i, eq);
        if (eq < 0 || !SD_NAME.test(name)) throw new Error(`bad PARAM-NAME at ${i}`);
        if (message[eq + 1] !== '"') throw new Error(`PARAM-VALUE of ${name} not quoted`);
        i = eq + 2;
        let value = '';
        for (;;) {
          const c = message[i];
          if (c === undefined) throw new Error(`unterminated PARAM-VALUE of ${name}`);
          if (c === '\\') {
            const next = message[i + 1];
            // Only ", \ and ] are escaped; a backslash before anything else is itself.
            if (next === '"' || next === '\\' || next === ']') {
              value += next;
              i += 2;
            } else {
              value += c;
              i += 1;
            }
          } else if (c === '"') {
            i += 1;
            break;
          } else if (c === ']') {
            throw new Error(`unescaped ] in PARAM-VALUE of ${name}`);
          } else {
            value += c;
            i += 1;
          }
        }
        params[name] = value;
      }
      if (message[i] !== ']') throw new Error(`expected ] at ${i}`);
      i += 1;
      structuredData[sdId] = params;
    }
  }
  if (i < message.length && message[i] !== ' ') throw new Error(`expected SP before MSG at ${i}`);
  const msg = i < message.length ? message.slice(i + 1) : '';
  return { pri: Number(pri), version: Number(version), timestamp: timestamp!, hostname: hostname!, appName: appName!, procId: procId!, msgId: msgId!, structuredData, msg };
}

/**
 * Splits an RFC 5425 octet-counted stream (`MSG-LEN SP SYSLOG-MSG`...) into messages. Throws on a
 * malformed length; returns the unconsumed tail (a frame still arriving).
 */
export function splitOctetCounted(buffer: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let at = 0;
  for (;;) {
    const space = buffer.indexOf(0x20, at);
    if (space < 0) break;
    const len = buffer.subarray(at, space).toString('ascii');
    if (!/^[1-9]\d{0,8}$/.test(len)) throw new Error(`bad MSG-LEN ${JSON.stringify(len)}`);
    const end = space + 1 + Number(len);
    if (end > buffer.length) break;
    messages.push(buffer.subarray(space + 1, end).toString('utf8'));
    at = end;
  }
  if (at < buffer.length && buffer.length - at > 10 && buffer.indexOf(0x20, at) < 0) throw new Error('bad MSG-LEN: no SP within 10 bytes');
  return { messages, rest: buffer.subarray(at) };
}

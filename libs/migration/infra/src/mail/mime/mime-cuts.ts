import { randomBytes } from 'node:crypto';

/** A base64 body taken out of a message: where it was, and the marker that stands in for it. */
export interface MimeCut {
  /** The body's bytes in the message (its base64 text, line breaks included). */
  readonly start: number;
  readonly end: number;
  /** What the marker decodes to: what the parser hands over for this body in the skeleton. */
  readonly marker: Buffer;
  /** The body as text (latin1: one character per byte), checked to be base64 and line breaks only. */
  readonly base64: string;
}

/** A message with the bodies of its binary base64 parts replaced by short markers. */
export interface MimeSkeleton {
  readonly bytes: Buffer;
  readonly cuts: readonly MimeCut[];
}

type Cut = Omit<MimeCut, 'marker'>;

/** Bodies shorter than this stay: cutting them saves the parser nothing. */
const MIN_CUT = 512;
/** Multipart nesting this finder follows; deeper parts stay in the skeleton as they are. */
const MAX_DEPTH = 16;
const LF = 0x0a;
const CR = 0x0d;
/** What a body may hold to be cut: the base64 alphabet and line breaks, padding at its end only. */
const NOT_BASE64 = /[^A-Za-z0-9+/=\r\n]/;
const PADDING_END = /^[=\r\n]*$/;

/**
 * The message with the base64 bodies of its attachments (leaf parts mailparser hands over as
 * attachments, not the root) replaced by markers, so a MIME parser reads its structure, headers and texts without going through
 * the attachments line by line; their bytes are decoded apart, natively. This only proposes cuts: the
 * caller must check that the parser hands each marker back as one attachment's whole content, which
 * shows that it saw the same parts (a cut body holds no `-`, so no boundary line can hide in one).
 * Null when there is nothing worth cutting.
 */
export function cutBase64Bodies(mime: Buffer): MimeSkeleton | null {
  const cuts: Cut[] = [];
  visitEntity(mime, 0, mime.length, 0, cuts);
  if (cuts.length === 0) return null;
  const nonce = randomBytes(12).toString('hex');
  const pieces: Buffer[] = [];
  const made: MimeCut[] = [];
  let at = 0;
  cuts.forEach((cut, i) => {
    const marker = Buffer.from(`ferry-cut ${nonce} ${i}`);
    pieces.push(mime.subarray(at, cut.start), Buffer.from(marker.toString('base64'), 'latin1'));
    made.push({ ...cut, marker });
    at = cut.end;
  });
  pieces.push(mime.subarray(at));
  return { bytes: Buffer.concat(pieces), cuts: made };
}

/** The header section of the entity at `start`, and where its body starts; null without a blank line. */
function headerSection(mime: Buffer, start: number, end: number): { headers: string; body: number } | null {
  if (mime[start] === LF) return { headers: '', body: start + 1 };
  if (mime[start] === CR && mime[start + 1] === LF) return { headers: '', body: start + 2 };
  const lf = mime.indexOf('\n\n', start);
  const crlf = mime.indexOf('\n\r\n', start);
  const blank = lf < 0 ? crlf : crlf < 0 ? lf : Math.min(lf, crlf);
  if (blank < 0 || blank >= end) return null;
  const body = blank + (blank === lf ? 2 : 3);
  return body > end ? null : { headers: mime.toString('latin1', start, blank + 1), body };
}

/** The first value of a header field (unfolded), or undefined. */
function field(headers: string, name: string): string | undefined {
  const unfolded = headers.replace(/\r?\n(?=[ \t])/g, '');
  const match = new RegExp(`^${name}[ \\t]*:(.*)$`, 'im').exec(unfolded);
  return match?.[1]?.trim();
}

function visitEntity(mime: Buffer, start: number, end: number, depth: number, cuts: Cut[]): void {
  const section = headerSection(mime, start, end);
  if (!section) return;
  const contentType = field(section.headers, 'content-type') ?? '';
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /;\s*boundary\s*=\s*(?:"([^"\\]+)"|([^\s;"]+))/i.exec(contentType);
    const value = (boundary?.[1] ?? boundary?.[2])?.trimEnd();
    if (value && depth < MAX_DEPTH && /^[\x20-\x7e]+$/.test(value))
      for (const part of partsOf(mime, section.body, end, value))
        visitEntity(mime, part.start, part.end, depth + 1, cuts);
    return;
  }
  const encoding = (field(section.headers, 'content-transfer-encoding') ?? '').toLowerCase();
  if (depth === 0 || encoding !== 'base64' || end - section.body < MIN_CUT || !anAttachment(type, section.headers))
    return;
  const text = mime.toString('latin1', section.body, end);
  if (NOT_BASE64.test(text)) return;
  const padding = text.indexOf('=');
  if (padding >= 0 && !PADDING_END.test(text.slice(padding))) return;
  cuts.push({ start: section.body, end, base64: text });
}

/**
 * Whether mailparser hands the part over as an attachment (bytes as they decode), as it decides: any
 * type but message/*, and text/plain and text/html only with a disposition other than inline (else
 * they are the message's text, charset-decoded). A text/csv or text/calendar file is an attachment.
 */
function anAttachment(type: string, headers: string): boolean {
  if (!type.includes('/') || type.startsWith('message/')) return false;
  if (type !== 'text/plain' && type !== 'text/html') return true;
  const disposition = (field(headers, 'content-disposition') ?? '').split(';')[0]?.trim().toLowerCase();
  return disposition !== undefined && disposition !== '' && disposition !== 'inline';
}

/**
 * The parts of a multipart body: what lies between its delimiter lines (`--boundary`, transport
 * padding allowed), without the line break that belongs to the next delimiter. Parts after the last
 * delimiter of an unclosed body are left out (they stay in the skeleton as they are).
 */
function partsOf(
  mime: Buffer,
  start: number,
  end: number,
  boundary: string,
): { start: number; end: number }[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: { start: number; end: number }[] = [];
  let open = -1;
  for (let at = mime.indexOf(delimiter, start); at >= 0 && at < end; at = mime.indexOf(delimiter, at + 1)) {
    if (at > start && mime[at - 1] !== LF) continue;
    let after = at + delimiter.length;
    const closing = mime[after] === 0x2d && mime[after + 1] === 0x2d;
    if (closing) after += 2;
    while (after < end && (mime[after] === 0x20 || mime[after] === 0x09)) after++;
    let lineEnd: number;
    if (after >= end) lineEnd = end;
    else if (mime[after] === LF) lineEnd = after + 1;
    else if (mime[after] === CR && mime[after + 1] === LF) lineEnd = after + 2;
    else continue;
    if (open >= 0) {
      const breakLength = at - 2 >= open && mime[at - 2] === CR ? 2 : 1;
      parts.push({ start: open, end: Math.max(open, at - breakLength) });
    }
    if (closing) return parts;
    open = lineEnd;
  }
  return parts;
}

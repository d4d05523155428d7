import { headerValue, parseHeaderLines, parseStructured, type MimeHeader } from './mime-headers';

/** One MIME entity of a message, as Gmail's `MessagePart` describes it. */
export interface MimePart {
  readonly partId: string;
  headers: MimeHeader[];
  mimeType: string;
  filename: string;
  /** Decoded body size in bytes (multipart containers: 0). */
  size: number;
  readonly parts: MimePart[];
  /** The decoded body, when it was captured. */
  data?: Buffer;
}

export interface AnalyzeOptions {
  /** Capture decoded bodies of text parts without a filename up to this many encoded bytes. */
  readonly captureTextBelow?: number;
  /** Capture this part's decoded body whatever its size (attachments.get). */
  readonly capturePartId?: string;
  /** Stop once the top-level header section is read. */
  readonly headersOnly?: boolean;
}

interface Node {
  readonly part: MimePart;
  boundary?: string;
  encoding: string;
  childCount: number;
  capture: Buffer[] | undefined;
  captureBytes: number;
  b64Chars: number;
  rawBytes: number;
}

/** The longest line the scanner holds before treating it as body (a boundary line is at most ~76). */
const MAX_HELD_LINE = 8192;
const MAX_HEADER_LINES = 2000;

function qpDecode(bytes: Buffer): Buffer {
  const s = bytes.toString('latin1').replace(/=\r?\n/g, '');
  return Buffer.from(
    s.replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );
}

/**
 * Streams a message once and returns its part tree: headers, types, filenames and decoded sizes of
 * every part, with text bodies (and one requested part) decoded. Memory stays bounded by what is
 * captured; attachments are only counted.
 */
export class MimeAnalyzer {
  readonly root: MimePart = {
    partId: '',
    headers: [],
    mimeType: 'text/plain',
    filename: '',
    size: 0,
    parts: [],
  };
  private readonly stack: Node[] = [];
  private current: Node;
  private inHeaders = true;
  private headerLines: string[] = [];
  private held = Buffer.alloc(0);
  private midLine = false;
  private heldEol: Buffer | undefined;
  /** Inside a multipart's preamble or epilogue, whose bytes belong to no part. */
  private epilogue = false;
  done = false;

  constructor(private readonly options: AnalyzeOptions = {}) {
    this.current = this.node(this.root);
  }

  private node(part: MimePart): Node {
    return {
      part,
      encoding: '7bit',
      childCount: 0,
      capture: undefined,
      captureBytes: 0,
      b64Chars: 0,
      rawBytes: 0,
    };
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    let buf = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    for (;;) {
      const nl = buf.indexOf(10);
      if (nl < 0) break;
      const eolStart = nl > 0 && buf[nl - 1] === 13 ? nl - 1 : nl;
      this.line(buf.subarray(0, eolStart), buf.subarray(eolStart, nl + 1));
      buf = buf.subarray(nl + 1);
      if (this.done) return;
    }
    if (buf.length > MAX_HELD_LINE && !this.inHeaders) {
      this.body(buf, undefined);
      this.midLine = true;
      buf = Buffer.alloc(0);
    }
    this.held = Buffer.from(buf);
  }

  /** Ends the stream: flushes the last line and finishes every open part. */
  end(): MimePart {
    if (!this.done && this.held.length > 0) this.line(this.held, Buffer.alloc(0));
    this.held = Buffer.alloc(0);
    if (this.inHeaders && !this.done) this.endHeaders();
    this.finish(this.current);
    for (const n of this.stack) this.finish(n);
    this.done = true;
    return this.root;
  }

  private line(content: Buffer, eol: Buffer): void {
    if (this.inHeaders) {
      if (content.length === 0) {
        this.endHeaders();
        return;
      }
      if (this.headerLines.length < MAX_HEADER_LINES) this.headerLines.push(content.toString('utf8'));
      return;
    }
    const wasMid = this.midLine;
    this.midLine = false;
    if (!wasMid && content.length >= 3 && content.length < 200 && content[0] === 45 && content[1] === 45) {
      const text = content.toString('latin1').trimEnd();
      for (let i = this.stack.length - 1; i >= 0; i--) {
        const parent = this.stack[i];
        if (!parent?.boundary) continue;
        const delimiter = `--${parent.boundary}`;
        if (text !== delimiter && text !== `${delimiter}--`) continue;
        this.finish(this.current);
        while (this.stack.length > i + 1) {
          const popped = this.stack.pop();
          if (popped) this.finish(popped);
        }
        this.heldEol = undefined;
        if (text === delimiter) {
          const child: MimePart = {
            partId:
              parent.part.partId === ''
                ? String(parent.childCount)
                : `${parent.part.partId}.${parent.childCount}`,
            headers: [],
            mimeType: 'text/plain',
            filename: '',
            size: 0,
            parts: [],
          };
          parent.childCount++;
          parent.part.parts.push(child);
          this.current = this.node(child);
          this.inHeaders = true;
          this.headerLines = [];
        } else {
          // Closing delimiter: what follows is the parent's epilogue, which no part owns.
          this.stack.pop();
          this.current = this.node(parent.part);
          this.epilogue = true;
        }
        return;
      }
    }
    this.body(content, eol);
  }

  private endHeaders(): void {
    this.inHeaders = false;
    const node = this.current;
    const part = node.part;
    part.headers = parseHeaderLines(this.headerLines);
    this.headerLines = [];
    const type = parseStructured(headerValue(part.headers, 'content-type') ?? 'text/plain');
    part.mimeType = type.value || 'text/plain';
    const disposition = parseStructured(headerValue(part.headers, 'content-disposition') ?? '');
    part.filename = disposition.params.get('filename') ?? type.params.get('name') ?? '';
    node.encoding = (headerValue(part.headers, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
    this.epilogue = false;
    const boundary = type.params.get('boundary');
    if (part.mimeType.startsWith('multipart/') && boundary) {
      node.boundary = boundary;
      this.stack.push(node);
      // The preamble before the first delimiter belongs to no part.
      this.current = this.node(part);
      this.epilogue = true;
    } else {
      const isText = part.filename === '' && part.mimeType.startsWith('text/');
      if (
        this.options.capturePartId === part.partId ||
        (isText && this.options.captureTextBelow !== undefined)
      )
        node.capture = [];
    }
    if (part.partId === '' && this.options.headersOnly) this.done = true;
  }

  private body(content: Buffer, eol: Buffer | undefined): void {
    if (this.epilogue) return;
    const node = this.current;
    if (this.heldEol) this.count(node, this.heldEol);
    this.count(node, content);
    this.heldEol = eol && eol.length > 0 ? eol : undefined;
  }

  private count(node: Node, bytes: Buffer): void {
    node.rawBytes += bytes.length;
    if (node.encoding === 'base64') {
      for (const b of bytes)
        if ((b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b === 43 || b === 47)
          node.b64Chars++;
    }
    if (node.capture) {
      const limit =
        this.options.capturePartId === node.part.partId ? Infinity : (this.options.captureTextBelow ?? 0);
      if (node.captureBytes + bytes.length > limit) {
        node.capture = undefined;
      } else {
        node.capture.push(Buffer.from(bytes));
        node.captureBytes += bytes.length;
      }
    }
  }

  private finish(node: Node): void {
    const part = node.part;
    if (node.boundary || part.mimeType.startsWith('multipart/')) {
      part.size = 0;
      return;
    }
    if (node.capture) {
      const raw = Buffer.concat(node.capture);
      part.data =
        node.encoding === 'base64'
          ? Buffer.from(raw.toString('latin1'), 'base64')
          : node.encoding === 'quoted-printable'
            ? qpDecode(raw)
            : raw;
      part.size = part.data.length;
      node.capture = undefined;
      return;
    }
    if (part.size > 0) return;
    part.size = node.encoding === 'base64' ? Math.floor((node.b64Chars * 6) / 8) : node.rawBytes;
  }
}

/** Runs the analyzer over a stream; with `headersOnly`, stops reading once the headers are in. */
export async function analyzeMime(
  stream: AsyncIterable<Buffer | Uint8Array> & { destroy?: () => void },
  options: AnalyzeOptions = {},
): Promise<MimePart> {
  const analyzer = new MimeAnalyzer(options);
  for await (const chunk of stream) {
    analyzer.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    if (analyzer.done) {
      stream.destroy?.();
      break;
    }
  }
  return analyzer.end();
}

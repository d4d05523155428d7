/** One header as Gmail's `MessagePartHeader` carries it: unfolded, encoded words decoded. */
export interface MimeHeader {
  readonly name: string;
  readonly value: string;
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase() === 'utf8' ? 'utf-8' : charset).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** Decodes RFC 2047 encoded words (`=?utf-8?B?...?=`); whitespace between adjacent words goes. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  return value.replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)(\s+(?==\?))?/g, (word: string) => {
    const m = /^=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/.exec(word.trim());
    if (!m) return word;
    const [, charset = 'utf-8', enc = 'B', text = ''] = m;
    const bytes =
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          );
    return decodeCharset(bytes, charset);
  });
}

/** Parses a header block (lines without their terminators), unfolding continuation lines. */
export function parseHeaderLines(lines: readonly string[]): MimeHeader[] {
  const out: { name: string; value: string }[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && out.length > 0) {
      const last = out[out.length - 1];
      if (last) last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return out.map((h) => ({ name: h.name, value: decodeWords(h.value) }));
}

/** Whether a line can start a header field (RFC 5322 section 2.2: printable ASCII name, then ':'). */
export function isHeaderFieldLine(line: string): boolean {
  return /^[!-9;-~]+[ \t]*:/.test(line);
}

export function headerValue(headers: readonly MimeHeader[], name: string): string | undefined {
  const needle = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === needle)?.value;
}

/** `type/subtype; a=b; c*=utf-8''x` => the lower-cased value and its parameters (RFC 2045, RFC 2231). */
export function parseStructured(value: string): { value: string; params: Map<string, string> } {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] ?? '';
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    if (c === ';' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  const [head = '', ...rest] = parts;
  const simple = new Map<string, string>();
  const continued = new Map<string, { index: number; text: string; encoded: boolean }[]>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    let val = p.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"')) val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    const m = /^([^*]+)\*(?:(\d+)\*?)?$/.exec(key);
    if (m) {
      const name = m[1] ?? key;
      const list = continued.get(name) ?? [];
      list.push({ index: Number(m[2] ?? '0'), text: val, encoded: key.endsWith('*') });
      continued.set(name, list);
    } else simple.set(key, val);
  }
  for (const [name, segments] of continued) {
    segments.sort((a, b) => a.index - b.index);
    let charset = 'utf-8';
    const bytes: Buffer[] = [];
    segments.forEach((s, i) => {
      let text = s.text;
      if (i === 0 && s.encoded) {
        const m = /^([^']*)'[^']*'(.*)$/.exec(text);
        if (m) {
          charset = m[1] || 'utf-8';
          text = m[2] ?? '';
        }
      }
      bytes.push(
        s.encoded
          ? Buffer.from(
              text.replace(/%([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            )
          : Buffer.from(text, 'latin1'),
      );
    });
    simple.set(name, decodeCharset(Buffer.concat(bytes), charset));
  }
  for (const [k, v] of simple) simple.set(k, decodeWords(v));
  return { value: head.trim().toLowerCase(), params: simple };
}

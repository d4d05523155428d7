import type { ApiSession } from './api-session';

/** A pass's or a mailbox's counts as the API shows them. */
export type PassCounts = Readonly<
  Record<'found' | 'migrated' | 'skipped' | 'failed' | 'bytesFound' | 'bytesDone', number>
>;

/** One mailbox of a pass's progress. */
export interface MailboxProgress {
  readonly mapping: { readonly id: string; readonly sourceAddress: string; readonly targetAddress: string };
  readonly status: string;
  readonly counts: PassCounts;
}

/** The body of a `progress` event (and of GET .../progress). */
export interface PassProgress {
  readonly pass: { readonly id: string; readonly kind: string; readonly status: string } | null;
  readonly totals: PassCounts;
  readonly mailboxes: { readonly total: number; readonly done: number; readonly failed: number };
  readonly mappings: readonly MailboxProgress[];
}

/** One record of the audit trail as the API shows it. */
export interface AuditRecord {
  readonly action: string;
  readonly actor: { readonly kind: string; readonly id: string };
  readonly target: { readonly type: string; readonly id: string };
  readonly detail: Readonly<Record<string, string>>;
}

/** What following a pass's event stream saw. */
export interface FollowedPass {
  readonly events: readonly PassProgress[];
  readonly ended: boolean;
  /** Streams opened: more than one when an expired token made the gateway end a stream with `error`. */
  readonly connections: number;
}

/** Access tokens live five minutes: older than this, the session asks for a new one first. */
const REFRESH_AFTER_MS = 4 * 60_000;

/**
 * An org-admin's calls to the public API, with the access token renewed through /auth/refresh when
 * it is about to expire (the whole migration flow takes longer than one token's life on a slow box).
 */
export class ApiClient {
  private accessToken: string;
  private refreshToken: string;
  private issuedAt = Date.now();

  constructor(
    readonly api: string,
    session: ApiSession,
  ) {
    this.accessToken = session.accessToken;
    this.refreshToken = session.refreshToken;
  }

  /** A valid access token (renewed when old). */
  async bearer(): Promise<string> {
    if (Date.now() - this.issuedAt < REFRESH_AFTER_MS) return this.accessToken;
    const res = await fetch(`${this.api}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: this.refreshToken }),
    });
    if (res.status !== 200) throw new Error(`token refresh answered ${res.status}`);
    const tokens = (await res.json()) as { accessToken: string; refreshToken: string };
    this.accessToken = tokens.accessToken;
    this.refreshToken = tokens.refreshToken;
    this.issuedAt = Date.now();
    return this.accessToken;
  }

  /** A request under `api`; a JSON body unless `contentType` says otherwise. Returns status and text. */
  async send(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.bearer()}` };
    if (body !== undefined) headers['content-type'] = contentType;
    const res = await fetch(`${this.api}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.status, text: await res.text() };
  }

  /** A JSON call that must answer `expected`; the parsed body. */
  async json<T>(method: string, path: string, body: unknown, expected: number): Promise<T> {
    const res = await this.send(method, path, body);
    if (res.status !== expected)
      throw new Error(`${method} ${path} answered ${res.status}: ${res.text.slice(0, 500)}`);
    return JSON.parse(res.text) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.json<T>('GET', path, undefined, 200);
  }

  /**
   * The organisation's audit trail (newest 500 records) once `complete` accepts it: records reach the
   * trail through the AUDIT stream, a moment after the change they record.
   */
  async auditTrail(
    org: string,
    complete: (items: readonly AuditRecord[]) => boolean,
    timeoutMs = 20_000,
  ): Promise<AuditRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { items } = await this.get<{ items: AuditRecord[] }>(`/orgs/${org}/audit?limit=500`);
      if (complete(items)) return items;
      if (Date.now() > deadline)
        throw new Error(`the audit trail was still incomplete after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * Follows a pass's Server-Sent Events until its `end` event, collecting each `progress` body.
   * A stream the gateway ends with `error` (an expired token) is reopened with a fresh token.
   */
  async followPass(path: string, timeoutMs: number): Promise<FollowedPass> {
    const events: PassProgress[] = [];
    const signal = AbortSignal.timeout(timeoutMs);
    let connections = 0;
    for (;;) {
      connections += 1;
      if (connections > 5) throw new Error('the event stream kept failing');
      const res = await fetch(`${this.api}${path}`, {
        headers: { authorization: `Bearer ${await this.bearer()}`, accept: 'text/event-stream' },
        signal,
      });
      if (res.status !== 200 || !res.body) throw new Error(`the pass's event stream answered ${res.status}`);
      expectEventStream(res.headers.get('content-type'));
      const outcome = await readEvents(res.body, events);
      if (outcome === 'end') return { events, ended: true, connections };
      if (outcome === 'closed') return { events, ended: false, connections };
      // 'error': the gateway's poll failed (e.g. 401 once the token expired): renew and reconnect.
      this.issuedAt = 0;
    }
  }
}

function expectEventStream(contentType: string | null): void {
  if (!contentType?.startsWith('text/event-stream'))
    throw new Error(`the event stream is ${contentType ?? 'untyped'}`);
}

/** Reads SSE blocks into `events` until `end`, `error` or the stream closing. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  events: PassProgress[],
): Promise<'end' | 'error' | 'closed'> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === 'progress' && data) events.push(JSON.parse(data) as PassProgress);
      if (event === 'end' || event === 'error') {
        await body.cancel().catch(() => undefined);
        return event;
      }
    }
  }
  return 'closed';
}

/** RFC 4180 records (quoted cells, doubled quotes, CRLF), enough for Ferry's report downloads. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

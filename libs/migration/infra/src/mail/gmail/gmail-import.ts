import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MailboxRef } from '@ferry/migration/application';
import { ProviderError, responseError, type StreamingResponse } from '@ferry/providers/core';
import { jitteredDelay, type RetryPolicy } from '../../throttle/governed-call';
import type { GmailApi } from './gmail-api';
import { gmailFailure } from './gmail-failure';
import type { SourceMimeReader } from './source-mime.reader';

/** Sizes that decide how a message is uploaded and what memory an upload holds. */
export interface GmailImportLimits {
  /** Messages up to this size go in one multipart request (held in memory); larger ones are resumable. */
  readonly multipartMaxBytes: number;
  /** Resumable chunk size: a multiple of 256 KiB, held in memory while it is sent. */
  readonly chunkBytes: number;
  /** Gmail refuses larger messages (messages.import: 150 MB). */
  readonly maxMessageBytes: number;
}

export const DEFAULT_IMPORT_LIMITS: GmailImportLimits = {
  multipartMaxBytes: 4 * 1024 * 1024,
  chunkBytes: 8 * 1024 * 1024,
  maxMessageBytes: 150 * 1024 * 1024,
};

/** Thrown when the message (with Ferry's headers) is over `maxMessageBytes`; nothing was filed. */
export class ImportTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the message is larger than Gmail's import limit (${limit} bytes)`);
    this.name = 'ImportTooLargeError';
  }
}

/** How an import ended: Gmail's id for the copy and the bytes sent. */
export interface ImportOutcome {
  readonly id: string;
  readonly bytes: number;
}

/** A success answer's JSON is small; more is refused. */
const ANSWER_BYTES = 64 * 1024;
const IMPORT_PATH = 'upload/gmail/v1/users/me/messages/import';
const IMPORT_QUERY = { internalDateSource: 'dateHeader', neverMarkSpam: 'true' } as const;

/** The id in an import's answer. */
async function importedId(res: StreamingResponse): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > ANSWER_BYTES) {
      res.body.destroy();
      throw new ProviderError(
        'provider-error',
        'Gmail messages.import answered more than a message resource',
      );
    }
    chunks.push(chunk as Buffer);
  }
  let id: unknown;
  try {
    id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown }).id;
  } catch {
    // handled below
  }
  if (typeof id !== 'string' || id === '')
    throw new ProviderError('provider-error', 'Gmail messages.import answered without an id');
  return id;
}

/** Whether `needle` occurs in the pieces read as one sequence of bytes, across their joins too. */
export function includesAcross(pieces: readonly Buffer[], needle: string): boolean {
  const bytes = Buffer.from(needle);
  const overlap = bytes.length - 1;
  // The last `overlap` bytes before the piece at hand: all a match straddling its start can use.
  let tail: Buffer = Buffer.alloc(0);
  for (const piece of pieces) {
    if (piece.includes(bytes)) return true;
    if (overlap === 0) continue;
    if (tail.length > 0 && Buffer.concat([tail, piece.subarray(0, overlap)]).includes(bytes)) return true;
    tail = piece.length >= overlap ? piece.subarray(-overlap) : Buffer.concat([tail, piece]).subarray(-overlap);
  }
  return false;
}

/** The bytes Gmail holds after a 308 (`Range: bytes=0-N`); 0 when it holds none. */
function persisted(res: StreamingResponse): number {
  const range = /^bytes=0-(\d+)$/.exec(res.headers.get('range') ?? '');
  return range ? Number(range[1]) + 1 : 0;
}

/**
 * `messages.import` of one message read from `reader` behind `prefix` (Ferry's headers), dated by its
 * Date header, never sent to spam: one multipart request when the whole message fits in
 * `multipartMaxBytes`, else a resumable upload in `chunkBytes` chunks. Either way Gmail files the copy
 * only once every byte arrived, so a failed import leaves nothing behind.
 */
export class GmailImporter {
  constructor(
    private readonly api: GmailApi,
    private readonly limits: GmailImportLimits,
  ) {}

  /**
   * Uploads the message. `recover` answers whether the copy exists after all; it is asked before an
   * upload whose answer was lost is sent again.
   */
  async import(
    mailbox: MailboxRef,
    labelIds: readonly string[],
    reader: SourceMimeReader,
    prefix: Buffer,
    signal: AbortSignal,
    recover: () => Promise<string | null>,
  ): Promise<ImportOutcome> {
    const small = Math.min(this.limits.multipartMaxBytes, this.limits.maxMessageBytes);
    const taken = await reader.take(Math.max(0, small + 1 - prefix.length));
    const bytes = prefix.length + taken.length;
    if (bytes <= small && (await reader.atEnd())) {
      // Sent as pieces: the message is not copied behind the prefix, nor into the multipart body.
      return { id: await this.multipart(mailbox, labelIds, [prefix, taken], signal, recover), bytes };
    }
    // A resumable session files nothing until its last byte, and a lost answer is asked for again.
    return this.resumable(mailbox, labelIds, Buffer.concat([prefix, taken]), reader, signal);
  }

  /**
   * One multipart request. It is not safe to repeat blindly (an answer lost after Gmail filed the copy
   * would make a second one), so the governor does not retry it; this does, after asking `recover`.
   */
  private async multipart(
    mailbox: MailboxRef,
    labelIds: readonly string[],
    mime: readonly Buffer[],
    signal: AbortSignal,
    recover: () => Promise<string | null>,
  ): Promise<string> {
    let boundary = `ferry_${randomBytes(18).toString('base64url')}`;
    while (includesAcross(mime, boundary)) boundary = `ferry_${randomBytes(18).toString('base64url')}`;
    const body = [
      Buffer.from(
        `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify({ labelIds })}\r\n` +
          `--${boundary}\r\nContent-Type: message/rfc822\r\n\r\n`,
      ),
      ...mime,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ];
    const length = body.reduce((sum, piece) => sum + piece.length, 0);
    return this.unlessFiled(signal, recover, async (policy) => {
      const res = await this.api.send(
        mailbox,
        'messages.import',
        signal,
        [200],
        (authorization) => ({
          method: 'POST',
          url: this.api.url(IMPORT_PATH, { uploadType: 'multipart', ...IMPORT_QUERY }),
          headers: { authorization, 'content-type': `multipart/related; boundary=${boundary}` },
          body,
        }),
        { uploadBytes: length },
        policy,
      );
      return importedId(res);
    });
  }

  /** A resumable upload: a session, then chunks, each resent from where Gmail says it stopped. */
  private async resumable(
    mailbox: MailboxRef,
    labelIds: readonly string[],
    first: Buffer,
    reader: SourceMimeReader,
    signal: AbortSignal,
  ): Promise<ImportOutcome> {
    const { chunkBytes, maxMessageBytes } = this.limits;
    let buffered = first;
    const nextChunk = async (): Promise<Buffer> => {
      if (buffered.length >= chunkBytes) {
        const chunk = buffered.subarray(0, chunkBytes);
        buffered = Buffer.from(buffered.subarray(chunkBytes));
        return chunk;
      }
      const chunk = Buffer.concat([buffered, await reader.take(chunkBytes - buffered.length)]);
      buffered = Buffer.alloc(0);
      return chunk;
    };
    let chunk = await nextChunk();
    if (chunk.length > maxMessageBytes) throw new ImportTooLargeError(maxMessageBytes);
    const session = await this.startSession(mailbox, labelIds, signal);
    for (let offset = 0; ;) {
      const last = buffered.length === 0 && (await reader.atEnd());
      const end = offset + chunk.length;
      // Checked before the chunk goes: an unfinished session files nothing.
      if (end > maxMessageBytes) throw new ImportTooLargeError(maxMessageBytes);
      const id = await this.putChunk(mailbox, session, chunk, offset, last ? end : undefined, signal);
      if (id !== null) return { id, bytes: end };
      if (last)
        throw new ProviderError(
          'provider-error',
          'Gmail messages.import did not finish after the last chunk',
        );
      offset = end;
      chunk = await nextChunk();
    }
  }

  /** Opens a resumable session; its URL must be on the API's origin (the token is sent to it). */
  private async startSession(
    mailbox: MailboxRef,
    labelIds: readonly string[],
    signal: AbortSignal,
  ): Promise<URL> {
    const res = await this.api.send(mailbox, 'messages.import', signal, [200], (authorization) => ({
      method: 'POST',
      url: this.api.url(IMPORT_PATH, { uploadType: 'resumable', ...IMPORT_QUERY }),
      headers: {
        authorization,
        'content-type': 'application/json; charset=UTF-8',
        'x-upload-content-type': 'message/rfc822',
      },
      body: Buffer.from(JSON.stringify({ labelIds })),
    }));
    res.body.resume();
    const location = res.headers.get('location');
    const session = location ? new URL(location, this.api.url(IMPORT_PATH)) : undefined;
    if (!session || session.origin !== this.api.url(IMPORT_PATH).origin)
      throw new ProviderError(
        'provider-error',
        'Gmail messages.import opened a session elsewhere than its API origin',
      );
    return session;
  }

  /**
   * Sends one chunk; null when Gmail wants more, the copy's id when it filed the message. After a
   * failure Gmail is first asked what it holds (`bytes *\/total`), and only the rest is sent again.
   */
  private putChunk(
    mailbox: MailboxRef,
    session: URL,
    chunk: Buffer,
    offset: number,
    total: number | undefined,
    signal: AbortSignal,
  ): Promise<string | null> {
    let unsure = false;
    const size = total === undefined ? '*' : String(total);
    const exchange = async (
      authorization: string,
      body: Buffer,
      range: string,
    ): Promise<StreamingResponse> => {
      const res = await this.api.connection.transport({
        method: 'PUT',
        url: session,
        headers: { authorization, 'content-range': range, 'content-type': 'message/rfc822' },
        body,
        signal,
      });
      if (res.status === 200 || res.status === 201 || res.status === 308) return res;
      const mapped = await responseError(res, session);
      throw gmailFailure('messages.import', res.status, res.headers, mapped.details.providerCode);
    };
    return this.api.withToken(
      mailbox,
      'messages.import',
      signal,
      { uploadBytes: chunk.length },
      async (token) => {
        const authorization = `Bearer ${token}`;
        let held = 0;
        if (unsure) {
          const status = await exchange(authorization, Buffer.alloc(0), `bytes */${size}`);
          if (status.status !== 308) return importedId(status);
          status.body.resume();
          held = Math.max(0, Math.min(chunk.length, persisted(status) - offset));
        }
        for (;;) {
          unsure = true;
          const res = await exchange(
            authorization,
            chunk.subarray(held),
            `bytes ${offset + held}-${offset + chunk.length - 1}/${size}`,
          );
          unsure = false;
          if (res.status !== 308) return importedId(res);
          res.body.resume();
          const now = persisted(res) - offset;
          if (now >= chunk.length) return null;
          // Gmail took none of it: a transient failure (retried from what Gmail holds, then abandoned).
          if (now <= held)
            throw new ProviderError('provider-error', 'Gmail messages.import took none of a chunk');
          held = now;
        }
      },
    );
  }

  /**
   * Runs a non-idempotent upload: throttled answers are retried by the governor (Gmail filed nothing),
   * transient failures here, each only once `recover` says the copy is not there.
   */
  private async unlessFiled(
    signal: AbortSignal,
    recover: () => Promise<string | null>,
    upload: (policy: RetryPolicy) => Promise<string>,
  ): Promise<string> {
    const policy = this.api.retryPolicy();
    for (let failures = 1; ; failures++) {
      try {
        return await upload({ ...policy, transientRetries: 0 });
      } catch (error) {
        if (
          !(error instanceof ProviderError) ||
          !error.retryable ||
          error.code === 'throttled' ||
          failures > policy.transientRetries
        )
          throw error;
        await sleep(jitteredDelay(failures, policy), undefined, { signal });
        const filed = await recover();
        if (filed !== null) return filed;
      }
    }
  }
}

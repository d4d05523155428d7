import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import type { gmail_v1 } from 'googleapis';
import { BODY_LIMITS, readJson } from '../../http/body';
import { sendEmpty, sendJson } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import { gmailRoute, mailboxOf, METHOD_SCOPES, QUOTA_UNITS } from './gmail-access';
import type { MessageContent } from './gmail-content';
import { gmailErrors } from './gmail-errors';
import {
  checkLabels,
  fileMessage,
  parseLandingMetadata,
  parseLandingParams,
  type LandingKind,
  type LandingMetadata,
  type LandingParams,
} from './gmail-landing';
import type { GmailMailboxes } from './gmail-mailboxes';
import type { LandedMime, Mailbox } from './gmail.store';
import { headerValue } from './mime-headers';
import { landMime, MAX_MESSAGE_BYTES } from './mime-landing';
import { MultipartReader } from './multipart-related';

/** Raw messages sent base64url inside a JSON body (no /upload URL) are capped lower than uploads. */
const MAX_JSON_RAW_BYTES = 48 * 1024 * 1024;

interface UploadSession {
  readonly mailbox: Mailbox;
  readonly meta: LandingMetadata;
  readonly params: LandingParams;
  total: number | undefined;
  received: number;
  readonly sink: PassThrough;
  readonly landing: Promise<LandedMime>;
  readonly settled: Promise<void>;
  failure?: unknown;
  result?: gmail_v1.Schema$Message;
}

const invalidJson = (m: string) => gmailErrors.invalid(m);

/**
 * messages.import and messages.insert: JSON `raw`, and the upload protocols at `/upload/...`
 * (uploadType=media, multipart, resumable with chunked PUTs, 308 and status queries).
 */
export function gmailUploadRoutes(
  ctx: SandboxContext,
  mailboxes: GmailMailboxes,
  content: MessageContent,
): Route[] {
  const sessions = new Map<string, UploadSession>();

  const land = async (
    mailbox: Mailbox,
    meta: LandingMetadata,
    params: LandingParams,
    body: AsyncIterable<Buffer | Uint8Array>,
  ): Promise<gmail_v1.Schema$Message> => {
    checkLabels(mailbox, meta);
    const landed = await landMime(ctx.retention, body);
    return fileMessage(mailbox, content, landed, meta, params, ctx.clock.now());
  };

  const declaredTooLarge = (req: SandboxRequest, header: string): void => {
    const declared = Number(req.raw.headers[header] ?? '0');
    if (declared > MAX_MESSAGE_BYTES) {
      req.raw.resume();
      throw gmailErrors.tooLarge(MAX_MESSAGE_BYTES);
    }
  };

  const viaJson = (kind: LandingKind) => async (req: SandboxRequest, res: ServerResponse) => {
    const mailbox = mailboxOf(mailboxes, req);
    const params = parseLandingParams(req, kind);
    const meta = parseLandingMetadata(
      await readJson(req.raw, invalidJson, Math.ceil((MAX_JSON_RAW_BYTES * 4) / 3) + BODY_LIMITS.json),
    );
    if (!meta.raw) throw gmailErrors.rawRequired();
    sendJson(
      res,
      200,
      await land(mailbox, meta, params, Readable.from([Buffer.from(meta.raw, 'base64url')])),
    );
  };

  const startSession = async (
    req: SandboxRequest,
    res: ServerResponse,
    kind: LandingKind,
    mailbox: Mailbox,
    params: LandingParams,
  ): Promise<void> => {
    declaredTooLarge(req, 'x-upload-content-length');
    const meta = parseLandingMetadata(await readJson(req.raw, invalidJson));
    checkLabels(mailbox, meta);
    const sink = new PassThrough();
    const landing = landMime(ctx.retention, sink);
    const declared = req.raw.headers['x-upload-content-length'];
    const session: UploadSession = {
      mailbox,
      meta,
      params,
      total: declared ? Number(declared) : undefined,
      received: 0,
      sink,
      landing,
      settled: landing.then(
        () => undefined,
        () => undefined,
      ),
    };
    landing.catch((e: unknown) => {
      session.failure = e;
    });
    const uploadId = `ABPtcP${randomBytes(24).toString('base64url')}`;
    sessions.set(uploadId, session);
    const target = `${ctx.origin()}/upload/gmail/v1/users/${encodeURIComponent(req.params['userId'] ?? 'me')}/messages${kind === 'import' ? '/import' : ''}?uploadType=resumable&upload_id=${uploadId}`;
    sendEmpty(res, 200, { location: target, 'x-guploader-uploadid': uploadId });
  };

  /** Answers an upload chunk or a `bytes *\/N` status query for a resumable session. */
  const chunk = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const uploadId = req.query.get('upload_id') ?? '';
    const session = sessions.get(uploadId);
    if (!session) {
      req.raw.resume();
      throw googleError(404, 'notFound', 'No upload session found for this upload id.');
    }
    if (mailboxOf(mailboxes, req) !== session.mailbox) {
      req.raw.resume();
      throw googleError(404, 'notFound', 'No upload session found for this upload id.');
    }
    const range = req.raw.headers['content-range'];
    let start = session.received;
    if (range) {
      const status = /^bytes \*\/(\d+|\*)$/.exec(range);
      const part = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(range);
      if (status) {
        if (status[1] !== '*') session.total = Number(status[1]);
      } else if (part) {
        start = Number(part[1]);
        if (part[3] !== '*') session.total = Number(part[3]);
      } else {
        req.raw.resume();
        throw gmailErrors.invalid('Failed to parse Content-Range header.');
      }
    } else if (session.total === undefined) {
      session.total = Number(req.raw.headers['content-length'] ?? '0');
    }
    if (session.total !== undefined && session.total > MAX_MESSAGE_BYTES) {
      req.raw.resume();
      throw gmailErrors.tooLarge(MAX_MESSAGE_BYTES);
    }
    if (start > session.received) {
      req.raw.resume();
      throw gmailErrors.invalid(
        `Invalid request. According to the Content-Range header, the upload offset is ${start} byte(s), which exceeds already uploaded size of ${session.received} byte(s).`,
      );
    }
    if (!session.result) {
      let skip = session.received - start;
      for await (const c of req.raw) {
        let buf = c as Buffer;
        if (skip > 0) {
          const drop = Math.min(skip, buf.length);
          buf = buf.subarray(drop);
          skip -= drop;
        }
        if (buf.length === 0) continue;
        if (session.failure) break;
        session.received += buf.length;
        if (!session.sink.write(buf)) await Promise.race([once(session.sink, 'drain'), session.settled]);
      }
      if (session.failure) {
        sessions.delete(uploadId);
        req.raw.resume();
        throw session.failure instanceof Error ? session.failure : new Error('upload failed');
      }
      if (session.total !== undefined && session.received >= session.total) {
        session.sink.end();
        try {
          const landed = await session.landing;
          session.result = fileMessage(
            session.mailbox,
            content,
            landed,
            session.meta,
            session.params,
            ctx.clock.now(),
          );
        } catch (e) {
          sessions.delete(uploadId);
          throw e;
        }
      }
    }
    if (session.result) {
      sendJson(res, 200, session.result);
      return;
    }
    // 308 "Resume Incomplete": Range names the bytes persisted so far (none: no Range header).
    sendEmpty(res, 308, {
      ...(session.received > 0 ? { range: `bytes=0-${session.received - 1}` } : {}),
      'x-guploader-uploadid': uploadId,
    });
  };

  const upload = (kind: LandingKind) => async (req: SandboxRequest, res: ServerResponse) => {
    if (req.query.has('upload_id')) return chunk(req, res);
    const mailbox = mailboxOf(mailboxes, req);
    const params = parseLandingParams(req, kind);
    const uploadType = req.query.get('uploadType') ?? '';
    switch (uploadType) {
      case 'resumable':
        return startSession(req, res, kind, mailbox, params);
      case 'media': {
        declaredTooLarge(req, 'content-length');
        sendJson(res, 200, await land(mailbox, { labelIds: [] }, params, req.raw));
        return;
      }
      case 'multipart': {
        declaredTooLarge(req, 'content-length');
        const boundary = /boundary="?([^";]+)"?/i.exec(req.raw.headers['content-type'] ?? '')?.[1];
        if (!boundary || !/^multipart\/related/i.test(req.raw.headers['content-type'] ?? ''))
          throw gmailErrors.invalid('Invalid multipart request with 0 mime parts.');
        const reader = new MultipartReader(req.raw, boundary);
        const first = await reader.nextPart();
        if (!first) throw gmailErrors.invalid('Invalid multipart request with 0 mime parts.');
        const json = await collectUpTo(reader.body(), BODY_LIMITS.json);
        let meta: LandingMetadata;
        try {
          meta = parseLandingMetadata(
            json.length === 0 ? {} : (JSON.parse(json.toString('utf8')) as unknown),
          );
        } catch (e) {
          if (e instanceof SyntaxError) throw gmailErrors.invalid('Invalid JSON payload received.');
          throw e;
        }
        const second = await reader.nextPart();
        if (!second) throw gmailErrors.rawRequired();
        const type = headerValue(second, 'content-type') ?? '';
        if (!/^message\/rfc822|^application\/octet-stream|^text\/plain/i.test(type))
          throw gmailErrors.invalid(
            `Media type '${type.slice(0, 80)}' is not supported. Valid media types: [message/*]`,
          );
        const result = await land(mailbox, meta, params, reader.body());
        while (await reader.nextPart()) for await (const rest of reader.body()) void rest;
        sendJson(res, 200, result);
        return;
      }
      default:
        req.raw.resume();
        throw googleError(
          400,
          'invalid',
          `Invalid value for uploadType: ${uploadType.slice(0, 40) || '(missing)'}`,
          { location: 'uploadType', locationType: 'parameter' },
        );
    }
  };

  const units = QUOTA_UNITS.messagesLand;
  const scopes = METHOD_SCOPES.messagesLand;
  return [
    gmailRoute(
      'POST',
      '/upload/gmail/v1/users/:userId/messages/import',
      'messages.import',
      scopes,
      units,
      upload('import'),
    ),
    gmailRoute(
      'PUT',
      '/upload/gmail/v1/users/:userId/messages/import',
      'messages.import',
      scopes,
      units,
      chunk,
    ),
    gmailRoute(
      'POST',
      '/upload/gmail/v1/users/:userId/messages',
      'messages.insert',
      scopes,
      units,
      upload('insert'),
    ),
    gmailRoute('PUT', '/upload/gmail/v1/users/:userId/messages', 'messages.insert', scopes, units, chunk),
    gmailRoute(
      'POST',
      '/gmail/v1/users/:userId/messages/import',
      'messages.import',
      scopes,
      units,
      viaJson('import'),
    ),
    gmailRoute(
      'POST',
      '/gmail/v1/users/:userId/messages',
      'messages.insert',
      scopes,
      units,
      viaJson('insert'),
    ),
  ];
}

/** A small part's bytes (the JSON metadata part), refused past `limit`. */
async function collectUpTo(body: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += c.length;
    if (size > limit) throw gmailErrors.invalid('Invalid JSON payload received.');
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

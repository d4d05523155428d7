import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { BODY_LIMITS, isRecord } from '../../http/body';
import { sendEmpty } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { googleError } from '../../http/vendor-errors';
import type { SandboxContext } from '../../sandbox-context';
import {
  badRequest,
  DRIVE_SCOPES,
  driveRoute,
  invalidParam,
  readMetadata,
  visibleFile,
  type DriveCaller,
} from './drive-http';
import type { DriveState } from './drive.state';
import { createFile, updateFile, writableParent, type LandedContent } from './file-metadata';
import { checkFileMask, sendFile } from './files-write.routes';
import { MultipartError, multipartBoundary, readMultipartRelated } from './multipart-related';

/** Resumable chunks other than the last must be multiples of this (Drive's 256 KiB granularity). */
export const CHUNK_GRANULARITY = 256 * 1024;

interface UploadSession {
  readonly id: string;
  readonly caller: DriveCaller;
  readonly meta: Record<string, unknown>;
  readonly fileId?: string;
  readonly mimeType?: string;
  /** Query parameters of the initiating request (fields, supportsAllDrives, ...), kept for the final answer. */
  readonly query: URLSearchParams;
  total?: number;
  received: number;
  readonly sink: PassThrough;
  readonly landed: Promise<LandedContent>;
  fileIdDone?: string;
}

/** Streams a body into the retention store, computing its MD5 on the way. */
async function land(
  ctx: SandboxContext,
  body: AsyncIterable<unknown>,
  mimeType: string | undefined,
): Promise<LandedContent> {
  const md5 = createHash('md5');
  async function* tap(): AsyncGenerator<Buffer> {
    for await (const c of body) {
      const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
      md5.update(chunk);
      yield chunk;
    }
  }
  const source = await ctx.retention.collect(tap());
  return { source, md5: md5.digest('hex'), ...(mimeType ? { mimeType } : {}) };
}

const contentTypeOf = (req: SandboxRequest): string | undefined =>
  req.raw.headers['content-type']?.split(';')[0]?.trim() || undefined;

const malformedMultipart = () => badRequest('Malformed multipart body.');

/** A request on the same query as `req` but for the file (so `fields` and `supportsAllDrives` carry over). */
function withQuery(req: SandboxRequest, query: URLSearchParams): SandboxRequest {
  return { ...req, query };
}

function parseContentRange(
  header: string | undefined,
): { start?: number; end?: number; total?: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec(header.trim());
  if (!m) throw badRequest(`Invalid Content-Range header: ${header.slice(0, 60)}`);
  const total = m[3] === '*' ? undefined : Number(m[3]);
  if (m[1] === undefined) return total === undefined ? {} : { total };
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start || (total !== undefined && end >= total))
    throw badRequest(`Invalid Content-Range header: ${header.slice(0, 60)}`);
  return { start, end, ...(total !== undefined ? { total } : {}) };
}

/**
 * Drive's upload endpoints: `uploadType=media` (bytes only), `multipart` (metadata + bytes) and
 * `resumable` (a session URI, then PUT chunks with Content-Range; 308 + Range between chunks).
 * Bodies are streamed into the retention store, never buffered whole.
 */
export function uploadRoutes(ctx: SandboxContext, state: DriveState): Route[] {
  const sessions = new Map<string, UploadSession>();

  const finish = async (session: UploadSession, req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const q = withQuery(req, session.query);
    if (!session.fileIdDone) {
      session.sink.end();
      const content = await session.landed;
      const { caller } = session;
      let fileId: string;
      if (session.fileId) {
        const file = visibleFile(caller, q, session.fileId);
        updateFile(caller, q, file, session.meta, content);
        fileId = file.id;
      } else {
        fileId = createFile(caller, q, session.meta, content).id;
      }
      session.fileIdDone = fileId;
    }
    const file = session.caller.store.get(session.fileIdDone);
    if (!file) throw googleError(404, 'notFound', `File not found: ${session.fileIdDone}.`);
    await sendFile(res, q, session.caller, file);
  };

  const start = async (
    req: SandboxRequest,
    res: ServerResponse,
    fileId: string | undefined,
  ): Promise<void> => {
    const caller = state.caller(req);
    checkFileMask(req);
    const uploadType = req.query.get('uploadType') ?? 'media';
    if (fileId !== undefined) visibleFile(caller, req, fileId);
    switch (uploadType) {
      case 'media': {
        const content = await land(ctx, req.raw, contentTypeOf(req));
        const file = fileId ? visibleFile(caller, req, fileId) : undefined;
        if (file) updateFile(caller, req, file, {}, content);
        await sendFile(res, req, caller, file ?? createFile(caller, req, {}, content));
        return;
      }
      case 'multipart': {
        const boundary = multipartBoundary(req.raw.headers['content-type']);
        if (!boundary) throw badRequest('Bad content type. Please use multipart.');
        try {
          const upload = await readMultipartRelated(req.raw, boundary, BODY_LIMITS.json);
          let meta: unknown;
          try {
            meta = upload.metadata.length === 0 ? {} : JSON.parse(upload.metadata.toString('utf8'));
          } catch {
            throw googleError(400, 'parseError', 'Parse Error');
          }
          if (!isRecord(meta)) throw googleError(400, 'parseError', 'Parse Error');
          const content = await land(ctx, upload.media, upload.mediaType);
          const file = fileId ? visibleFile(caller, req, fileId) : undefined;
          if (file) updateFile(caller, req, file, meta, content);
          await sendFile(res, req, caller, file ?? createFile(caller, req, meta, content));
        } catch (e) {
          if (e instanceof MultipartError) throw malformedMultipart();
          throw e;
        }
        return;
      }
      case 'resumable': {
        const meta = await readMetadata(req);
        // Checked up front, as Drive does, so a bad parent fails before any bytes are sent.
        const parents = meta['parents'];
        if (!fileId && Array.isArray(parents) && typeof parents[0] === 'string')
          writableParent(caller, req, parents[0]);
        const rawLength = req.raw.headers['x-upload-content-length'];
        const total = rawLength === undefined ? undefined : Number(rawLength);
        if (total !== undefined && (!Number.isSafeInteger(total) || total < 0))
          throw badRequest('Invalid X-Upload-Content-Length header.');
        const id = randomBytes(24).toString('base64url');
        const sink = new PassThrough();
        const mimeType =
          (req.raw.headers['x-upload-content-type'] as string | undefined) ??
          (typeof meta['mimeType'] === 'string' ? meta['mimeType'] : undefined);
        const landed = land(ctx, sink, mimeType);
        landed.catch(() => undefined);
        const query = new URLSearchParams(req.query);
        query.delete('uploadType');
        sessions.set(id, {
          id,
          caller,
          meta,
          ...(fileId ? { fileId } : {}),
          ...(mimeType ? { mimeType } : {}),
          query,
          ...(total !== undefined ? { total } : {}),
          received: 0,
          sink,
          landed,
        });
        const location = new URL(
          `${ctx.origin()}/upload/drive/v3/files${fileId ? `/${encodeURIComponent(fileId)}` : ''}`,
        );
        for (const [k, v] of query) location.searchParams.append(k, v);
        location.searchParams.set('uploadType', 'resumable');
        location.searchParams.set('upload_id', id);
        sendEmpty(res, 200, { location: location.toString(), 'x-guploader-uploadid': id });
        return;
      }
      default:
        throw invalidParam(
          'uploadType',
          `Invalid value '${uploadType.slice(0, 30)}'. Valid values are: [media, multipart, resumable]`,
        );
    }
  };

  const chunk = async (req: SandboxRequest, res: ServerResponse): Promise<void> => {
    const id = req.query.get('upload_id') ?? '';
    const session = sessions.get(id);
    if (!session) {
      req.raw.resume();
      throw googleError(404, 'notFound', 'Upload session not found or expired; start a new upload.');
    }
    const headers = { 'x-guploader-uploadid': id };
    if (session.fileIdDone) {
      req.raw.resume();
      return finish(session, req, res);
    }
    const declared = Number(req.raw.headers['content-length'] ?? '0');
    let range = parseContentRange(req.raw.headers['content-range']);
    // No Content-Range: the whole (remaining) content in one request.
    range ??=
      declared > 0
        ? {
            start: session.received,
            end: session.received + declared - 1,
            total: session.received + declared,
          }
        : { total: session.received };
    if (range.total !== undefined) {
      if (session.total !== undefined && session.total !== range.total)
        throw badRequest(
          `Invalid request. The upload's total size ${range.total} does not match the declared X-Upload-Content-Length ${session.total}.`,
        );
      session.total = range.total;
    }
    if (range.start !== undefined && range.end !== undefined) {
      const { start, end } = range;
      if (start > session.received) {
        req.raw.resume();
        throw badRequest(
          `Invalid request. According to the Content-Range header, the upload offset is ${start} byte(s), which exceeds already uploaded size of ${session.received} byte(s).`,
        );
      }
      const length = end - start + 1;
      const final = session.total !== undefined && end + 1 === session.total;
      // Drive keeps only whole 256 KiB units of a non-final chunk; the client resends the rest.
      const limit = final ? end + 1 : start + Math.floor(length / CHUNK_GRANULARITY) * CHUNK_GRANULARITY;
      if (!final && limit <= session.received) {
        req.raw.resume();
        throw badRequest(
          `Invalid request. The number of bytes uploaded is required to be equal or greater than ${CHUNK_GRANULARITY}, except for the final request (it's recommended to be the exact multiple of ${CHUNK_GRANULARITY}). The received request contained ${length} bytes, which does not meet this requirement.`,
        );
      }
      let pos = start;
      for await (const c of req.raw) {
        const buf = c as Buffer;
        const from = Math.max(session.received, pos);
        const to = Math.min(limit, pos + buf.length);
        if (to > from) {
          if (!session.sink.write(buf.subarray(from - pos, to - pos))) await once(session.sink, 'drain');
          session.received = to;
        }
        pos += buf.length;
      }
    } else {
      req.raw.resume();
    }
    if (session.total !== undefined && session.received === session.total) return finish(session, req, res);
    sendEmpty(res, 308, {
      ...headers,
      ...(session.received > 0 ? { range: `bytes=0-${session.received - 1}` } : {}),
    });
  };

  // PUT on the session URI is authorised by the upload id itself, as with Google's resumable protocol.
  const put = (pattern: string): Route => ({
    vendor: 'google',
    method: 'PUT',
    pattern,
    operation: 'drive.files.upload.chunk',
    preAuthenticated: true,
    handler: chunk,
  });
  return [
    driveRoute('POST', '/upload/drive/v3/files', 'files.create.upload', DRIVE_SCOPES.write, (req, res) =>
      start(req, res, undefined),
    ),
    driveRoute(
      'PATCH',
      '/upload/drive/v3/files/:fileId',
      'files.update.upload',
      DRIVE_SCOPES.write,
      (req, res) => start(req, res, req.params['fileId']),
    ),
    put('/upload/drive/v3/files'),
    put('/upload/drive/v3/files/:fileId'),
  ];
}

import type { IncomingMessage } from 'node:http';
import { type VendorError } from './vendor-error';

/** Hard caps on bodies the sandbox reads whole; content bodies are streamed, never read with these. */
export const BODY_LIMITS = {
  /** JSON metadata bodies (Graph and Google both cap far lower for metadata). */
  json: 4 * 1024 * 1024,
  /** A form-encoded OAuth token request. */
  form: 64 * 1024,
} as const;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** Reads a whole body up to `limit` bytes; past it, stops reading and rejects. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      req.resume();
      throw new BodyTooLargeError(limit);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; `invalid` builds the vendor's own error for malformed input. */
export async function readJson(
  req: IncomingMessage,
  invalid: (message: string) => VendorError,
  limit: number = BODY_LIMITS.json,
): Promise<unknown> {
  let body: Buffer;
  try {
    body = await readBody(req, limit);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw invalid(e.message);
    throw e;
  }
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw invalid('Invalid JSON payload received.');
  }
}

export async function readForm(req: IncomingMessage, invalid: (message: string) => VendorError): Promise<URLSearchParams> {
  try {
    return new URLSearchParams((await readBody(req, BODY_LIMITS.form)).toString('utf8'));
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw invalid(e.message);
    throw e;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

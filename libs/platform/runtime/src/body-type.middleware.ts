import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Media types the JSON parser reads: `application/json` and any `application/*+json` (RFC 6839). */
export const JSON_MEDIA_TYPES: readonly string[] = ['application/json', 'application/*+json'];

/** The form media type the urlencoded parser reads. */
export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

type Middleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Rejects, with 415, any request that carries a body no configured parser reads, so a handler
 * never runs with an unparsed body that it would take for an empty one.
 */
export function rejectUnparsedBodies(acceptedTypes: readonly string[]): Middleware {
  const exact = new Set(acceptedTypes.filter((type) => !type.includes('*')));
  const acceptsJsonSuffix = acceptedTypes.includes('application/*+json');
  const accepted = acceptedTypes.join(', ');
  return (request, _response, next) => {
    if (!hasBody(request)) return next();
    const header = request.headers['content-type'];
    if (header === undefined) {
      return next(
        new UnsupportedMediaTypeException(
          `Content-Type is required with a request body; send one of: ${accepted}`,
        ),
      );
    }
    const mediaType = (header.split(';')[0] ?? '').trim().toLowerCase();
    const isJsonSuffix = acceptsJsonSuffix && /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(mediaType);
    if (exact.has(mediaType) || isJsonSuffix) return next();
    next(new UnsupportedMediaTypeException(`Unsupported Content-Type; send one of: ${accepted}`));
  };
}

/** Same rule as the parsers use: a body is present when it is chunked or has a non-zero length. */
function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

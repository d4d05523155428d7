import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request } from 'express';

/** How a CSV upload is named in refusals. */
export interface CsvUpload {
  /** e.g. "the user mapping". */
  readonly what: string;
  /** The expected shape, e.g. "a header row, then source,target per line". */
  readonly shape: string;
}

/**
 * A `text/csv` request body, read as text by the HTTP runtime (its `textBodyTypes`, whose limit answers
 * 413 before a larger body reaches here). `limitBytes` is what the bus can carry (see `imapUsersLimit`).
 * Generic over the upload, so the connectors' user list could use it too.
 * @throws UnsupportedMediaTypeException (415), PayloadTooLargeException (413), BadRequestException (400, empty).
 * Messages never quote the body.
 */
export function textCsvBody(req: Request, limitBytes: number, upload: CsvUpload): string {
  const [mediaType = ''] = (req.get('content-type') ?? '').split(';');
  if (mediaType.trim().toLowerCase() !== 'text/csv')
    throw new UnsupportedMediaTypeException(`send ${upload.what} as text/csv: ${upload.shape}`);
  const body: unknown = req.body;
  if (typeof body !== 'string' || body.length === 0) throw new BadRequestException(`${upload.what} is empty`);
  const size = Buffer.byteLength(body);
  if (size > limitBytes) {
    throw new PayloadTooLargeException({
      statusCode: 413,
      error: 'Payload Too Large',
      message: `${upload.what} is ${size} bytes; the limit is ${limitBytes} bytes`,
    });
  }
  return body;
}

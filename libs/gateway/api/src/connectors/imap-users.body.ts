import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request } from 'express';

/** Largest user list the API takes (the import contract's bound: 4 MiB, 50,000 rows). */
export const MAX_IMAP_USERS_CSV_BYTES = 4 * 1024 * 1024;
/** Room a bus message needs beside the CSV: the caller's token, ids, protobuf framing and headers. */
const BUS_HEADROOM_BYTES = 64 * 1024;

/**
 * The largest CSV this gateway can forward: 4 MiB, or less when the NATS server's `max_payload` is
 * smaller (NATS defaults to 1 MiB). A list the bus would refuse is answered 413 with the real limit,
 * not a 503 from a failed publish.
 */
export function imapUsersLimit(busMaxPayload: number | undefined): number {
  if (!busMaxPayload || busMaxPayload <= BUS_HEADROOM_BYTES) return MAX_IMAP_USERS_CSV_BYTES;
  return Math.min(MAX_IMAP_USERS_CSV_BYTES, busMaxPayload - BUS_HEADROOM_BYTES);
}

/**
 * The `text/csv` body of PUT .../imap-users, read as text by the HTTP runtime (its `textBodyTypes`).
 * @throws UnsupportedMediaTypeException (415) for another media type, PayloadTooLargeException (413)
 * above `limitBytes`, BadRequestException (400) for an empty body. Messages never quote the body.
 */
export function imapUsersCsv(req: Request, limitBytes: number): string {
  const [mediaType = ''] = (req.get('content-type') ?? '').split(';');
  if (mediaType.trim().toLowerCase() !== 'text/csv') {
    throw new UnsupportedMediaTypeException('send the user list as text/csv: a header row, then address,username,password per line');
  }
  const body: unknown = req.body;
  if (typeof body !== 'string' || body.length === 0) throw new BadRequestException('the user list is empty');
  const size = Buffer.byteLength(body);
  if (size > limitBytes) {
    throw new PayloadTooLargeException({ statusCode: 413, error: 'Payload Too Large', message: `the user list is ${size} bytes; the limit is ${limitBytes} bytes` });
  }
  return body;
}

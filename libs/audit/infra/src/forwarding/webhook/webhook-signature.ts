import { createHmac, timingSafeEqual } from 'node:crypto';

/** Unix time in seconds at which the request was signed; part of the signed text. */
export const TIMESTAMP_HEADER = 'x-ferry-timestamp';
/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. */
export const SIGNATURE_HEADER = 'x-ferry-signature';
/** Random id of the batch, the same on every attempt to deliver it: a receiver may drop repeats. */
export const BATCH_ID_HEADER = 'x-ferry-batch-id';

/** How far a receiver should let the signed time differ from its clock (5 minutes). */
export const DEFAULT_TOLERANCE_S = 300;

/** The signature header's value for `body` signed at `timestamp` (Unix seconds, as sent). */
export function signatureOf(secret: string, timestamp: string, body: Uint8Array): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `v1=${mac}`;
}

/**
 * What a receiver does: recomputes the HMAC over `<timestamp>.<raw body>`, compares it in constant time
 * with the `v1=` value, and refuses a timestamp further than `toleranceS` from its clock (a replayed
 * request). Returns false for anything malformed.
 */
export function verifySignature(
  secret: string,
  request: { readonly timestamp: string | undefined; readonly signature: string | undefined; readonly body: Uint8Array },
  options: { readonly nowMs?: number; readonly toleranceS?: number } = {},
): boolean {
  const { timestamp, signature, body } = request;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) return false;
  const ageS = Math.abs((options.nowMs ?? Date.now()) / 1000 - Number(timestamp));
  if (ageS > (options.toleranceS ?? DEFAULT_TOLERANCE_S)) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

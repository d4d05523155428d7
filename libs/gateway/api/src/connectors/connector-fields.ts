import { z } from 'zod';

// Field builders shared by the connector bodies. The gateway checks shape and size; formats that need
// the domain (GUIDs, customer ids, host names, workload names, PEM contents) are checked by the
// connectors service, whose violations come back as a 400 naming the field.

/** Largest secret accepted (a service-account JSON key or a private key PEM is a few KiB). */
export const MAX_SECRET_BYTES = 64 * 1024;
/** Largest certificate PEM accepted. */
export const MAX_PEM_BYTES = 16 * 1024;

/** A non-empty string of at most `max` characters. */
export const text = (max: number) => z.string().min(1).max(max);

/** A non-empty string of at most `maxBytes` bytes of UTF-8 (characters alone undercount). */
export const bytes = (maxBytes: number) =>
  z
    .string()
    .min(1)
    .refine((s) => Buffer.byteLength(s) <= maxBytes, `at most ${maxBytes} bytes`);

export const secretField = () => bytes(MAX_SECRET_BYTES);
export const pemField = () => bytes(MAX_PEM_BYTES);
export const nameField = () => text(400);
export const projectTagField = () => z.string().max(64);
export const workloadsField = () => z.array(text(32)).min(1).max(6);

/** An instant with its offset (`2026-06-30T00:00:00Z`): a bare date would leave the time zone to guesswork. */
export const instantField = () => z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time with an offset, e.g. 2026-06-30T00:00:00Z' });

import type { z } from 'zod';
import { readJson } from '../http/body';
import type { SandboxRequest } from '../http/sandbox-request';
import { inspectBadRequest } from './inspect-errors';

/**
 * Validates an inspection request body against `schema`; a failure is one 400 that lists each
 * offending field path with zod's message (`(body)` when the body itself is wrong).
 */
export function parseInspectBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw inspectBadRequest(r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
  return r.data;
}

/** Reads the request's JSON body (malformed or oversized: a 400) and validates it against `schema`. */
export async function readInspectBody<T>(req: SandboxRequest, schema: z.ZodType<T>): Promise<T> {
  return parseInspectBody(schema, await readJson(req.raw, inspectBadRequest));
}

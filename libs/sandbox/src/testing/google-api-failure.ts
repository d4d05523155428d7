/** What a failed googleapis call carried: the HTTP status and Google's error body. */
export interface GoogleApiFailure {
  readonly status: number;
  /** `error.errors[0].reason` (Google's legacy error detail), if any. */
  readonly reason: string | undefined;
  readonly message: string | undefined;
  readonly body: { error?: { code?: number; message?: string; status?: string; errors?: { reason?: string; domain?: string; message?: string; location?: string }[] } };
}

/**
 * Awaits a googleapis call that must fail and returns its status and error body; throws when it
 * succeeds. (gaxios puts the body under `response.data`, not on the error itself.)
 */
export async function googleFailure(call: Promise<unknown>): Promise<GoogleApiFailure> {
  let outcome: unknown;
  try {
    await call;
  } catch (e) {
    outcome = e;
  }
  if (outcome === undefined) throw new Error('expected the call to fail, it succeeded');
  const e = outcome as { status?: number; response?: { status?: number; data?: unknown } };
  const status = e.response?.status ?? e.status;
  if (typeof status !== 'number') throw new Error(`not an HTTP failure: ${outcome instanceof Error ? outcome.message : typeof outcome}`);
  const body = (typeof e.response?.data === 'object' && e.response.data !== null ? e.response.data : {}) as GoogleApiFailure['body'];
  return { status, reason: body.error?.errors?.[0]?.reason, message: body.error?.message, body };
}

/** What a googleapis (gaxios) rejection carries for a Google JSON error, as a `toMatchObject` pattern. */
export function googleRejection(status: number, reason: string, message?: string): Record<string, unknown> {
  const item: Record<string, unknown> = { reason, ...(message !== undefined ? { message } : {}) };
  return { status, response: { data: { error: { code: status, errors: [expect.objectContaining(item)] } } } };
}

/** The item's pass is not running (paused or scheduled): the queue should offer it again later. */
export class PassNotRunningError extends Error {
  constructor(readonly status: string) {
    super(`pass is ${status}`);
    this.name = 'PassNotRunningError';
  }
}

/** A Ferry-written description of an error that kept failing: its class and code, never its text (it may quote a vendor). */
export function describeFailure(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown; details?: { providerCode?: unknown; status?: unknown } };
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const code = typeof e?.code === 'string' ? ` ${e.code}` : '';
  const status = typeof e?.details?.status === 'number' ? ` (HTTP ${e.details.status})` : '';
  const vendor = typeof e?.details?.providerCode === 'string' ? ` [${e.details.providerCode}]` : '';
  return `still failing after every retry: ${name}${code}${status}${vendor}`.slice(0, 300);
}

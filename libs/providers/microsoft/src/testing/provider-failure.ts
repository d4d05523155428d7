import { ProviderError } from '@ferry/providers/core';

/** The ProviderError `attempt` rejects with (a sync call: `providerFailure(async () => fn())`); anything else fails the test. */
export async function providerFailure(attempt: Promise<unknown> | (() => unknown)): Promise<ProviderError> {
  const error = await (typeof attempt === 'function' ? Promise.resolve().then(attempt) : attempt).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

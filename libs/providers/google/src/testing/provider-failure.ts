import { ProviderError } from '@ferry/providers/core';

/** The ProviderError an attempt rejects with; fails the test if it resolves or throws anything else. */
export async function providerFailure(attempt: Promise<unknown>): Promise<ProviderError> {
  const error: unknown = await attempt.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

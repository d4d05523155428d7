import { ProviderError } from '@ferry/providers/core';

/** The ProviderError a client library wrapped (gaxios and openid-client keep it as `cause`), if any. */
export function providerErrorIn(error: unknown): ProviderError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof ProviderError) return current;
    current = current.cause;
  }
  return undefined;
}

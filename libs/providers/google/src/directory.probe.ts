import { type OutboundFetch, ProviderError } from '@ferry/providers/core';
// The Admin SDK alone: the googleapis index loads every Google API (~90 MB of memory).
import { admin as adminApi } from 'googleapis/build/src/apis/admin';
import type { GoogleEndpoints } from './google-endpoints.config';
import { googleApiOptions } from './googleapis.transport';
import { providerErrorIn } from './provider-error.cause';

/** The outcome of reading one user of the directory: ok, or Google's HTTP status. */
export type DirectoryProbe =
  { readonly ok: true } | { readonly ok: false; readonly status: number; readonly reason?: string };

/**
 * Lists one user of `customerId` through googleapis' Admin SDK Directory client (users.list, maxResults 1),
 * with a token for the admin user. Network and SSRF failures are ProviderErrors; HTTP refusals are returned.
 */
export async function probeDirectory(input: {
  readonly accessToken: string;
  readonly customerId: string;
  readonly endpoints: GoogleEndpoints;
  readonly fetch: OutboundFetch;
}): Promise<DirectoryProbe> {
  const admin = adminApi({ version: 'directory_v1', ...googleApiOptions(input) });
  try {
    await admin.users.list({ customer: input.customerId, maxResults: 1, fields: 'users(id)' });
    return { ok: true };
  } catch (error) {
    const wrapped = providerErrorIn(error);
    if (wrapped) throw wrapped;
    const response = (
      error as { response?: { status?: unknown; data?: unknown; headers?: unknown } } | undefined
    )?.response;
    if (typeof response?.status !== 'number')
      throw new ProviderError('provider-error', 'Admin SDK Directory: the call failed without an answer');
    return { ok: false, status: response.status, ...reasonOf(response.data) };
  }
}

/** Google's machine reason (`error.errors[0].reason`), e.g. `forbidden`, when it looks like a code. */
function reasonOf(data: unknown): { reason?: string } {
  const first = (data as { error?: { errors?: { reason?: unknown }[] } } | undefined)?.error?.errors?.[0]
    ?.reason;
  return typeof first === 'string' && /^[A-Za-z]{1,40}$/.test(first) ? { reason: first } : {};
}

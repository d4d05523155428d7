import type { IncomingHttpHeaders } from 'node:http';
import { type DestinationPolicy, DestinationRefusedError } from '@ferry/platform/net';
import { ProviderError } from './provider-error';

/**
 * The checks every outbound transport makes before it opens a socket: https only, and the host passed
 * by the SSRF policy (IP literals never reach the agent's pinned lookup, so they are judged here).
 */
export async function checkedHttpsUrl(input: string | URL, policy: DestinationPolicy): Promise<URL> {
  const url = new URL(String(input));
  if (url.protocol !== 'https:')
    throw new ProviderError(
      'destination-refused',
      `only https destinations are allowed (${url.protocol} refused)`,
    );
  try {
    await policy.resolveDestination(url.hostname.replace(/^\[|\]$/g, ''));
  } catch (err) {
    if (err instanceof DestinationRefusedError) throw new ProviderError('destination-refused', err.message);
    throw err;
  }
  return url;
}

/** A transport failure as a ProviderError naming the host and, at most, Node's error code. */
export function asProviderError(err: unknown, url: URL): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof DestinationRefusedError) return new ProviderError('destination-refused', err.message);
  // Node's network errors carry only codes and host names, but keep to the code: messages can hold more.
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'error';
  return new ProviderError(
    'unreachable',
    `${url.host} could not be reached (${/^[A-Z0-9_]{1,40}$/.test(code) ? code : 'error'})`,
  );
}

/** Node's response headers as a WHATWG `Headers`. */
export function headersOf(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

import type { IncomingHttpHeaders } from 'node:http';
import { type DestinationPolicy, DestinationRefusedError } from '@ferry/platform/net';
import { ProviderError } from './provider-error';

/**
 * The checks every outbound transport makes before it opens a socket: https only, and the host passed
 * by the SSRF policy (IP literals never reach the agent's pinned lookup, so they are judged here).
 */
export async function checkedHttpsUrl(input: string | URL, policy: DestinationPolicy): Promise<URL> {
  const url = httpsUrl(input);
  await checkHost(url, policy);
  return url;
}

/** How long a host that passed is not judged again (see `DestinationCheck`). */
const PASSED_FOR_MS = 30_000;
/** Hosts remembered at once; past this the memory starts over (a worker talks to a handful). */
const MAX_PASSED_HOSTS = 256;

/**
 * `checkedHttpsUrl` for a transport's every request, remembering for a while the hosts that passed.
 * Judging a host name means resolving it (a DNS lookup per request, three per migrated message), yet
 * the guarantee is not this check: the pinned agent judges every address a socket connects to, so a
 * name that turns to a refused address is refused at connect whatever was remembered. An IP literal's
 * verdict depends on the policy alone, which never changes. Refusals are never remembered.
 */
export class DestinationCheck {
  private readonly passed = new Map<string, number>();

  constructor(
    private readonly policy: DestinationPolicy,
    private readonly passedForMs = PASSED_FOR_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async url(input: string | URL): Promise<URL> {
    const url = httpsUrl(input);
    const until = this.passed.get(url.hostname);
    if (until !== undefined && until > this.now()) return url;
    await checkHost(url, this.policy);
    if (this.passed.size >= MAX_PASSED_HOSTS) this.passed.clear();
    this.passed.set(url.hostname, this.now() + this.passedForMs);
    return url;
  }
}

function httpsUrl(input: string | URL): URL {
  const url = new URL(String(input));
  if (url.protocol !== 'https:')
    throw new ProviderError(
      'destination-refused',
      `only https destinations are allowed (${url.protocol} refused)`,
    );
  return url;
}

async function checkHost(url: URL, policy: DestinationPolicy): Promise<void> {
  try {
    await policy.resolveDestination(url.hostname.replace(/^\[|\]$/g, ''));
  } catch (err) {
    if (err instanceof DestinationRefusedError) throw new ProviderError('destination-refused', err.message);
    throw err;
  }
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

/**
 * Request headers as Node's `request` takes them, names in lower case so that one set later (a
 * `content-length`) replaces any the caller gave. Cheaper than going through a `Headers`.
 */
export function nodeHeaders(
  input: Headers | Record<string, string> | [string, string][] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (input instanceof Headers) input.forEach((value, name) => (out[name] = value));
  else if (Array.isArray(input)) for (const [name, value] of input) out[name.toLowerCase()] = value;
  else if (input) for (const [name, value] of Object.entries(input)) out[name.toLowerCase()] = value;
  return out;
}

import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { DestinationPolicy, ResolveAll } from './destination-policy';
import { DestinationRefusedError } from './errors';

interface LookupOptions {
  readonly family?: number | string;
  readonly all?: boolean;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

function requestedFamily(family: number | string | undefined): 4 | 6 | undefined {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return undefined;
}

/**
 * A `lookup` for `net.connect`/`tls.connect` options (and undici's `connect.lookup`) that resolves the host,
 * checks every address with `policy` and hands the socket only checked addresses. The check and the
 * connect use the same answer, so a DNS answer that changes after an earlier check (rebinding) cannot
 * reach a refused address: the socket fails with a {@link DestinationRefusedError} instead.
 *
 * `net.connect` does not call `lookup` for IP-literal hosts: check those with `policy.resolveDestination`
 * before connecting (do that for every host, it also gives a clear error up front).
 */
export function pinnedLookup(
  policy: DestinationPolicy,
  options: { lookup?: ResolveAll } = {},
): LookupFunction {
  const lookup = (hostname: string, lookupOptions: LookupOptions, callback: LookupCallback): void => {
    const family = requestedFamily(lookupOptions.family);
    policy.resolveDestination(hostname, options).then(
      (destination) => {
        const usable = destination.addresses.filter((a) => family === undefined || a.family === family);
        const [first] = usable;
        if (!first) {
          callback(new DestinationRefusedError('unresolvable', destination.host), '');
        } else if (lookupOptions.all) {
          callback(
            null,
            usable.map((a) => ({ address: a.address, family: a.family })),
          );
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => {
        callback(error instanceof Error ? error : new DestinationRefusedError('unresolvable', hostname), '');
      },
    );
  };
  return lookup;
}

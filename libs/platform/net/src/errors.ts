/** Why an address is refused: the range it falls in, or `denied` for an operator `extraDeny` entry. */
export type AddressRefusal = 'loopback' | 'link-local' | 'private' | 'reserved' | 'multicast' | 'denied';

/** Why a destination is refused: a refused address, a malformed host name, or no usable address at all. */
export type DestinationRefusal = AddressRefusal | 'malformed-host' | 'unresolvable';

const MAX_SHOWN_HOST = 100;

/** Hosts are operator configuration, not secrets, but may be arbitrary text: show them quoted and bounded. */
function showHost(host: string): string {
  return JSON.stringify(host.length > MAX_SHOWN_HOST ? `${host.slice(0, MAX_SHOWN_HOST)}…` : host);
}

/**
 * An outbound destination was refused by the {@link DestinationPolicy}. The message names the host and the
 * reason (and the refused address, if any) so an operator can tell what to allow-list.
 */
export class DestinationRefusedError extends Error {
  constructor(
    readonly reason: DestinationRefusal,
    readonly host: string,
    /** The resolved address that was refused, when the refusal is about an address. */
    readonly address?: string,
    options?: { cause?: unknown },
  ) {
    super(DestinationRefusedError.describe(reason, host, address), options);
    this.name = new.target.name;
  }

  private static describe(reason: DestinationRefusal, host: string, address: string | undefined): string {
    const shown = showHost(host);
    switch (reason) {
      case 'malformed-host':
        return `destination ${shown} refused: not a valid host name or IP address`;
      case 'unresolvable':
        return `destination ${shown} refused: it did not resolve to any usable address`;
      case 'denied':
        return `destination ${shown} refused: ${address ?? 'its address'} is in an operator-denied range`;
      case 'loopback':
      case 'link-local':
      case 'private':
      case 'reserved':
      case 'multicast':
        return `destination ${shown} refused: ${address ?? 'its address'} is a ${reason} address (allow-list it if intended)`;
    }
  }
}

/** A {@link DestinationPolicy} option is invalid. Names the option and entry position, never the entry. */
export class DestinationPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

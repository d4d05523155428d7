import { BlockList } from 'node:net';
import type { AddressRefusal } from './errors';
import type { IpFamily } from './ip-address';

type BuiltInRefusal = Exclude<AddressRefusal, 'denied'>;

/**
 * Ranges no outbound connection may reach unless the operator allow-lists them (IANA special-purpose
 * registries). Checked in this order, so ::1 is `loopback` before ::/96 makes it `reserved`.
 */
const DENIED_RANGES: readonly (readonly [BuiltInRefusal, IpFamily, string, number])[] = [
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['loopback', 'ipv6', '::1', 128],
  ['link-local', 'ipv4', '169.254.0.0', 16], // includes 169.254.169.254, the cloud metadata service
  ['link-local', 'ipv6', 'fe80::', 10],
  ['multicast', 'ipv4', '224.0.0.0', 4],
  ['multicast', 'ipv6', 'ff00::', 8],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['private', 'ipv4', '192.168.0.0', 16],
  ['private', 'ipv4', '100.64.0.0', 10], // carrier-grade NAT shared space
  ['private', 'ipv6', 'fc00::', 7], // unique local
  ['private', 'ipv6', '64:ff9b:1::', 48], // local-use NAT64: translates into the operator's own network
  // Azure's WireServer (VM agent, DNS, DHCP and health probes): a host-local control plane like the metadata service.
  ['link-local', 'ipv4', '168.63.129.16', 32],
  ['reserved', 'ipv4', '0.0.0.0', 8],
  ['reserved', 'ipv4', '192.0.0.0', 24],
  ['reserved', 'ipv4', '198.18.0.0', 15],
  ['reserved', 'ipv4', '240.0.0.0', 4], // includes 255.255.255.255, limited broadcast
  ['reserved', 'ipv6', '::', 96], // unspecified and deprecated IPv4-compatible addresses
];

/** One BlockList per refusal reason, in checking order. */
export const BUILT_IN_DENIED: readonly (readonly [BuiltInRefusal, BlockList])[] = (() => {
  const lists = new Map<BuiltInRefusal, BlockList>();
  for (const [reason, family, network, prefix] of DENIED_RANGES) {
    const list = lists.get(reason) ?? new BlockList();
    list.addSubnet(network, prefix, family);
    lists.set(reason, list);
  }
  return [...lists.entries()];
})();

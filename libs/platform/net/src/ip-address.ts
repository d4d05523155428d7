import { isIP } from 'node:net';

/** An IP address family as `node:net` BlockList names it. */
export type IpFamily = 'ipv4' | 'ipv6';

/** A syntactically valid IP address with its family, zone id removed. */
export interface ParsedIp {
  readonly address: string;
  readonly family: IpFamily;
}

/** A syntactically valid CIDR block. */
export interface Cidr extends ParsedIp {
  readonly prefix: number;
}

/** Parses an IP address literal (an IPv6 zone id such as `%eth0` is dropped); undefined if it is not one. */
export function parseIp(text: string): ParsedIp | undefined {
  const version = isIP(text);
  if (version === 4) return { address: text, family: 'ipv4' };
  if (version === 6) {
    const zone = text.indexOf('%');
    return { address: zone === -1 ? text : text.slice(0, zone), family: 'ipv6' };
  }
  return undefined;
}

/** Parses `address/prefix`; undefined if it is not a valid CIDR block. */
export function parseCidr(text: string): Cidr | undefined {
  const parts = text.split('/');
  if (parts.length !== 2 || !/^\d{1,3}$/.test(parts[1] ?? '')) return undefined;
  const ip = parseIp(parts[0] ?? '');
  if (!ip || ip.address !== parts[0]) return undefined;
  const prefix = Number(parts[1]);
  return prefix <= (ip.family === 'ipv4' ? 32 : 128) ? { ...ip, prefix } : undefined;
}

/** The 16 bytes of a valid IPv6 address (as accepted by `isIP`, without zone id). */
export function ipv6Bytes(address: string): Uint8Array {
  let text = address;
  // A trailing dotted quad (::ffff:10.0.0.1) stands for the last two 16-bit words.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const headWords = parse(head);
  const restWords = rest === undefined ? [] : parse(rest);
  const zeros = new Array<number>(8 - headWords.length - restWords.length).fill(0);
  const words = [...headWords, ...zeros, ...restWords];
  const bytes = new Uint8Array(16);
  words.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  return bytes;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean =>
  prefix.every((b, i) => bytes[i] === b);
const IPV4_MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
const NAT64_WELL_KNOWN = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

/**
 * The IPv4 address an IPv6 address carries and reaches: IPv4-mapped (::ffff:0:0/96) and the well-known
 * NAT64 prefix (64:ff9b::/96) are judged by it, so ::ffff:10.0.0.1 is as private as 10.0.0.1.
 */
export function embeddedIpv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  if (!startsWith(bytes, IPV4_MAPPED) && !startsWith(bytes, NAT64_WELL_KNOWN)) return undefined;
  return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
}

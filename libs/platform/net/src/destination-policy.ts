import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList } from 'node:net';
import { BUILT_IN_DENIED } from './denied-ranges';
import { DestinationPolicyError, DestinationRefusedError, type AddressRefusal } from './errors';
import { normaliseHostName } from './host-name';
import { embeddedIpv4, parseCidr, parseIp, type ParsedIp } from './ip-address';

/** Operator configuration of a {@link DestinationPolicy}. */
export interface DestinationPolicyOptions {
  /**
   * Host names, IP addresses or CIDR blocks reachable even though private, e.g. the sandbox's `127.0.0.1`.
   * A listed host name allows every address it resolves to. Allow wins over every deny, `extraDeny` included.
   */
  readonly allow?: readonly string[];
  /** IP addresses or CIDR blocks refused on top of the built-in ranges, e.g. the cluster service CIDR. */
  readonly extraDeny?: readonly string[];
}

/** The verdict on one address. */
export type AddressCheck = { readonly ok: true } | { readonly ok: false; readonly reason: AddressRefusal };

/** One address as `dns.lookup` reports it. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** A host whose every address passed the policy. */
export interface ResolvedDestination {
  /** The host in canonical form (see `normaliseHostName`). */
  readonly host: string;
  /** Every address the host resolved to, all checked; never empty. */
  readonly addresses: readonly ResolvedAddress[];
}

/** Resolves a host name to all its A and AAAA addresses; `dns.lookup` with `all: true` by default. */
export type ResolveAll = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

const systemResolveAll: ResolveAll = (hostname) => dnsLookup(hostname, { all: true });

const ALLOWED: AddressCheck = Object.freeze({ ok: true });

/**
 * Decides which outbound destinations Ferry may connect to (SSRF guard): loopback, link-local (incl. the
 * 169.254.169.254 metadata service), private, reserved and multicast ranges and the operator's `extraDeny`
 * blocks are refused unless `allow` names them. IPv4-mapped and NAT64 IPv6 addresses are judged by the
 * IPv4 address they carry. Connect with `pinnedLookup(policy)` so the socket uses only checked addresses.
 */
export class DestinationPolicy {
  private readonly allowedAddresses = new BlockList();
  private readonly allowedHosts = new Set<string>();
  private readonly extraDenied = new BlockList();

  /** @throws DestinationPolicyError naming the option and position of the first invalid entry. */
  constructor(options: DestinationPolicyOptions = {}) {
    for (const [index, entry] of entriesOf(options.allow, 'allow')) {
      const block = typeof entry === 'string' ? parseBlock(entry) : undefined;
      const host = block || typeof entry !== 'string' ? undefined : normaliseHostName(entry);
      if (block) this.allowedAddresses.addSubnet(block.address, block.prefix, block.family);
      else if (host) this.allowedHosts.add(host);
      else throw new DestinationPolicyError(`allow[${index}] is not a host name, IP address or CIDR block`);
    }
    for (const [index, entry] of entriesOf(options.extraDeny, 'extraDeny')) {
      const block = typeof entry === 'string' ? parseBlock(entry) : undefined;
      if (!block) throw new DestinationPolicyError(`extraDeny[${index}] is not an IP address or CIDR block`);
      this.extraDenied.addSubnet(block.address, block.prefix, block.family);
    }
  }

  /** Whether `host` (any spelling `normaliseHostName` accepts) is allow-listed by name. */
  isAllowedHost(host: string): boolean {
    const name = normaliseHostName(host);
    return name !== undefined && this.allowedHosts.has(name);
  }

  /** Judges one IP address. Anything that is not an IP address is refused as `reserved`. */
  checkAddress(ip: string): AddressCheck {
    const parsed = parseIp(ip);
    if (!parsed) return { ok: false, reason: 'reserved' };
    const embedded = parsed.family === 'ipv6' ? embeddedIpv4(parsed.address) : undefined;
    const forms: ParsedIp[] = embedded ? [parsed, { address: embedded, family: 'ipv4' }] : [parsed];
    if (forms.some((f) => this.allowedAddresses.check(f.address, f.family))) return ALLOWED;
    // A mapped or NAT64 address reaches its IPv4 address, so that is what the ranges judge.
    const judged = forms[forms.length - 1] ?? parsed;
    for (const [reason, list] of BUILT_IN_DENIED) {
      if (list.check(judged.address, judged.family)) return { ok: false, reason };
    }
    if (forms.some((f) => this.extraDenied.check(f.address, f.family)))
      return { ok: false, reason: 'denied' };
    return ALLOWED;
  }

  /**
   * Validates `host`, resolves all its addresses (an IP literal is taken as is) and checks each one: one
   * refused address refuses the host, so a name answering a public and a private address is refused.
   * @throws DestinationRefusedError (`malformed-host`, `unresolvable`, or the refused address's reason).
   */
  async resolveDestination(
    host: string,
    options: { lookup?: ResolveAll } = {},
  ): Promise<ResolvedDestination> {
    const name = normaliseHostName(host);
    if (name === undefined) throw new DestinationRefusedError('malformed-host', host);
    const literal = parseIp(name);
    const answers = literal
      ? [{ address: literal.address, family: literal.family === 'ipv4' ? 4 : 6 }]
      : await (options.lookup ?? systemResolveAll)(name).catch((cause: unknown) => {
          throw new DestinationRefusedError('unresolvable', name, undefined, { cause });
        });
    if (answers.length === 0) throw new DestinationRefusedError('unresolvable', name);
    const hostAllowed = this.allowedHosts.has(name);
    const addresses: ResolvedAddress[] = [];
    for (const answer of answers) {
      const ip = parseIp(answer.address);
      // Even an allow-listed name must resolve to real addresses: a socket gets nothing else.
      const verdict: AddressCheck = !ip
        ? { ok: false, reason: 'reserved' }
        : hostAllowed
          ? ALLOWED
          : this.checkAddress(ip.address);
      if (!verdict.ok) throw new DestinationRefusedError(verdict.reason, name, answer.address);
      addresses.push({ address: answer.address, family: ip?.family === 'ipv4' ? 4 : 6 });
    }
    return { host: name, addresses };
  }
}

function parseBlock(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const ip = parseIp(entry);
  if (ip && ip.address === entry) return { ...ip, prefix: ip.family === 'ipv4' ? 32 : 128 };
  return parseCidr(entry);
}

function entriesOf(list: readonly unknown[] | undefined, option: string): [number, unknown][] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new DestinationPolicyError(`${option} must be an array`);
  return list.map((entry, index) => [index, entry]);
}

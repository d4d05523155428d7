import { parseIp } from './ip-address';

const MAX_NAME_LENGTH = 253;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The canonical form of a destination host: an IP literal (an IPv6 literal may be bracketed, as in a URL;
 * zone ids are refused), or an ASCII DNS name lower-cased with one trailing dot removed, so `Host.` and
 * `host` match the same allow-list entry. Returns undefined when malformed: empty labels, characters
 * outside letters, digits and hyphens (IDNs must arrive in their `xn--` form, as `URL` gives them), labels
 * over 63 or names over 253 characters, or an all-numeric last label: resolvers read `127.1` or
 * `2130706433` as IPv4 addresses, a classic way past a naive check.
 */
export function normaliseHostName(host: string): string | undefined {
  if (typeof host !== 'string' || host.length === 0 || host.length > MAX_NAME_LENGTH + 1) return undefined;
  const unbracketed = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const ip = parseIp(unbracketed);
  if (ip) {
    const bracketsFit = unbracketed === host ? true : ip.family === 'ipv6';
    return ip.address === unbracketed && bracketsFit ? ip.address.toLowerCase() : undefined;
  }
  if (unbracketed !== host) return undefined;
  const name = (host.endsWith('.') ? host.slice(0, -1) : host).toLowerCase();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return undefined;
  const labels = name.split('.');
  if (!labels.every((label) => LABEL.test(label))) return undefined;
  return /^[0-9]+$/.test(labels[labels.length - 1] ?? '') ||
    /^0x[0-9a-f]*$/.test(labels[labels.length - 1] ?? '')
    ? undefined
    : name;
}

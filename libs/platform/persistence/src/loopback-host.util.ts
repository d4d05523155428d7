import { isIPv4, isIPv6 } from 'node:net';

/**
 * True for hosts whose traffic never leaves the machine: 127.0.0.0/8, ::1 and `localhost`.
 * Names other than `localhost` are not trusted, since DNS could point them anywhere.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

import type { ConnectionOptions } from 'node:tls';

/**
 * The TLS settings every outbound connection uses (spread them into `tls.connect` / undici `connect`
 * options): TLS 1.2 or later, and the server certificate verified against the trusted CAs. There is
 * deliberately no switch to turn verification off; test CAs are trusted through `NODE_EXTRA_CA_CERTS`.
 */
export const TLS_CLIENT_DEFAULTS: Readonly<Pick<ConnectionOptions, 'minVersion' | 'rejectUnauthorized'>> & {
  readonly minVersion: 'TLSv1.2';
  readonly rejectUnauthorized: true;
} = Object.freeze({ minVersion: 'TLSv1.2', rejectUnauthorized: true } as const);

import { isIP } from 'node:net';
import type { ImapFlowOptions } from 'imapflow';
import { TLS_CLIENT_DEFAULTS, trustedCaList } from '@ferry/platform/net';
import type { ImapEndpoint } from './imap-endpoint';
import type { ImapLogin } from './imap-login';

/**
 * Bounds on what a server may send, so a broken or hostile server cannot exhaust a worker's memory.
 * A literal is one message body (the large-message limits of Microsoft 365 and Gmail are 150 MB and 25 MB);
 * a line is e.g. one UID SEARCH answer (a million UIDs is about 8 MB).
 */
export const IMAP_LIMITS = Object.freeze({
  maxLiteralBytes: 200 * 1024 * 1024,
  maxLineBytes: 64 * 1024 * 1024,
  maxResponseBytes: 256 * 1024 * 1024,
  /** A session silent this long is dead; commands on big mailboxes answer well within it. */
  socketTimeoutMs: 5 * 60_000,
});

/**
 * The imapflow options for one connection attempt to `address`, an IP the SSRF policy checked: TLS 1.2+
 * with the certificate verified against the endpoint's host name (or IP), STARTTLS required in `starttls`
 * mode, imapflow's logger off (it can print protocol lines), every wait bounded by `timeoutMs`.
 */
export function imapClientOptions(
  endpoint: ImapEndpoint,
  address: string,
  login: ImapLogin,
  timeoutMs: number,
): ImapFlowOptions {
  const implicitTls = endpoint.security === 'implicit-tls';
  const hostIsName = isIP(endpoint.host) === 0;
  return {
    host: address,
    port: endpoint.port,
    secure: implicitTls,
    // imapflow falls back to cleartext when STARTTLS is missing unless told it is required.
    doSTARTTLS: implicitTls ? undefined : true,
    // The socket goes to the checked address; the certificate must still name the configured host.
    ...(hostIsName ? { servername: endpoint.host } : {}),
    tls: {
      ...(endpoint.ca === undefined ? {} : { ca: trustedCaList([endpoint.ca]) }),
      ...TLS_CLIENT_DEFAULTS,
    },
    auth: { user: login.username, pass: login.password },
    logger: false,
    emitLogs: false,
    logRaw: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: IMAP_LIMITS.socketTimeoutMs,
    maxLiteralSize: IMAP_LIMITS.maxLiteralBytes,
    maxLineLength: IMAP_LIMITS.maxLineBytes,
    maxResponseSize: IMAP_LIMITS.maxResponseBytes,
  };
}

import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'nats';
import type { MessagingOptions } from './messaging.options';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;

/** Host and port of a server URL, for log lines (never credentials). */
export function describeServer(url: string): string {
  try {
    const u = new URL(url.includes('://') ? url : `nats://${url}`);
    return `${u.hostname}:${u.port || '4222'}`;
  } catch {
    return '(unparseable server URL)';
  }
}

/**
 * Builds nats.js connection options. Plaintext is allowed only to loopback servers; every other server
 * must be reached over TLS 1.2+ with certificate verification (DESIGN invariant 6).
 */
export function connectionOptions(options: MessagingOptions): ConnectionOptions {
  if (options.servers.length === 0) throw new Error('no NATS server configured');
  const hasTlsMaterial = Boolean(options.tls?.caFile || options.tls?.certFile);
  for (const server of options.servers) {
    let url: URL;
    try {
      url = new URL(server.includes('://') ? server : `nats://${server}`);
    } catch {
      throw new Error(`invalid NATS server URL ${describeServer(server)}`);
    }
    if (!['nats:', 'tls:'].includes(url.protocol)) {
      throw new Error(`unsupported NATS URL scheme ${url.protocol} (use nats:// or tls://)`);
    }
    const plaintext = url.protocol === 'nats:' && !hasTlsMaterial;
    if (plaintext && !LOOPBACK.test(url.hostname)) {
      throw new Error(
        `refusing plaintext NATS to ${describeServer(server)}: use tls:// or set NATS_TLS_CA (plaintext is allowed only on loopback)`,
      );
    }
  }
  const wantsTls = hasTlsMaterial || options.servers.some((s) => s.startsWith('tls://'));
  const tls = wantsTls
    ? {
        minVersion: 'TLSv1.2' as const,
        rejectUnauthorized: true,
        ...(options.tls?.caFile ? { ca: readFileSync(options.tls.caFile, 'utf8') } : {}),
        ...(options.tls?.certFile ? { cert: readFileSync(options.tls.certFile, 'utf8') } : {}),
        ...(options.tls?.keyFile ? { key: readFileSync(options.tls.keyFile, 'utf8') } : {}),
      }
    : undefined;
  return {
    servers: [...options.servers],
    name: options.service,
    // After the first connection nats.js reconnects for ever; JetStream keeps what was published meanwhile.
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    reconnectJitter: 500,
    pingInterval: 10_000,
    maxPingOut: 3,
    timeout: 5000,
    ...(tls ? { tls } : {}),
  };
}

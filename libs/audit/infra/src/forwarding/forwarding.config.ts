// The forwarder's settings. Imports only zod, node:fs/os and the config builders, so a service's
// config.ts can load it before telemetry starts without pulling in Nest, NATS or HTTP.
import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { inspect } from 'node:util';
import { ConfigError, type ConfigIssue, defaultedVar, enumValue, integerValue, optionalVar, patternValue, readableFileValue } from '@ferry/platform/config';
import type { z } from 'zod';

/** Syslog facility names (RFC 5424 table 1) and their codes. */
export const SYSLOG_FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  ntp: 12, audit: 13, alert: 14, clock: 15, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;
type FacilityName = keyof typeof SYSLOG_FACILITIES;
const FACILITY_NAMES = Object.keys(SYSLOG_FACILITIES) as [FacilityName, ...FacilityName[]];

const list = (what: string) => patternValue(/^[A-Za-z0-9.:/,_ -]{1,4000}$/, `a comma-separated list of ${what}`);
// Printable US-ASCII without space (RFC 5424 HOSTNAME / APP-NAME); lengths are the RFC's.
const printable = (max: number, what: string) => patternValue(new RegExp(`^[!-~]{1,${max}}$`), `${what}: 1-${max} printable ASCII characters, no spaces`);

/**
 * The environment variables of the SIEM forwarder, to spread into a service's schema:
 * `withDatabase(baseServiceSchema).extend({ ...auditForwardingConfigShape })`. Which ones must be set
 * together is checked by {@link auditForwardingSettings}.
 */
export const auditForwardingConfigShape = {
  FERRY_AUDIT_FORWARD_WEBHOOK_URL: optionalVar(patternValue(/^https:\/\/[^\s/?#@]{1,253}(\/[^\s#]{0,1000})?$/, 'an https:// URL without user info or fragment, e.g. https://splunk.example.com:8088/services/collector/event')),
  FERRY_AUDIT_FORWARD_WEBHOOK_SECRET_FILE: optionalVar(readableFileValue()),
  FERRY_AUDIT_FORWARD_WEBHOOK_TOKEN_FILE: optionalVar(readableFileValue()),
  FERRY_AUDIT_FORWARD_WEBHOOK_CA_FILE: optionalVar(readableFileValue()),
  FERRY_AUDIT_FORWARD_WEBHOOK_TIMEOUT_MS: defaultedVar(integerValue({ min: 1000, max: 120_000, unit: 'milliseconds' }), 15_000),
  FERRY_AUDIT_FORWARD_SYSLOG_HOST: optionalVar(patternValue(/^[A-Za-z0-9.:[\]-]{1,253}$/, 'a host name or IP address')),
  FERRY_AUDIT_FORWARD_SYSLOG_PORT: defaultedVar(integerValue({ min: 1, max: 65535 }), 6514),
  FERRY_AUDIT_FORWARD_SYSLOG_CA_FILE: optionalVar(readableFileValue()),
  FERRY_AUDIT_FORWARD_SYSLOG_FACILITY: defaultedVar(enumValue(FACILITY_NAMES), 'authpriv'),
  FERRY_AUDIT_FORWARD_SYSLOG_APP_NAME: defaultedVar(printable(48, 'APP-NAME'), 'ferry-audit'),
  FERRY_AUDIT_FORWARD_SYSLOG_SD_ID: defaultedVar(patternValue(/^(?=[!-~]{1,32}$)[!#-<>?A-\\^-~]+@\d+(\.\d+)*$/, 'name@<private enterprise number>, at most 32 characters, e.g. ferry@32473'), 'ferry@32473'),
  FERRY_AUDIT_FORWARD_SYSLOG_MAX_MESSAGE_BYTES: defaultedVar(integerValue({ min: 2048, max: 65_536, unit: 'bytes' }), 8192),
  FERRY_AUDIT_FORWARD_HOSTNAME: optionalVar(printable(255, 'HOSTNAME')),
  FERRY_AUDIT_FORWARD_BATCH_EVENTS: defaultedVar(integerValue({ min: 1, max: 1000 }), 100),
  FERRY_AUDIT_FORWARD_BATCH_BYTES: defaultedVar(integerValue({ min: 16_384, max: 4_194_304, unit: 'bytes' }), 262_144),
  FERRY_AUDIT_FORWARD_FLUSH_MS: defaultedVar(integerValue({ min: 10, max: 60_000, unit: 'milliseconds' }), 1000),
  /** How long a dead forwarder's unacked events wait before a restarted one forwards them; events held while a destination is retried are kept in progress meanwhile. */
  FERRY_AUDIT_FORWARD_ACK_WAIT_MS: defaultedVar(integerValue({ min: 1000, max: 300_000, unit: 'milliseconds' }), 10_000),
  FERRY_OUTBOUND_ALLOW: optionalVar(list('host names, IP addresses or CIDR blocks')),
  FERRY_OUTBOUND_DENY: optionalVar(list('IP addresses or CIDR blocks (e.g. the cluster service CIDR)')),
};

/** The validated variables of {@link auditForwardingConfigShape}. */
export type AuditForwardingConfig = Readonly<z.output<z.ZodObject<typeof auditForwardingConfigShape>>>;

/** A secret read from a file: `reveal()` gives it; every other way of printing it says `[redacted]`. */
export class SecretText {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

export interface BatchLimits {
  /** Events in one batch at most. */
  readonly maxEvents: number;
  /** Bytes of one batch at most (a webhook body, or one write of syslog frames). */
  readonly maxBytes: number;
  /** A batch that is not full is sent this long after its first event arrived. */
  readonly flushMs: number;
}

export interface WebhookSettings {
  readonly url: URL;
  /** HMAC-SHA256 key of the signature header. */
  readonly secret: SecretText;
  /** Sent as `Authorization: Splunk <token>` when set. */
  readonly token?: SecretText;
  /** Extra trusted CA certificates (PEM) for a private CA. */
  readonly caPem?: string;
  readonly timeoutMs: number;
}

export interface SyslogSettings {
  readonly host: string;
  readonly port: number;
  readonly caPem?: string;
  readonly facility: number;
  readonly appName: string;
  readonly sdId: string;
  readonly maxMessageBytes: number;
}

/** Everything the forwarder needs, validated and with secrets read. No destination means it stays off. */
export interface AuditForwardingSettings {
  readonly batch: BatchLimits;
  /** How long JetStream waits for an event's ack before offering it again (a dead forwarder's events come back after it). */
  readonly ackWaitMs: number;
  /** SSRF policy of the forwarder's connections: loopback and private ranges need `allow`. */
  readonly outbound: { readonly allow: readonly string[]; readonly deny: readonly string[] };
  /** HEC `host` and syslog HOSTNAME. */
  readonly hostname: string;
  readonly webhook?: WebhookSettings;
  readonly syslog?: SyslogSettings;
}

/** Shortest accepted HMAC key: as long as the SHA-256 output. */
export const MIN_SECRET_BYTES = 32;

/**
 * Turns validated variables into settings: checks which must be set together, reads the secret, token
 * and CA files, and throws one {@link ConfigError} naming every problem (never a value).
 */
export function auditForwardingSettings(config: AuditForwardingConfig): AuditForwardingSettings {
  const issues: ConfigIssue[] = [];
  const problem = (variable: string, reason: string) => void issues.push({ variable, reason });
  const read = (variable: keyof AuditForwardingConfig, path: string | undefined): string | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      problem(variable, 'must be the path of a readable file');
      return undefined;
    }
  };
  const pem = (variable: keyof AuditForwardingConfig, path: string | undefined): string | undefined => {
    const text = read(variable, path);
    if (text !== undefined && !/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(text)) problem(variable, 'must hold PEM certificates');
    return text;
  };
  const onlyWith = (owner: keyof AuditForwardingConfig, dependants: (keyof AuditForwardingConfig)[]) => {
    if (config[owner] !== undefined) return;
    for (const d of dependants) if (config[d] !== undefined) problem(d, `is only used with ${owner}, which is not set`);
  };
  onlyWith('FERRY_AUDIT_FORWARD_WEBHOOK_URL', ['FERRY_AUDIT_FORWARD_WEBHOOK_SECRET_FILE', 'FERRY_AUDIT_FORWARD_WEBHOOK_TOKEN_FILE', 'FERRY_AUDIT_FORWARD_WEBHOOK_CA_FILE']);
  onlyWith('FERRY_AUDIT_FORWARD_SYSLOG_HOST', ['FERRY_AUDIT_FORWARD_SYSLOG_CA_FILE']);

  let webhook: WebhookSettings | undefined;
  if (config.FERRY_AUDIT_FORWARD_WEBHOOK_URL !== undefined) {
    if (config.FERRY_AUDIT_FORWARD_WEBHOOK_SECRET_FILE === undefined) {
      problem('FERRY_AUDIT_FORWARD_WEBHOOK_SECRET_FILE', 'required when FERRY_AUDIT_FORWARD_WEBHOOK_URL is set');
    }
    const secret = read('FERRY_AUDIT_FORWARD_WEBHOOK_SECRET_FILE', config.FERRY_AUDIT_FORWARD_WEBHOOK_SECRET_FILE)?.trim();
    if (secret !== undefined && Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
      problem('FERRY_AUDIT_FORWARD_WEBHOOK_SECRET_FILE', `must hold at least ${MIN_SECRET_BYTES} bytes (e.g. openssl rand -base64 48)`);
    }
    const token = read('FERRY_AUDIT_FORWARD_WEBHOOK_TOKEN_FILE', config.FERRY_AUDIT_FORWARD_WEBHOOK_TOKEN_FILE)?.trim();
    // The token becomes a header value: one token of visible characters, nothing that could split it.
    if (token !== undefined && !/^[!-~]{1,512}$/.test(token)) problem('FERRY_AUDIT_FORWARD_WEBHOOK_TOKEN_FILE', 'must hold one token of 1-512 printable ASCII characters without spaces');
    const caPem = pem('FERRY_AUDIT_FORWARD_WEBHOOK_CA_FILE', config.FERRY_AUDIT_FORWARD_WEBHOOK_CA_FILE);
    if (secret !== undefined) {
      webhook = {
        url: new URL(config.FERRY_AUDIT_FORWARD_WEBHOOK_URL),
        secret: new SecretText(secret),
        ...(token !== undefined && { token: new SecretText(token) }),
        ...(caPem !== undefined && { caPem }),
        timeoutMs: config.FERRY_AUDIT_FORWARD_WEBHOOK_TIMEOUT_MS,
      };
    }
  }

  let syslog: SyslogSettings | undefined;
  if (config.FERRY_AUDIT_FORWARD_SYSLOG_HOST !== undefined) {
    const caPem = pem('FERRY_AUDIT_FORWARD_SYSLOG_CA_FILE', config.FERRY_AUDIT_FORWARD_SYSLOG_CA_FILE);
    syslog = {
      host: config.FERRY_AUDIT_FORWARD_SYSLOG_HOST.replace(/^\[|\]$/g, ''),
      port: config.FERRY_AUDIT_FORWARD_SYSLOG_PORT,
      ...(caPem !== undefined && { caPem }),
      facility: SYSLOG_FACILITIES[config.FERRY_AUDIT_FORWARD_SYSLOG_FACILITY],
      appName: config.FERRY_AUDIT_FORWARD_SYSLOG_APP_NAME,
      sdId: config.FERRY_AUDIT_FORWARD_SYSLOG_SD_ID,
      maxMessageBytes: config.FERRY_AUDIT_FORWARD_SYSLOG_MAX_MESSAGE_BYTES,
    };
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const commaList = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    batch: {
      maxEvents: config.FERRY_AUDIT_FORWARD_BATCH_EVENTS,
      maxBytes: config.FERRY_AUDIT_FORWARD_BATCH_BYTES,
      flushMs: config.FERRY_AUDIT_FORWARD_FLUSH_MS,
    },
    ackWaitMs: config.FERRY_AUDIT_FORWARD_ACK_WAIT_MS,
    outbound: { allow: commaList(config.FERRY_OUTBOUND_ALLOW), deny: commaList(config.FERRY_OUTBOUND_DENY) },
    hostname: config.FERRY_AUDIT_FORWARD_HOSTNAME ?? (osHostname().replace(/[^!-~]/g, '').slice(0, 255) || 'ferry'),
    ...(webhook && { webhook }),
    ...(syslog && { syslog }),
  };
}

/** The logging surface messaging needs; Nest's LoggerService satisfies it. */
export interface MessagingLogger {
  log(message: string, context?: string): void;
  warn(message: string, context?: string): void;
  error(message: string, context?: string): void;
}

/** TLS material for NATS connections (file paths), required for any non-loopback server. */
export interface MessagingTlsOptions {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

/** How a service reaches NATS and names what it declares there. */
export interface MessagingOptions {
  /** NATS server URLs (`nats://` or `tls://`). */
  readonly servers: readonly string[];
  /** The service's name: the connection name and the default queue group. */
  readonly service: string;
  /** Region token used in tenant subjects, e.g. `weu`. */
  readonly region: string;
  /**
   * Installation prefix for every subject and stream (empty for none). Keeps test runs and several
   * installations on one NATS cluster apart.
   */
  readonly prefix?: string;
  readonly tls?: MessagingTlsOptions;
  /** Default request/reply timeout in milliseconds. */
  readonly requestTimeoutMs?: number;
  /** Upper bound on the wait between connection attempts before the first connect, in milliseconds. */
  readonly maxConnectBackoffMs?: number;
  /** Upper bound on draining at shutdown, in milliseconds. */
  readonly drainTimeoutMs?: number;
  readonly logger?: MessagingLogger;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

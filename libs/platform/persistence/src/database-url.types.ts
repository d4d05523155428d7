/** SQL dialects Ferry runs on: PostgreSQL (tested) and Azure SQL / SQL Server through `mssql`. */
export type DatabaseDialect = 'postgres' | 'mssql';

/**
 * How a connection is protected.
 * - `verify-full`: TLS 1.2+, server certificate chain and host name verified (the default off loopback).
 * - `require`: TLS 1.2+, certificate not verified (encrypts, but does not stop an active interceptor).
 * - `disable`: plaintext; accepted only for loopback hosts and unix sockets.
 */
export type DatabaseTlsMode = 'disable' | 'require' | 'verify-full';

/** TLS settings parsed from a database URL. */
export interface DatabaseTlsSettings {
  /** The protection mode. */
  readonly mode: DatabaseTlsMode;
  /** Lowest protocol version offered when TLS is on. */
  readonly minVersion: 'TLSv1.2';
  /** PEM file with the CA(s) that sign the server certificate; system CAs when absent. */
  readonly caFile: string | undefined;
}

/**
 * Typed connection settings parsed from a database URL. `password` is non-enumerable, so logging
 * or serialising the object never prints it.
 */
export interface DatabaseConnectionSettings {
  /** Which driver to use. */
  readonly dialect: DatabaseDialect;
  /** Host name or IP address (IPv6 without brackets), or the directory of a unix socket. */
  readonly host: string;
  /** True when `host` is a unix socket directory. */
  readonly socket: boolean;
  /** TCP port (also names the socket file for PostgreSQL unix sockets). */
  readonly port: number;
  /** Database name. */
  readonly database: string;
  /** User name, when the URL carries one. */
  readonly username: string | undefined;
  /** Password, when the URL carries one (non-enumerable). */
  readonly password: string | undefined;
  /** Transport security. */
  readonly tls: DatabaseTlsSettings;
}

/** Settings that come from configuration beside the URL rather than inside it. */
export interface DatabaseUrlParseOptions {
  /** CA bundle path; overrides the URL's `sslrootcert` parameter. */
  readonly caFile?: string;
}

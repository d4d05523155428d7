import type {
  DatabaseConnectionSettings,
  DatabaseDialect,
  DatabaseTlsMode,
  DatabaseUrlParseOptions,
} from './database-url.types';
import { isLoopbackHost } from './loopback-host.util';
import { DatabaseConfigError, redactSecret } from './persistence.errors';

const SCHEMES: Readonly<Record<string, DatabaseDialect>> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mssql:': 'mssql',
  'sqlserver:': 'mssql',
};
const DEFAULT_PORT: Readonly<Record<DatabaseDialect, number>> = { postgres: 5432, mssql: 1433 };
const TLS_MODES: readonly DatabaseTlsMode[] = ['disable', 'require', 'verify-full'];
const QUERY_PARAMETERS = ['tls', 'sslmode', 'sslrootcert', 'host'] as const;

function fail(reason: string): never {
  throw new DatabaseConfigError(`Invalid database URL: ${reason}`);
}

/**
 * Parses a `postgres://`, `postgresql://`, `mssql://` or `sqlserver://` URL into typed settings.
 * Query parameters: `tls` (or libpq's `sslmode`) = `disable` | `require` | `verify-full`;
 * `sslrootcert` = CA file path; `host` = unix socket directory (PostgreSQL only, as in
 * `postgres:///ferry?host=/var/run/postgresql`, or percent-encoded in the host part).
 * TLS defaults to `verify-full`, except on loopback hosts and unix sockets where it defaults to
 * `disable`; `disable` is refused for any other host. Errors never include the password.
 */
export function parseDatabaseUrl(
  url: string,
  options: DatabaseUrlParseOptions = {},
): DatabaseConnectionSettings {
  let password: string | undefined;
  try {
    return parse(url, options, (p) => (password = p));
  } catch (err) {
    // Belt and braces: a malformed URL can shift the password into another component.
    if (err instanceof DatabaseConfigError)
      throw new DatabaseConfigError(redactSecret(err.message, password));
    throw err;
  }
}

function parse(
  url: string,
  options: DatabaseUrlParseOptions,
  notePassword: (password: string) => void,
): DatabaseConnectionSettings {
  if (typeof url !== 'string' || url.trim() === '') fail('the URL is empty');
  const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(url)?.[1]?.toLowerCase();
  if (!scheme) fail('expected <scheme>://..., e.g. postgres://user:password@host:5432/database');
  const dialect =
    SCHEMES[scheme] ??
    fail(`unsupported scheme "${scheme}" (use postgres://, postgresql://, mssql:// or sqlserver://)`);

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Never echo the input: it holds the password. Point at the usual culprit instead.
    const port = /^[^:]+:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?/.exec(url)?.[1];
    if (port !== undefined && !validPort(port)) fail('the port must be an integer between 1 and 65535');
    return fail(
      'the URL is malformed (percent-encode reserved characters such as @ : / ? # in the user name and password)',
    );
  }

  const username = decode(parsed.username, 'user name');
  const password = decode(parsed.password, 'password');
  if (password) notePassword(password);

  const params = readParams(parsed.searchParams);
  const { host, socket } = resolveHost(parsed.hostname, params.host, dialect);
  if (parsed.port !== '' && !validPort(parsed.port)) fail('the port must be an integer between 1 and 65535');
  const port = parsed.port === '' ? DEFAULT_PORT[dialect] : Number(parsed.port);

  const database = decode(parsed.pathname.replace(/^\//, ''), 'database name');
  if (!database) fail('missing database name (the path, e.g. /ferry)');
  if (database.includes('/')) fail('the database name must not contain "/"');

  const local = socket || isLoopbackHost(host);
  const mode = tlsMode(params.tls, params.sslmode) ?? (local ? 'disable' : 'verify-full');
  if (mode === 'disable' && !local) {
    fail(
      `tls=disable (plaintext) is allowed only for loopback hosts and unix sockets, not "${host}"; use tls=verify-full`,
    );
  }
  const caFile = options.caFile ?? params.sslrootcert;
  if (caFile !== undefined && caFile.trim() === '') fail('the CA file path is empty');
  if (caFile !== undefined && mode === 'disable') fail('a CA file was given but TLS is disabled');

  const settings = {
    dialect,
    host,
    socket,
    port,
    database,
    username: username || undefined,
    tls: { mode, minVersion: 'TLSv1.2' as const, caFile },
  };
  // Non-enumerable, so JSON.stringify / util.inspect of the settings never print it.
  Object.defineProperty(settings, 'password', { value: password || undefined, enumerable: false });
  return settings as DatabaseConnectionSettings;
}

function validPort(text: string): boolean {
  if (!/^\d{1,5}$/.test(text)) return false;
  const n = Number(text);
  return n >= 1 && n <= 65535;
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(`the ${what} is not valid percent-encoding`);
  }
}

type Params = Partial<Record<(typeof QUERY_PARAMETERS)[number], string>>;

function readParams(search: URLSearchParams): Params {
  const params: Params = {};
  for (const [key, value] of search) {
    if (!(QUERY_PARAMETERS as readonly string[]).includes(key)) {
      fail(`unknown query parameter "${key}" (supported: ${QUERY_PARAMETERS.join(', ')})`);
    }
    const name = key as (typeof QUERY_PARAMETERS)[number];
    if (params[name] !== undefined) fail(`query parameter "${key}" is given twice`);
    params[name] = value;
  }
  return params;
}

function resolveHost(
  hostname: string,
  hostParam: string | undefined,
  dialect: DatabaseDialect,
): { host: string; socket: boolean } {
  // libpq spells a unix socket either as ?host=/dir or as a percent-encoded path in the host part.
  const encodedSocket = /^%2f/i.test(hostname) ? decode(hostname, 'host') : undefined;
  const socketDir = hostParam ?? encodedSocket;
  if (socketDir !== undefined) {
    if (dialect !== 'postgres') fail('unix sockets are supported for PostgreSQL only');
    if (!socketDir.startsWith('/')) fail('the host parameter must be an absolute unix socket directory');
    if (hostParam !== undefined && hostname !== '')
      fail('give either a host name or ?host=<socket dir>, not both');
    return { host: socketDir, socket: true };
  }
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) fail('missing host');
  return { host, socket: false };
}

function tlsMode(tls: string | undefined, sslmode: string | undefined): DatabaseTlsMode | undefined {
  if (tls !== undefined && sslmode !== undefined && tls !== sslmode)
    fail('tls and sslmode disagree; give one');
  const value = tls ?? sslmode;
  if (value === undefined) return undefined;
  if ((TLS_MODES as readonly string[]).includes(value)) return value as DatabaseTlsMode;
  if (['allow', 'prefer'].includes(value)) {
    fail(`TLS mode "${value}" can fall back to plaintext; use require or verify-full`);
  }
  if (value === 'verify-ca')
    fail('TLS mode "verify-ca" is not supported; use verify-full (also checks the host name)');
  return fail(`unknown TLS mode "${value}" (expected one of ${TLS_MODES.join(', ')})`);
}

/** `host:port/database` for log lines and probe details: never user names or passwords. */
export function describeDatabaseTarget(
  settings: Pick<DatabaseConnectionSettings, 'host' | 'port' | 'database'>,
): string {
  return `${settings.host}:${settings.port}/${settings.database}`;
}

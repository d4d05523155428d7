import type { ImapFlow } from 'imapflow';
import type { DestinationPolicy, ResolveAll } from '@ferry/platform/net';
import { type ConnectionReport, ProviderError, reportOf } from '@ferry/providers/core';
import { DeadlineExceeded, withDeadline } from './deadline';
import { type ImapEndpoint, validateImapEndpoint } from './imap-endpoint';
import { toImapProviderError } from './imap-errors';
import { capabilityFindings, connectFailed, connectOk, loginFailed, loginOk } from './imap-findings';
import { type ImapLogin, validateImapLogin } from './imap-login';
import { attemptImapSession, type ImapSessionOptions } from './imap-session';

/** One login to try, under a label the caller chose (a pseudonym such as `sample-3`, never an address). */
export interface LabelledImapLogin {
  readonly label: string;
  readonly login: ImapLogin;
}

/** What {@link checkImapConnection} tests. */
export interface ImapConnectionCheck {
  readonly endpoint: ImapEndpoint;
  readonly logins: readonly LabelledImapLogin[];
  readonly policy: DestinationPolicy;
  /** Logins tried at once after the first (default 4, at most 16): servers throttle parallel logins. */
  readonly concurrency?: number;
  /** Per login: connect and log in, then list folders, each within this (default 20 s). */
  readonly timeoutMs?: number;
  /** Resolver override, for tests. */
  readonly lookup?: ResolveAll;
}

interface LoginOutcome {
  readonly label: string;
  readonly error?: ProviderError;
  readonly tlsVersion?: string;
  /** Present once the login succeeded: servers list CONDSTORE and QRESYNC only after login. */
  readonly capabilities?: ReadonlySet<string>;
  readonly folderCount?: number;
}

const LABEL = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * Tests an IMAP source: `connect` (TLS session, version), `capability:IMAP4rev1`, `capability:CONDSTORE`
 * and `capability:QRESYNC` (read after a login; a missing CONDSTORE/QRESYNC is `ok` with a detail saying
 * how delta passes compensate, since it does not stop a migration), then `login:<label>` per login with
 * its folder count. The first login runs alone: if the server cannot be reached, the report holds only
 * the failed `connect` finding. No finding contains a user name or password.
 * @throws ProviderError `invalid-input` for a malformed endpoint, login, label or concurrency.
 */
export async function checkImapConnection(check: ImapConnectionCheck): Promise<ConnectionReport> {
  const endpoint = validateImapEndpoint(check.endpoint);
  const logins = validateLabels(check.logins);
  const concurrency = check.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
    throw new ProviderError('invalid-input', 'IMAP check: concurrency is not a whole number from 1 to 16');
  }
  const options: ImapSessionOptions = {
    policy: check.policy,
    timeoutMs: check.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(check.lookup ? { lookup: check.lookup } : {}),
  };
  const [first, ...rest] = logins;
  if (!first) throw new ProviderError('invalid-input', 'IMAP check: logins must name at least one login');
  const firstOutcome = await tryLogin(endpoint, first, options);
  if (firstOutcome.error && !reachedServer(firstOutcome.error)) {
    return reportOf([connectFailed(firstOutcome.error)]);
  }
  const outcomes = [
    firstOutcome,
    ...(await mapConcurrently(rest, concurrency, (l) => tryLogin(endpoint, l, options))),
  ];
  const loggedIn = outcomes.find((o) => o.capabilities !== undefined);
  return reportOf([
    connectOk(endpoint, outcomes.find((o) => o.tlsVersion)?.tlsVersion),
    ...(loggedIn?.capabilities ? capabilityFindings(loggedIn.capabilities) : []),
    ...outcomes.map((o) => (o.error ? loginFailed(o.label, o.error) : loginOk(o.label, o.folderCount ?? 0))),
  ]);
}

/** A refused login or a server error still proves the endpoint works; only these mean it was never reached. */
function reachedServer(error: ProviderError): boolean {
  return error.code !== 'unreachable' && error.code !== 'destination-refused';
}

async function tryLogin(
  endpoint: ImapEndpoint,
  { label, login }: LabelledImapLogin,
  options: ImapSessionOptions,
): Promise<LoginOutcome> {
  const attempt = await attemptImapSession(endpoint, login, options);
  if (!attempt.ok) {
    return { label, error: attempt.error, ...(attempt.tlsVersion ? { tlsVersion: attempt.tlsVersion } : {}) };
  }
  const { session, tlsVersion } = attempt;
  const capabilities = new Set([...session.capabilities.keys()].map((name) => name.toUpperCase()));
  try {
    const folders = await withDeadline(session.list(), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    return { label, tlsVersion, capabilities, folderCount: folders.length };
  } catch (err) {
    return {
      label,
      tlsVersion,
      capabilities,
      error: toImapProviderError(err, endpoint, {
        timedOut: err instanceof DeadlineExceeded,
        timeoutMs: options.timeoutMs,
      }),
    };
  } finally {
    await closeQuietly(session);
  }
}

async function closeQuietly(session: ImapFlow): Promise<void> {
  try {
    await withDeadline(session.logout(), 5_000);
  } catch {
    session.close();
  }
}

function validateLabels(logins: readonly LabelledImapLogin[]): LabelledImapLogin[] {
  if (!Array.isArray(logins)) throw new ProviderError('invalid-input', 'IMAP check: logins must be a list');
  const seen = new Set<string>();
  return logins.map((entry: LabelledImapLogin, index) => {
    const label: unknown = entry?.label;
    if (typeof label !== 'string' || !LABEL.test(label)) {
      throw new ProviderError(
        'invalid-input',
        `IMAP check: logins[${index}].label must be 1-64 letters, digits or . _ : - (a pseudonym, not an address)`,
      );
    }
    if (seen.has(label)) {
      throw new ProviderError('invalid-input', `IMAP check: logins[${index}].label is used twice`);
    }
    seen.add(label);
    return { label, login: validateImapLogin(entry.login, `IMAP check: logins[${index}].login`) };
  });
}

async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

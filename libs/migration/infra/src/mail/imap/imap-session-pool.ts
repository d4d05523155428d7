/** What the pool needs of a session (imapflow's ImapFlow has all of it). */
export interface PoolableSession {
  /** False once the connection closed or failed. */
  readonly usable: boolean;
  logout(): Promise<void>;
  close(): void;
}

/** A session lent to one caller; give it back exactly once. */
export interface SessionLease<S extends PoolableSession> {
  readonly session: S;
  /** `reusable` false closes the session (a broken connection, a command cut short). */
  release(reusable: boolean): void;
}

export interface SessionPoolOptions {
  /** Sessions per mailbox at most, open or opening (IMAP servers limit connections per user; Dovecot's default is 10). */
  readonly maxPerMailbox: number;
  /** An idle session is logged out after this long. */
  readonly idleTimeoutMs: number;
}

export const DEFAULT_POOL_OPTIONS: SessionPoolOptions = { maxPerMailbox: 2, idleTimeoutMs: 30_000 };

interface Idle<S> {
  readonly session: S;
  readonly timer: NodeJS.Timeout;
}

interface MailboxSessions<S> {
  /** Open, opening and lent sessions. */
  count: number;
  /** Most recently returned last: it is the one most likely to have the wanted folder selected. */
  readonly idle: Idle<S>[];
  readonly waiters: (() => void)[];
}

/**
 * A few logged-in sessions per mailbox inside one worker, so consecutive calls skip the TLS handshake and
 * login: each caller gets a session to itself, at most `maxPerMailbox` exist per mailbox (others wait), and
 * idle ones are logged out after `idleTimeoutMs`. Nothing here is durable: a worker that restarts opens new
 * sessions.
 */
export class SessionPool<K, S extends PoolableSession> {
  private readonly mailboxes = new Map<K, MailboxSessions<S>>();
  private closed = false;

  constructor(private readonly options: SessionPoolOptions = DEFAULT_POOL_OPTIONS) {
    if (!Number.isInteger(options.maxPerMailbox) || options.maxPerMailbox < 1)
      throw new Error('maxPerMailbox must be a whole number of at least 1');
  }

  /** How many sessions exist for `key` (open, opening or lent), for tests and metrics. */
  size(key: K): number {
    return this.mailboxes.get(key)?.count ?? 0;
  }

  /** A session for `key`: an idle one, a new one from `open` while under the limit, or the next one returned. */
  async lease(
    key: K,
    signal: AbortSignal,
    open: (signal: AbortSignal) => Promise<S>,
  ): Promise<SessionLease<S>> {
    for (let woken = false; ; woken = true) {
      if (signal.aborted && woken) {
        // Woken for a session it no longer wants: the next waiter may take it.
        this.wakeOne(key, this.entry(key));
      }
      signal.throwIfAborted();
      if (this.closed) throw new Error('the IMAP session pool is closed');
      const entry = this.entry(key);
      const idle = entry.idle.pop();
      if (idle) {
        clearTimeout(idle.timer);
        if (idle.session.usable) return this.lent(key, idle.session);
        this.discard(key, entry, idle.session);
        continue;
      }
      if (entry.count < this.options.maxPerMailbox) {
        entry.count++;
        try {
          return this.lent(key, await open(signal));
        } catch (err) {
          entry.count--;
          this.wakeOne(key, entry);
          throw err;
        }
      }
      await this.waitForRelease(entry, signal);
    }
  }

  /** Logs out idle sessions and closes the rest as they come back. */
  async close(): Promise<void> {
    this.closed = true;
    const sessions: S[] = [];
    for (const [key, entry] of this.mailboxes) {
      for (const idle of entry.idle.splice(0)) {
        clearTimeout(idle.timer);
        entry.count--;
        sessions.push(idle.session);
      }
      for (const wake of entry.waiters.splice(0)) wake();
      this.forgetIfEmpty(key, entry);
    }
    await Promise.all(sessions.map((s) => logoutQuietly(s)));
  }

  private entry(key: K): MailboxSessions<S> {
    let entry = this.mailboxes.get(key);
    if (!entry) {
      entry = { count: 0, idle: [], waiters: [] };
      this.mailboxes.set(key, entry);
    }
    return entry;
  }

  private lent(key: K, session: S): SessionLease<S> {
    let released = false;
    return {
      session,
      release: (reusable: boolean) => {
        if (released) throw new Error('IMAP session released twice');
        released = true;
        this.giveBack(key, session, reusable);
      },
    };
  }

  private giveBack(key: K, session: S, reusable: boolean): void {
    const entry = this.entry(key);
    if (!reusable || !session.usable || this.closed) {
      this.discard(key, entry, session);
      return;
    }
    const timer = setTimeout(() => {
      const at = entry.idle.findIndex((idle) => idle.session === session);
      if (at >= 0) {
        entry.idle.splice(at, 1);
        this.discard(key, entry, session);
      }
    }, this.options.idleTimeoutMs);
    // An idle session must not keep a worker (or a test) alive.
    timer.unref();
    entry.idle.push({ session, timer });
    this.wakeOne(key, entry);
  }

  private discard(key: K, entry: MailboxSessions<S>, session: S): void {
    entry.count--;
    void logoutQuietly(session);
    this.wakeOne(key, entry);
  }

  private wakeOne(key: K, entry: MailboxSessions<S>): void {
    const wake = entry.waiters.shift();
    if (wake) wake();
    else this.forgetIfEmpty(key, entry);
  }

  private forgetIfEmpty(key: K, entry: MailboxSessions<S>): void {
    if (entry.count === 0 && entry.waiters.length === 0 && this.mailboxes.get(key) === entry)
      this.mailboxes.delete(key);
  }

  private waitForRelease(entry: MailboxSessions<S>, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = entry.waiters.indexOf(wake);
        if (at >= 0) entry.waiters.splice(at, 1);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      entry.waiters.push(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** LOGOUT, or a plain close when the connection cannot carry one; never throws. */
async function logoutQuietly(session: PoolableSession): Promise<void> {
  try {
    if (session.usable) await session.logout();
    else session.close();
  } catch {
    session.close();
  }
}

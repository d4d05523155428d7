import { SessionPool } from './imap-session-pool';

class FakeSession {
  usable = true;
  loggedOut = false;
  closed = false;
  constructor(readonly n: number) {}
  logout(): Promise<void> {
    this.loggedOut = true;
    this.usable = false;
    return Promise.resolve();
  }
  close(): void {
    this.closed = true;
    this.usable = false;
  }
}

function opener() {
  const opened: FakeSession[] = [];
  const open = () => {
    const session = new FakeSession(opened.length + 1);
    opened.push(session);
    return Promise.resolve(session);
  };
  return { opened, open };
}

const signal = () => new AbortController().signal;
const poolOf = (maxPerMailbox: number, idleTimeoutMs = 60_000) =>
  new SessionPool<string, FakeSession>({ maxPerMailbox, idleTimeoutMs });

describe('imap session pool', () => {
  it('lends an idle session again instead of logging in anew', async () => {
    const pool = poolOf(2);
    const { opened, open } = opener();
    const first = await pool.lease('a', signal(), open);
    first.release(true);
    const second = await pool.lease('a', signal(), open);
    expect(second.session).toBe(first.session);
    expect(opened).toHaveLength(1);
    const other = await pool.lease('b', signal(), open);
    expect(other.session).not.toBe(first.session);
    second.release(true);
    other.release(true);
    await pool.close();
    expect(opened.every((s) => s.loggedOut)).toBe(true);
  });

  it('never holds more than the limit per mailbox: the next caller waits for a session to come back', async () => {
    const pool = poolOf(2);
    const { opened, open } = opener();
    const a = await pool.lease('m', signal(), open);
    const b = await pool.lease('m', signal(), open);
    let third: FakeSession | undefined;
    const waiting = pool.lease('m', signal(), open).then((lease) => {
      third = lease.session;
      return lease;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBeUndefined();
    expect(pool.size('m')).toBe(2);
    b.release(true);
    const c = await waiting;
    expect(c.session).toBe(b.session);
    expect(opened).toHaveLength(2);
    a.release(true);
    c.release(true);
    await pool.close();
  });

  it('closes a session returned as broken and opens a new one in its place', async () => {
    const pool = poolOf(1);
    const { opened, open } = opener();
    const a = await pool.lease('m', signal(), open);
    const waiting = pool.lease('m', signal(), open);
    a.release(false);
    const b = await waiting;
    expect(a.session.loggedOut || a.session.closed).toBe(true);
    expect(b.session).not.toBe(a.session);
    expect(opened).toHaveLength(2);
    expect(() => a.release(true)).toThrow('released twice');
    b.release(true);
    await pool.close();
  });

  it('skips an idle session whose connection dropped', async () => {
    const pool = poolOf(1);
    const { opened, open } = opener();
    const a = await pool.lease('m', signal(), open);
    a.release(true);
    a.session.usable = false;
    const b = await pool.lease('m', signal(), open);
    expect(b.session.n).toBe(2);
    expect(opened[0]?.closed).toBe(true);
    expect(pool.size('m')).toBe(1);
    b.release(true);
    await pool.close();
  });

  it('logs out a session idle for longer than the timeout', async () => {
    jest.useFakeTimers();
    try {
      const pool = poolOf(2, 1_000);
      const { opened, open } = opener();
      (await pool.lease('m', signal(), open)).release(true);
      jest.advanceTimersByTime(999);
      expect(opened[0]?.loggedOut).toBe(false);
      jest.advanceTimersByTime(1);
      expect(opened[0]?.loggedOut).toBe(true);
      expect(pool.size('m')).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('stops waiting when the caller aborts, and passes a session it was woken for to the next waiter', async () => {
    const pool = poolOf(1);
    const { open } = opener();
    const a = await pool.lease('m', signal(), open);
    const quitter = new AbortController();
    const gaveUp = pool.lease('m', quitter.signal, open);
    quitter.abort(new Error('stop'));
    await expect(gaveUp).rejects.toThrow('stop');
    // Woken and aborted in the same turn: the session must reach the caller behind it.
    const late = new AbortController();
    const lateLease = pool.lease('m', late.signal, open);
    const patient = pool.lease('m', signal(), open);
    a.release(true);
    late.abort(new Error('late'));
    await expect(lateLease).rejects.toThrow('late');
    const b = await patient;
    expect(b.session).toBe(a.session);
    b.release(true);
    await pool.close();
  });

  it('frees the slot of a session that failed to open', async () => {
    const pool = poolOf(1);
    await expect(pool.lease('m', signal(), () => Promise.reject(new Error('refused')))).rejects.toThrow(
      'refused',
    );
    expect(pool.size('m')).toBe(0);
    const { open } = opener();
    (await pool.lease('m', signal(), open)).release(true);
    await pool.close();
    await expect(pool.lease('m', signal(), open)).rejects.toThrow('closed');
  });
});

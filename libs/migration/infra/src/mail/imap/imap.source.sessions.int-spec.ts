import {
  type AccessProvider,
  CursorExpiredError,
  type ImapLogin,
  type MailboxRef,
} from '@ferry/migration/application';
import { RecordingGovernor, testMailbox } from '@ferry/migration/testing';
import { ProviderError } from '@ferry/providers/core';
import { imapFolderId } from './imap-ids';
import { ImapMailSource, type ImapSourceOptions } from './imap.source.adapter';
import {
  appendMessages,
  type DovecotMailboxes,
  rfc822,
  startDovecotMailboxes,
} from './testing/dovecot-mailbox.fixture';

// Planted so that any error or console line that quotes them fails the suite.
const ADDRESS = 'planted.sessions@example.test';
const PASSWORD = 'Planted-Imap-Secret-73';
const SECRETS = ['planted', 'Planted', PASSWORD, 'Secret Folder'];
const mailbox = testMailbox('imap', ADDRESS);
// Dovecot, TLS and a loaded CI machine: seconds, not the default 5.
jest.setTimeout(60_000);
const signal = () => AbortSignal.timeout(60_000);

/** Hands out one login and counts what the engine would ask of the connectors service. */
class CountingAccess implements AccessProvider {
  logins = 0;
  invalidated = 0;
  constructor(private readonly login: () => ImapLogin) {}
  token(): never {
    throw new Error('IMAP has no tokens');
  }
  imapLogin(_mailbox: MailboxRef): Promise<ImapLogin> {
    this.logins++;
    return Promise.resolve(this.login());
  }
  invalidate(): void {
    this.invalidated++;
  }
}

let dovecot: DovecotMailboxes;
let sources: ImapMailSource[] = [];
let consoleLines: string[] = [];

beforeAll(async () => {
  dovecot = await startDovecotMailboxes([{ address: ADDRESS, password: PASSWORD }]);
  await dovecot.as(ADDRESS, async (session) => {
    await appendMessages(
      session,
      'INBOX',
      [1, 2, 3].map((n) => ({ raw: rfc822(`inbox ${n}`) })),
    );
    await appendMessages(
      session,
      'Secret Folder',
      [1, 2, 3, 4].map((n) => ({ raw: rfc822(`secret ${n}`) })),
    );
  });
});
afterAll(() => dovecot?.stop());
beforeEach(() => {
  consoleLines = [];
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest
      .spyOn(console, level)
      .mockImplementation((...args: unknown[]) => void consoleLines.push(args.map(String).join(' ')));
  }
});
afterEach(async () => {
  await Promise.all(sources.map((s) => s.close()));
  sources = [];
  jest.restoreAllMocks();
  // The adapter and imapflow (logger off) write nothing; a line would be a leak waiting to happen.
  expect(consoleLines).toEqual([]);
});

function sourceWith(access: AccessProvider, options: Partial<ImapSourceOptions> = {}) {
  const governor = new RecordingGovernor();
  const source = new ImapMailSource({ access, governor, policy: dovecot.policy, ...options });
  sources.push(source);
  return { source, governor };
}

/** The error a call failed with, after checking it quotes no address, password or folder name. */
async function failure(call: Promise<unknown>): Promise<Error> {
  const error = await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (err: unknown) => err as Error,
  );
  const shown = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
  for (const secret of SECRETS) expect(shown).not.toContain(secret);
  return error;
}

describe('imap source sessions', () => {
  it('reuses logged-in sessions and never holds more than the limit per mailbox, however many calls run at once', async () => {
    const access = new CountingAccess(() => dovecot.login(ADDRESS));
    const { source, governor } = sourceWith(access, { pool: { maxPerMailbox: 2 } });
    const { items } = await source.enumerate(mailbox, undefined, signal());
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, source.sessionCount(mailbox))), 1);
    try {
      await Promise.all([
        ...items.map(async (item) => {
          for await (const _chunk of await source.openMime(mailbox, item.sourceId, signal())) void _chunk;
        }),
        ...items.map((item) => source.summaries(mailbox, [item.sourceId], signal())),
        source.listFolders(mailbox, signal()),
        source.currentCursor(mailbox, signal()),
      ]);
    } finally {
      clearInterval(sample);
    }
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2);
    expect(access.logins).toBeLessThanOrEqual(2);
    expect(governor.maxInFlight).toBeGreaterThan(1);
    const before = access.logins;
    await source.listFolders(mailbox, signal());
    await source.enumerate(mailbox, undefined, signal());
    expect(access.logins).toBe(before);
  });

  it('logs out a session left idle past the timeout', async () => {
    const { source } = sourceWith(new CountingAccess(() => dovecot.login(ADDRESS)), {
      pool: { idleTimeoutMs: 200 },
    });
    await source.listFolders(mailbox, signal());
    expect(source.sessionCount(mailbox)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(source.sessionCount(mailbox)).toBe(0);
  });
});

describe('imap source secrets', () => {
  it('refuses a wrong password as invalid-credentials, drops the cached login and quotes nothing', async () => {
    const access = new CountingAccess(() => dovecot.login(ADDRESS, `${PASSWORD}-wrong`));
    const { source, governor } = sourceWith(access);
    const error = await failure(source.listFolders(mailbox, signal()));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'invalid-credentials', retryable: false });
    expect(access.invalidated).toBe(1);
    expect(governor.outcomes).toEqual([{ kind: 'failed' }]);
  });

  it('names no folder, address or login in the errors of a change feed or a download', async () => {
    const { source } = sourceWith(new CountingAccess(() => dovecot.login(ADDRESS)));
    const cursor = await source.currentCursor(mailbox, signal());
    const secretFolder = imapFolderId('Secret Folder');
    const [secret] = (await source.enumerate(mailbox, undefined, signal())).items.filter(
      (i) => i.folderIds[0] === secretFolder,
    );
    await dovecot.as(ADDRESS, (session) => session.mailboxRename('Secret Folder', 'Secret Folder Renamed'));
    expect(await failure(source.changes(mailbox, cursor, undefined, signal()))).toBeInstanceOf(
      CursorExpiredError,
    );
    expect(await failure(source.openMime(mailbox, secret?.sourceId ?? '', signal()))).toMatchObject({
      reason: 'gone-from-source',
    });
  });
});

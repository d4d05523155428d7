import { DestinationPolicy } from '@ferry/platform/net';
import { openImapSession } from '../imap-session';
import type { DovecotServer } from './dovecot-server';

/** One folder to fill: created unless it is INBOX, then each raw RFC 822 message appended with `flags`. */
export interface SeedFolder {
  readonly path: string;
  readonly messages: readonly (string | Buffer)[];
  readonly flags?: readonly string[];
}

/** The UIDs the server gave the appended messages, in order, per folder. */
export interface SeededFolder {
  readonly path: string;
  readonly uids: readonly number[];
}

/**
 * Fills a test Dovecot user's mailbox with IMAP APPEND, through Ferry's own session (implicit TLS, the
 * server's CA, its loopback address allow-listed). Tests only.
 */
export async function seedMailbox(
  server: DovecotServer,
  username: string,
  folders: readonly SeedFolder[],
): Promise<SeededFolder[]> {
  const user = server.users.find((u) => u.username === username);
  if (!user) throw new Error('seedMailbox: not a user of this Dovecot server');
  const session = await openImapSession(server.endpoint('implicit-tls'), user, {
    policy: new DestinationPolicy({ allow: [server.host] }),
  });
  try {
    const seeded: SeededFolder[] = [];
    for (const folder of folders) {
      if (folder.path.toUpperCase() !== 'INBOX') await session.mailboxCreate(folder.path);
      const uids: number[] = [];
      for (const message of folder.messages) {
        const appended = await session.append(folder.path, message, [...(folder.flags ?? [])]);
        if (!appended || appended.uid === undefined)
          throw new Error(`seedMailbox: no UID for a message in ${folder.path}`);
        uids.push(appended.uid);
      }
      seeded.push({ path: folder.path, uids });
    }
    return seeded;
  } finally {
    await session.logout();
  }
}

import type { ImapFlow } from 'imapflow';
import type { ImapLogin } from '@ferry/migration/application';
import { DestinationPolicy } from '@ferry/platform/net';
import { type DovecotServer, openImapSession, startDovecot } from '@ferry/providers/imap';

/**
 * Tests only: a private Dovecot whose users are named by their mail address, with what the IMAP source's
 * integration specs need around it: the login the access provider would hand out, the SSRF policy that
 * allows the server, and sessions to seed and change mailboxes with flags and INTERNALDATE (which
 * `seedMailbox` does not set).
 */
export interface DovecotMailboxes {
  readonly server: DovecotServer;
  /** Allows the server's loopback address, nothing else. */
  readonly policy: DestinationPolicy;
  /** What the connectors service's broker would hand out for `address`. */
  login(address: string, password?: string): ImapLogin;
  /** Runs `work` on a fresh session of `address` (implicit TLS), logged out after. */
  as<T>(address: string, work: (session: ImapFlow) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/** A message to append: raw RFC 822, with flags and INTERNALDATE. */
export interface SeedMessage {
  readonly raw: string | Buffer;
  readonly flags?: readonly string[];
  readonly date?: Date;
}

export async function startDovecotMailboxes(
  users: readonly { address: string; password: string }[],
): Promise<DovecotMailboxes> {
  const server = await startDovecot({
    users: users.map((u) => ({ username: u.address, password: u.password })),
  });
  const policy = new DestinationPolicy({ allow: [server.host] });
  const passwordOf = (address: string) => {
    const user = users.find((u) => u.address === address);
    if (!user) throw new Error('not a user of this Dovecot');
    return user.password;
  };
  const endpoint = server.endpoint('implicit-tls');
  return {
    server,
    policy,
    login: (address, password = passwordOf(address)) => ({
      host: endpoint.host,
      port: endpoint.port,
      security: 'implicit-tls',
      ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }),
      username: address,
      password,
    }),
    async as(address, work) {
      const session = await openImapSession(
        endpoint,
        { username: address, password: passwordOf(address) },
        { policy },
      );
      try {
        return await work(session);
      } finally {
        await session.logout();
      }
    },
    stop: () => server.stop(),
  };
}

/** Creates `path` (unless INBOX or present) and appends the messages; returns their UIDs. */
export async function appendMessages(
  session: ImapFlow,
  path: string,
  messages: readonly SeedMessage[],
): Promise<number[]> {
  if (path.toUpperCase() !== 'INBOX' && !(await session.list()).some((f) => f.path === path))
    await session.mailboxCreate(path);
  const uids: number[] = [];
  for (const message of messages) {
    const appended = await session.append(path, message.raw, [...(message.flags ?? [])], message.date);
    if (!appended || appended.uid === undefined) throw new Error('append gave no UID');
    uids.push(appended.uid);
  }
  return uids;
}

/** A small RFC 822 message with CRLF line ends (what IMAP servers hand back byte for byte). */
export function rfc822(subject: string, body = 'Hello from the test.'): string {
  return [
    'From: Sender <sender@example.test>',
    'To: Receiver <receiver@example.test>',
    `Subject: ${subject}`,
    `Message-ID: <${subject.replace(/[^A-Za-z0-9]/g, '')}.${Math.random().toString(36).slice(2)}@example.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    '',
  ].join('\r\n');
}

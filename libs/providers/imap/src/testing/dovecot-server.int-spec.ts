import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { DestinationPolicy } from '@ferry/platform/net';
import { openImapSession } from '../imap-session';
import { startDovecot } from './dovecot-server';
import { seedMailbox } from './seed-mailbox';

const USER = { username: 'seeded', password: 'seeded-pass-1' };

/** The first lines a plain connection to the STARTTLS port sees, and the answer to a LOGIN sent in clear. */
function plainExchange(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect({ host, port });
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (/^\* OK/m.test(text) && !text.includes('a LOGIN')) {
        text += 'a LOGIN sent\r\n';
        socket.write(`a LOGIN ${USER.username} ${USER.password}\r\n`);
      }
      if (/^a (OK|NO|BAD)/m.test(text)) {
        socket.destroy();
        resolve(text);
      }
    });
  });
}

describe('startDovecot', () => {
  it('refuses a login before STARTTLS on the plain port', async () => {
    const server = await startDovecot({ users: [USER] });
    try {
      const exchange = await plainExchange(server.host, server.starttlsPort);
      expect(exchange).toMatch(/CAPABILITY [^\]]*STARTTLS/);
      expect(exchange).toMatch(/LOGINDISABLED/);
      expect(exchange).toMatch(/^a NO /m);
    } finally {
      await server.stop();
    }
  });

  it('runs servers side by side on their own ports and directories, and removes everything on stop', async () => {
    const [one, two] = await Promise.all([startDovecot({ users: [USER] }), startDovecot({ users: [USER] })]);
    expect(new Set([one.implicitTlsPort, one.starttlsPort, two.implicitTlsPort, two.starttlsPort]).size).toBe(
      4,
    );
    expect(one.directory).not.toBe(two.directory);
    expect(one.caPem).not.toBe(two.caPem);
    await Promise.all([one.stop(), two.stop()]);
    expect(existsSync(one.directory)).toBe(false);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: one.host, port: one.implicitTlsPort });
      socket.on('connect', () => (socket.destroy(), resolve(false)));
      socket.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});

describe('seedMailbox', () => {
  it('appends raw messages with their flags to new and existing folders', async () => {
    const server = await startDovecot({ users: [USER] });
    try {
      const seeded = await seedMailbox(server, USER.username, [
        { path: 'INBOX', messages: ['Subject: one\r\n\r\n1\r\n'] },
        {
          path: 'Archive/2023',
          messages: ['Subject: two\r\n\r\n2\r\n', Buffer.from('Subject: three\r\n\r\n3\r\n')],
          flags: ['\\Seen', '\\Flagged'],
        },
      ]);
      expect(seeded).toEqual([
        { path: 'INBOX', uids: [1] },
        { path: 'Archive/2023', uids: [1, 2] },
      ]);
      const session = await openImapSession(server.endpoint('implicit-tls'), USER, {
        policy: new DestinationPolicy({ allow: [server.host] }),
      });
      try {
        await session.mailboxOpen('Archive/2023', { readOnly: true });
        const messages = await session.fetchAll('1:*', { uid: true, flags: true, envelope: true });
        // \Recent is the server's own session flag, not one that was appended.
        const flags = (m: (typeof messages)[number]) =>
          [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort();
        expect(messages.map((m) => [m.envelope?.subject, flags(m)])).toEqual([
          ['two', ['\\Flagged', '\\Seen']],
          ['three', ['\\Flagged', '\\Seen']],
        ]);
      } finally {
        await session.logout();
      }
    } finally {
      await server.stop();
    }
  });
});

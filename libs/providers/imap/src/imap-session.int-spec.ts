import { createServer, type Server, type Socket } from 'node:net';
import { DestinationPolicy } from '@ferry/platform/net';
import { ProviderError } from '@ferry/providers/core';
import { masterUserLogin } from './imap-login';
import { openImapSession } from './imap-session';
import { type DovecotServer, startDovecot } from './testing/dovecot-server';
import { seedMailbox } from './testing/seed-mailbox';

// Planted so that any error, message or detail that leaks them fails the suite.
const OWNER = { username: 'planted.owner', password: 'Planted-Owner-Secret-31' };
const OTHER = { username: 'planted.other', password: 'Planted-Other-Secret-47' };
const MASTER = { username: 'planted.master', password: 'Planted-Master-Secret-59' };
const SECRETS = ['planted', 'Planted', OWNER.password, OTHER.password, MASTER.password];

let server: DovecotServer;
let policy: DestinationPolicy;

beforeAll(async () => {
  server = await startDovecot({
    users: [OWNER, OTHER],
    masterUser: MASTER,
    hostNames: ['imap.customer.test'],
  });
  policy = new DestinationPolicy({ allow: [server.host] });
});
afterAll(() => server?.stop());

/** The ProviderError an attempt failed with, after checking it names no login and no password. */
async function failure(attempt: Promise<unknown>): Promise<ProviderError> {
  const error = await attempt.then(
    () => {
      throw new Error('the session opened');
    },
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ProviderError);
  const shown = `${(error as Error).message} ${JSON.stringify(error)} ${String((error as Error).stack)}`;
  for (const secret of SECRETS) expect(shown).not.toContain(secret);
  return error as ProviderError;
}

describe('openImapSession against Dovecot', () => {
  it.each(['implicit-tls', 'starttls'] as const)(
    'logs in over %s with TLS 1.2 or later',
    async (security) => {
      const session = await openImapSession(server.endpoint(security), OWNER, { policy });
      try {
        expect(session.authenticated).toBeTruthy();
        expect(session.secureConnection).toBe(true);
        expect(session.tls && session.tls.version).toMatch(/^TLSv1\.[23]$/);
        expect(session.capabilities.has('CONDSTORE')).toBe(true);
      } finally {
        await session.logout();
      }
    },
  );

  it('refuses a wrong password as invalid-credentials', async () => {
    const error = await failure(
      openImapSession(server.endpoint('starttls'), { ...OWNER, password: 'wrong' }, { policy }),
    );
    expect(error).toMatchObject({
      code: 'invalid-credentials',
      details: { providerCode: 'AUTHENTICATIONFAILED' },
    });
    expect(error.message).toBe(
      `IMAP server ${server.host}:${server.starttlsPort}: the server refused the login`,
    );
  });

  it("opens another user's mailbox with the master user's password", async () => {
    await seedMailbox(server, OTHER.username, [
      { path: 'INBOX', messages: ['Subject: for the master\r\n\r\nhello\r\n'] },
    ]);
    const session = await openImapSession(
      server.endpoint('implicit-tls'),
      masterUserLogin(OTHER.username, MASTER.username, MASTER.password),
      { policy },
    );
    try {
      const status = await session.status('INBOX', { messages: true });
      expect(status && status.messages).toBe(1);
    } finally {
      await session.logout();
    }
  });

  it('refuses a master login for a user that does not exist, and a wrong master password', async () => {
    const nobody = await failure(
      openImapSession(
        server.endpoint('implicit-tls'),
        masterUserLogin('planted.nobody', MASTER.username, MASTER.password),
        { policy },
      ),
    );
    expect(nobody).toMatchObject({
      code: 'invalid-credentials',
      details: { providerCode: 'AUTHORIZATIONFAILED' },
    });
    const wrong = await failure(
      openImapSession(
        server.endpoint('implicit-tls'),
        masterUserLogin(OWNER.username, MASTER.username, 'wrong'),
        { policy },
      ),
    );
    expect(wrong.code).toBe('invalid-credentials');
  });

  it.each(['implicit-tls', 'starttls'] as const)(
    'refuses a certificate from a CA nobody added (%s)',
    async (security) => {
      const { ca: _ca, ...untrusted } = server.endpoint(security);
      const error = await failure(openImapSession(untrusted, OWNER, { policy }));
      expect(error.code).toBe('unreachable');
      expect(error.message).toBe(
        `IMAP server ${server.host}:${untrusted.port}: certificate not trusted (add the CA that issued it to the connector)`,
      );
    },
  );

  it('connects to the checked address but verifies the certificate against the configured host name', async () => {
    const lookup = () => Promise.resolve([{ address: server.host, family: 4 }]);
    const named = { ...server.endpoint('implicit-tls'), host: 'imap.customer.test' };
    const session = await openImapSession(named, OWNER, { policy, lookup });
    await session.logout();
    const error = await failure(
      openImapSession({ ...named, host: 'other.customer.test' }, OWNER, { policy, lookup }),
    );
    expect(error.message).toBe(
      `IMAP server other.customer.test:${named.port}: certificate does not match the host name`,
    );
  });
});

describe('openImapSession before any login', () => {
  let fake: FakeServer;
  afterEach(() => fake?.close());

  it('refuses a loopback destination that is not allow-listed, without opening a connection', async () => {
    fake = await fakeImapServer(['* OK [CAPABILITY IMAP4rev1 STARTTLS] ready']);
    const endpoint = { host: '127.0.0.1', port: fake.port, security: 'starttls' } as const;
    const byIp = await failure(openImapSession(endpoint, OWNER, { policy: new DestinationPolicy() }));
    expect(byIp).toMatchObject({
      code: 'destination-refused',
      message: expect.stringContaining('127.0.0.1 is a loopback address') as unknown,
    });
    const lookup = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    const byName = await failure(
      openImapSession({ ...endpoint, host: 'imap.customer.test' }, OWNER, {
        policy: new DestinationPolicy(),
        lookup,
      }),
    );
    expect(byName.code).toBe('destination-refused');
    expect(fake.connections).toBe(0);
  });

  it('never sends the login to a server that does not offer STARTTLS', async () => {
    fake = await fakeImapServer(['* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready']);
    const endpoint = { host: '127.0.0.1', port: fake.port, security: 'starttls' } as const;
    const error = await failure(
      openImapSession(endpoint, OWNER, { policy: new DestinationPolicy({ allow: ['127.0.0.1'] }) }),
    );
    expect(error).toMatchObject({
      code: 'unreachable',
      message: `IMAP server 127.0.0.1:${fake.port}: the server did not offer STARTTLS (Ferry never logs in without TLS)`,
    });
    expect(fake.connections).toBe(1);
    expect(fake.received()).not.toMatch(/LOGIN|AUTHENTICATE/i);
    expect(fake.received()).not.toContain(OWNER.username);
  });

  it('gives up on a server that never greets within the time limit', async () => {
    fake = await fakeImapServer([]);
    const endpoint = { host: '127.0.0.1', port: fake.port, security: 'implicit-tls' } as const;
    const started = Date.now();
    const error = await failure(
      openImapSession(endpoint, OWNER, {
        policy: new DestinationPolicy({ allow: ['127.0.0.1'] }),
        timeoutMs: 500,
      }),
    );
    expect(error).toMatchObject({
      code: 'unreachable',
      message: `IMAP server 127.0.0.1:${fake.port}: no answer within 500 ms`,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

interface FakeServer {
  readonly port: number;
  readonly connections: number;
  received(): string;
  close(): Promise<void>;
}

/** A plaintext "IMAP server" that greets with `greeting`, answers CAPABILITY from it and records what it hears. */
async function fakeImapServer(greeting: readonly string[]): Promise<FakeServer> {
  let connections = 0;
  let heard = '';
  const sockets = new Set<Socket>();
  const capability = greeting[0]?.match(/\[CAPABILITY ([^\]]+)\]/)?.[1] ?? 'IMAP4rev1';
  const srv: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    for (const line of greeting) socket.write(`${line}\r\n`);
    socket.on('data', (chunk: Buffer) => {
      heard += chunk.toString('latin1');
      for (const line of chunk.toString('latin1').split('\r\n').filter(Boolean)) {
        const [tag, command] = line.split(' ');
        if (command?.toUpperCase() === 'CAPABILITY')
          socket.write(`* CAPABILITY ${capability}\r\n${tag} OK done\r\n`);
        else socket.write(`${tag} BAD not here\r\n`);
      }
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  return {
    port,
    get connections() {
      return connections;
    },
    received: () => heard,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

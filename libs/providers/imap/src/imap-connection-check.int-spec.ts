import { DestinationPolicy } from '@ferry/platform/net';
import { ProviderError } from '@ferry/providers/core';
import { checkImapConnection } from './imap-connection-check';
import type { ImapEndpoint } from './imap-endpoint';
import { type ImapLogin, masterUserLogin } from './imap-login';
import { type DovecotServer, startDovecot } from './testing/dovecot-server';
import { seedMailbox } from './testing/seed-mailbox';

const OWNER = { username: 'planted.owner', password: 'Planted-Owner-Secret-31' };
const OTHER = { username: 'planted.other', password: 'Planted-Other-Secret-47' };
const MASTER = { username: 'planted.master', password: 'Planted-Master-Secret-59' };

let server: DovecotServer;
let policy: DestinationPolicy;

beforeAll(async () => {
  server = await startDovecot({ users: [OWNER, OTHER], masterUser: MASTER });
  policy = new DestinationPolicy({ allow: [server.host] });
  await seedMailbox(server, OWNER.username, [
    { path: 'INBOX', messages: [] },
    { path: 'Projects/2024', messages: ['Subject: plan\r\n\r\nx\r\n'] },
  ]);
});
afterAll(() => server?.stop());

/** Checks `endpoint` with `logins` labelled sample-1, sample-2, ... */
function check(
  endpoint: ImapEndpoint,
  logins: ImapLogin[],
  options: { policy?: DestinationPolicy; concurrency?: number } = {},
) {
  return checkImapConnection({
    endpoint,
    policy: options.policy ?? policy,
    logins: logins.map((login, index) => ({ label: `sample-${index + 1}`, login })),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
}

function expectNoLogin(report: unknown): void {
  const shown = JSON.stringify(report);
  expect(shown).not.toMatch(/planted|Planted/);
}

describe('checkImapConnection against Dovecot', () => {
  it('reports one good and one bad login, with the connection and capabilities', async () => {
    const report = await check(
      server.endpoint('starttls'),
      [
        OWNER,
        { ...OTHER, password: 'wrong' },
        masterUserLogin(OTHER.username, MASTER.username, MASTER.password),
      ],
      { concurrency: 2 },
    );
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([
      {
        check: 'connect',
        status: 'ok',
        detail: expect.stringMatching(
          new RegExp(`^TLSv1\\.[23] session with ${server.host}:${server.starttlsPort} \\(STARTTLS\\)`),
        ) as unknown,
      },
      { check: 'capability:IMAP4rev1', status: 'ok', detail: 'supported' },
      { check: 'capability:CONDSTORE', status: 'ok', detail: expect.stringMatching(/^supported/) as unknown },
      { check: 'capability:QRESYNC', status: 'ok', detail: expect.stringMatching(/^supported/) as unknown },
      // INBOX, Projects and Projects/2024
      { check: 'login:sample-1', status: 'ok', detail: 'logged in; 3 folders' },
      {
        check: 'login:sample-2',
        status: 'failed',
        detail: `IMAP server ${server.host}:${server.starttlsPort}: the server refused the login`,
        remedy: expect.stringContaining('user name and password') as unknown,
      },
      { check: 'login:sample-3', status: 'ok', detail: 'logged in; 1 folder' },
    ]);
    expectNoLogin(report);
  });

  it('is ok when every login works', async () => {
    const report = await check(server.endpoint('implicit-tls'), [OWNER, OTHER]);
    expect(report.ok).toBe(true);
  });

  it('stops at a failed connect when the certificate is not trusted', async () => {
    const { ca: _ca, ...untrusted } = server.endpoint('implicit-tls');
    const report = await check(untrusted, [OWNER, OTHER]);
    expect(report).toEqual({
      ok: false,
      findings: [
        {
          check: 'connect',
          status: 'failed',
          detail: `IMAP server ${server.host}:${server.implicitTlsPort}: certificate not trusted (add the CA that issued it to the connector)`,
          remedy: expect.stringContaining('cannot be turned off') as unknown,
        },
      ],
    });
  });

  it('stops at a failed connect when the destination is refused', async () => {
    const report = await check(server.endpoint('implicit-tls'), [OWNER], { policy: new DestinationPolicy() });
    expect(report.findings).toEqual([
      {
        check: 'connect',
        status: 'failed',
        detail: expect.stringContaining('loopback') as unknown,
        remedy: expect.stringContaining('allow-list') as unknown,
      },
    ]);
    expectNoLogin(report);
  });

  it('refuses a label that is not a pseudonym, without echoing it', async () => {
    const attempt = checkImapConnection({
      endpoint: server.endpoint('implicit-tls'),
      policy,
      logins: [{ label: OWNER.username + '@example.com', login: OWNER }],
    });
    await expect(attempt).rejects.toThrow(ProviderError);
    await expect(attempt).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.not.stringMatching(/planted/) as unknown,
    });
  });
});

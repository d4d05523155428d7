import { connectionOptions, describeServer } from './connection-options';

const base = { service: 'svc', region: 'r' };

describe('NATS connection options', () => {
  it('allows plaintext to loopback', () => {
    expect(connectionOptions({ ...base, servers: ['nats://127.0.0.1:4222', 'nats://localhost:4223'] }).tls).toBeUndefined();
  });

  it('refuses plaintext to a remote server and names the server, not credentials', () => {
    expect(() => connectionOptions({ ...base, servers: ['nats://user:hunter2@nats.internal:4222'] })).toThrow(
      /refusing plaintext NATS to nats.internal:4222/,
    );
    try {
      connectionOptions({ ...base, servers: ['nats://user:hunter2@nats.internal:4222'] });
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('requires TLS 1.2 with verification for tls:// servers', () => {
    const opts = connectionOptions({ ...base, servers: ['tls://nats.internal:4222'] });
    expect(opts.tls).toMatchObject({ minVersion: 'TLSv1.2', rejectUnauthorized: true });
  });

  it.each(['http://x:1', 'ws://x:1'])('refuses the scheme of %s', (url) => {
    expect(() => connectionOptions({ ...base, servers: [url] })).toThrow(/unsupported NATS URL scheme/);
  });

  it('refuses an empty server list', () => {
    expect(() => connectionOptions({ ...base, servers: [] })).toThrow(/no NATS server/);
  });

  it('describes servers by host and port only', () => {
    expect(describeServer('nats://u:p@h:4111')).toBe('h:4111');
  });
});

import { DestinationPolicy } from './destination-policy';

describe('DestinationPolicy allow-list', () => {
  it('allows an allow-listed IP address and nothing next to it', () => {
    const policy = new DestinationPolicy({ allow: ['127.0.0.1'] });
    expect(policy.checkAddress('127.0.0.1')).toEqual({ ok: true });
    expect(policy.checkAddress('::ffff:127.0.0.1')).toEqual({ ok: true });
    expect(policy.checkAddress('127.0.0.2')).toEqual({ ok: false, reason: 'loopback' });
    expect(policy.checkAddress('::1')).toEqual({ ok: false, reason: 'loopback' });
  });

  it('allows every address in an allow-listed CIDR block', () => {
    const policy = new DestinationPolicy({ allow: ['192.168.10.0/24', 'fd00:1::/32'] });
    expect(policy.checkAddress('192.168.10.200')).toEqual({ ok: true });
    expect(policy.checkAddress('fd00:1::5')).toEqual({ ok: true });
    expect(policy.checkAddress('192.168.11.1')).toEqual({ ok: false, reason: 'private' });
  });

  it('allows every address of an allow-listed host name, in any spelling', async () => {
    const policy = new DestinationPolicy({ allow: ['imap.internal'] });
    const lookup = () =>
      Promise.resolve([
        { address: '10.1.2.3', family: 4 },
        { address: 'fd00::3', family: 6 },
      ]);

    await expect(policy.resolveDestination('IMAP.Internal.', { lookup })).resolves.toEqual({
      host: 'imap.internal',
      addresses: [
        { address: '10.1.2.3', family: 4 },
        { address: 'fd00::3', family: 6 },
      ],
    });
    await expect(policy.resolveDestination('other.internal', { lookup })).rejects.toMatchObject({
      reason: 'private',
    });
  });

  it('lets an allow entry win over an extraDeny entry', () => {
    const policy = new DestinationPolicy({ allow: ['10.96.0.10'], extraDeny: ['10.96.0.0/12'] });
    expect(policy.checkAddress('10.96.0.10')).toEqual({ ok: true });
    expect(policy.checkAddress('10.96.0.11')).toEqual({ ok: false, reason: 'private' });
  });
});

import { DestinationPolicy } from './destination-policy';

describe('DestinationPolicy extraDeny', () => {
  it('refuses addresses in an extra CIDR block that is otherwise public', () => {
    const policy = new DestinationPolicy({ extraDeny: ['203.0.113.0/24'] });
    expect(policy.checkAddress('203.0.113.9')).toEqual({ ok: false, reason: 'denied' });
    expect(policy.checkAddress('::ffff:203.0.113.9')).toEqual({ ok: false, reason: 'denied' });
    expect(policy.checkAddress('203.0.114.9')).toEqual({ ok: true });
  });

  it('accepts a service CIDR inside an already-denied range, which stays refused', () => {
    const policy = new DestinationPolicy({ extraDeny: ['10.96.0.0/12'] });
    expect(policy.checkAddress('10.96.0.1')).toEqual({ ok: false, reason: 'private' });
  });

  it('refuses a single extra IPv6 address', () => {
    const policy = new DestinationPolicy({ extraDeny: ['2606:4700:4700::1111'] });
    expect(policy.checkAddress('2606:4700:4700::1111')).toEqual({ ok: false, reason: 'denied' });
    expect(policy.checkAddress('2606:4700:4700::1001')).toEqual({ ok: true });
  });
});

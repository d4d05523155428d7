import { DestinationPolicy } from './destination-policy';

describe('DestinationPolicy.checkAddress with the built-in ranges', () => {
  const policy = new DestinationPolicy();

  it.each([
    ['0.1.2.3', 'reserved'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.254', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['168.63.129.16', 'link-local'], // Azure WireServer
    ['169.254.0.1', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'reserved'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::', 'reserved'],
    ['::1', 'loopback'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
  ])('refuses %s as %s', (ip, reason) => {
    expect(policy.checkAddress(ip)).toEqual({ ok: false, reason });
  });

  it.each([
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a00:1', 'private'],
    ['::FFFF:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
  ])('judges the IPv4-mapped address %s by its IPv4 address (%s)', (ip, reason) => {
    expect(policy.checkAddress(ip)).toEqual({ ok: false, reason });
  });

  it.each([
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
  ])('judges the NAT64 address %s by its IPv4 address (%s)', (ip, reason) => {
    expect(policy.checkAddress(ip)).toEqual({ ok: false, reason });
  });

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '203.0.113.7',
  ])('allows the public address %s', (ip) => {
    expect(policy.checkAddress(ip)).toEqual({ ok: true });
  });

  it('refuses text that is not an IP address', () => {
    expect(policy.checkAddress('example.com')).toEqual({ ok: false, reason: 'reserved' });
    expect(policy.checkAddress('127.1')).toEqual({ ok: false, reason: 'reserved' });
  });
});

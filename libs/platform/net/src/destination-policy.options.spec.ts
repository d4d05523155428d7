import { DestinationPolicy } from './destination-policy';
import { DestinationPolicyError } from './errors';

describe('DestinationPolicy options', () => {
  it.each([
    [{ allow: ['127.0.0.1', 'not a host!'] }, 'allow[1] is not a host name, IP address or CIDR block'],
    [{ allow: ['10.0.0.0/33'] }, 'allow[0] is not a host name, IP address or CIDR block'],
    [{ allow: ['10.0.0.0/'] }, 'allow[0] is not a host name, IP address or CIDR block'],
    [{ allow: [''] }, 'allow[0] is not a host name, IP address or CIDR block'],
    [
      { extraDeny: ['10.96.0.0/12', 'kubernetes.default'] },
      'extraDeny[1] is not an IP address or CIDR block',
    ],
    [{ extraDeny: ['::/129'] }, 'extraDeny[0] is not an IP address or CIDR block'],
    [{ extraDeny: [42 as unknown as string] }, 'extraDeny[0] is not an IP address or CIDR block'],
    [{ allow: 'localhost' as unknown as string[] }, 'allow must be an array'],
  ])('refuses %j at construction, naming the entry position', (options, message) => {
    expect(() => new DestinationPolicy(options)).toThrow(new DestinationPolicyError(message));
  });

  it('does not echo the invalid entry in the error', () => {
    const secretLooking = 'https://user:hunter2@example.com/';
    expect(() => new DestinationPolicy({ allow: [secretLooking] })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') as unknown }) as Error,
    );
  });

  it('accepts IPs, CIDR blocks and host names', () => {
    const policy = new DestinationPolicy({
      allow: ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'Sandbox.Local.'],
      extraDeny: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'],
    });
    expect(policy.isAllowedHost('sandbox.local')).toBe(true);
  });
});

import { DestinationPolicy, type ResolveAll } from './destination-policy';
import { DestinationRefusedError } from './errors';

const answering =
  (...addresses: string[]): ResolveAll =>
  () =>
    Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('DestinationPolicy.resolveDestination', () => {
  const policy = new DestinationPolicy();

  it('returns every checked address of a public host', async () => {
    const asked: string[] = [];
    const lookup: ResolveAll = (name) => {
      asked.push(name);
      return answering('93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946')(name);
    };
    await expect(policy.resolveDestination('WWW.Example.com.', { lookup })).resolves.toEqual({
      host: 'www.example.com',
      addresses: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
      ],
    });
    expect(asked).toEqual(['www.example.com']);
  });

  it('refuses a host resolving to one public and one private address', async () => {
    const refused = policy.resolveDestination('mixed.example', {
      lookup: answering('93.184.216.34', '10.0.0.7'),
    });
    await expect(refused).rejects.toThrow(DestinationRefusedError);
    await expect(refused).rejects.toMatchObject({
      reason: 'private',
      host: 'mixed.example',
      address: '10.0.0.7',
    });
    await expect(refused).rejects.toThrow(
      'destination "mixed.example" refused: 10.0.0.7 is a private address',
    );
  });

  it('refuses a host resolving to the cloud metadata address', async () => {
    await expect(
      policy.resolveDestination('metadata.example', { lookup: answering('169.254.169.254') }),
    ).rejects.toMatchObject({ reason: 'link-local', host: 'metadata.example' });
  });

  it('refuses a host resolving to an IPv4-mapped private address', async () => {
    await expect(
      policy.resolveDestination('mapped.example', { lookup: answering('::ffff:192.168.1.1') }),
    ).rejects.toMatchObject({ reason: 'private' });
  });

  it('checks IP literals without asking DNS', async () => {
    const lookup = jest.fn<ReturnType<ResolveAll>, Parameters<ResolveAll>>();
    await expect(policy.resolveDestination('[::1]', { lookup })).rejects.toMatchObject({
      reason: 'loopback',
      host: '::1',
    });
    await expect(policy.resolveDestination('8.8.8.8', { lookup })).resolves.toEqual({
      host: '8.8.8.8',
      addresses: [{ address: '8.8.8.8', family: 4 }],
    });
    expect(lookup).not.toHaveBeenCalled();
  });

  it.each(['', 'a..b', '127.1', 'exa mple.com', 'example.com:443', `${'a'.repeat(64)}.com`])(
    'refuses the malformed host %j without asking DNS',
    async (host) => {
      const lookup = jest.fn<ReturnType<ResolveAll>, Parameters<ResolveAll>>();
      await expect(policy.resolveDestination(host, { lookup })).rejects.toMatchObject({
        reason: 'malformed-host',
      });
      expect(lookup).not.toHaveBeenCalled();
    },
  );

  it('refuses a host that does not resolve, or resolves to nothing usable', async () => {
    const failing: ResolveAll = () =>
      Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    await expect(policy.resolveDestination('nowhere.example', { lookup: failing })).rejects.toMatchObject({
      reason: 'unresolvable',
      message: 'destination "nowhere.example" refused: it did not resolve to any usable address',
    });
    await expect(policy.resolveDestination('empty.example', { lookup: answering() })).rejects.toMatchObject({
      reason: 'unresolvable',
    });
    await expect(
      policy.resolveDestination('junk.example', { lookup: answering('not-an-ip') }),
    ).rejects.toMatchObject({
      reason: 'reserved',
    });
  });

  it('refuses an address in an operator extraDeny block as denied', async () => {
    const denying = new DestinationPolicy({ extraDeny: ['203.0.113.0/24'] });
    await expect(
      denying.resolveDestination('svc.example', { lookup: answering('203.0.113.10') }),
    ).rejects.toThrow('destination "svc.example" refused: 203.0.113.10 is in an operator-denied range');
  });
});

import { DestinationPolicy, DestinationRefusedError } from '@ferry/platform/net';
import { DestinationCheck, nodeHeaders } from './outbound-guard';
import { ProviderError } from './provider-error';

describe('the destination check every outbound request makes', () => {
  const clock = () => {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };
  /** A policy whose judging of hosts is counted (a host name is a DNS lookup in production). */
  const counted = (allow: string[] = ['203.0.113.0/24']) => {
    const policy = new DestinationPolicy({ allow });
    const judged: string[] = [];
    const real = policy.resolveDestination.bind(policy);
    jest.spyOn(policy, 'resolveDestination').mockImplementation(async (host) => {
      judged.push(host);
      if (host === 'graph.example') return { host, addresses: [{ address: '203.0.113.7', family: 4 }] };
      return real(host);
    });
    return { policy, judged };
  };

  it('judges a host once while its verdict lasts, and again once it is over', async () => {
    const { policy, judged } = counted();
    const time = clock();
    const check = new DestinationCheck(policy, 30_000, time.now);
    await check.url('https://graph.example/v1.0/users/a');
    await check.url('https://graph.example/v1.0/users/b');
    time.advance(29_000);
    await check.url(new URL('https://graph.example/v1.0/users/c'));
    expect(judged).toEqual(['graph.example']);
    time.advance(2_000);
    const url = await check.url('https://graph.example/v1.0/users/d');
    expect(judged).toEqual(['graph.example', 'graph.example']);
    expect(url.pathname).toBe('/v1.0/users/d');
  });

  it('never remembers a refusal: every request to a refused address is refused', async () => {
    const { policy, judged } = counted();
    const check = new DestinationCheck(policy);
    for (const url of ['https://10.0.0.5/x', 'https://10.0.0.5/y', 'https://[::ffff:169.254.169.254]/z']) {
      const err = await check.url(url).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).code).toBe('destination-refused');
    }
    expect(judged).toEqual(['10.0.0.5', '10.0.0.5', '::ffff:a9fe:a9fe']);
  });

  it('refuses a destination that is not https before judging its host', async () => {
    const { policy, judged } = counted();
    const check = new DestinationCheck(policy);
    await expect(check.url('http://graph.example/')).rejects.toMatchObject({ code: 'destination-refused' });
    await expect(check.url('file:///etc/passwd')).rejects.toMatchObject({ code: 'destination-refused' });
    expect(judged).toEqual([]);
  });

  it('keeps a bounded memory of hosts: past it, hosts are judged anew', async () => {
    const { policy, judged } = counted(['0.0.0.0/0']);
    const check = new DestinationCheck(policy);
    await check.url('https://203.0.113.1/');
    for (let i = 0; i < 300; i++) await check.url(`https://198.51.${i >> 8}.${i & 255}/`);
    await check.url('https://203.0.113.1/');
    expect(judged.filter((h) => h === '203.0.113.1')).toHaveLength(2);
  });

  it("maps the policy's refusal of a name it cannot resolve to destination-refused", async () => {
    const policy = new DestinationPolicy();
    jest.spyOn(policy, 'resolveDestination').mockRejectedValue(new DestinationRefusedError('unresolvable', 'nowhere.example'));
    await expect(new DestinationCheck(policy).url('https://nowhere.example/')).rejects.toMatchObject({
      code: 'destination-refused',
    });
  });
});

describe('request headers for node', () => {
  it('lower-cases names from a record, a Headers or pairs', () => {
    expect(nodeHeaders({ Authorization: 'Bearer t', 'Content-Type': 'application/json' })).toEqual({
      authorization: 'Bearer t',
      'content-type': 'application/json',
    });
    expect(nodeHeaders(new Headers({ Prefer: 'a' }))).toEqual({ prefer: 'a' });
    expect(nodeHeaders([['X-One', '1']])).toEqual({ 'x-one': '1' });
    expect(nodeHeaders(undefined)).toEqual({});
  });
});

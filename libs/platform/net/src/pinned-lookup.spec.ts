import type { LookupAddress } from 'node:dns';
import { DestinationPolicy, type ResolveAll } from './destination-policy';
import { DestinationRefusedError } from './errors';
import { pinnedLookup } from './pinned-lookup';

type Outcome = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

function callLookup(
  lookup: ReturnType<typeof pinnedLookup>,
  host: string,
  options: object,
): Promise<Outcome> {
  return new Promise((resolve) => {
    (lookup as unknown as (h: string, o: object, cb: (...args: unknown[]) => void) => void)(
      host,
      options,
      (error, address, family) => resolve({ error, address, family } as Outcome),
    );
  });
}

/** A resolver whose answer changes after the first call, as a rebinding attacker's DNS does. */
function rebinding(first: string, then: string): ResolveAll {
  let calls = 0;
  return () => {
    calls += 1;
    return Promise.resolve([{ address: calls === 1 ? first : then, family: 4 }]);
  };
}

describe('pinnedLookup', () => {
  const policy = new DestinationPolicy();

  it('hands back only checked addresses, in the form the caller asked for', async () => {
    const lookup: ResolveAll = () =>
      Promise.resolve([
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700:4700::1111', family: 6 },
      ]);
    const pinned = pinnedLookup(policy, { lookup });

    await expect(callLookup(pinned, 'example.com', {})).resolves.toEqual({
      error: null,
      address: '93.184.216.34',
      family: 4,
    });
    await expect(callLookup(pinned, 'example.com', { family: 6 })).resolves.toEqual({
      error: null,
      address: '2606:4700:4700::1111',
      family: 6,
    });
    await expect(callLookup(pinned, 'example.com', { all: true })).resolves.toEqual({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700:4700::1111', family: 6 },
      ],
      family: undefined,
    });
  });

  it('refuses at connect a name that answered public when checked and private when connecting (rebinding)', async () => {
    const lookup = rebinding('93.184.216.34', '10.0.0.5');
    await expect(policy.resolveDestination('rebind.example', { lookup })).resolves.toMatchObject({
      host: 'rebind.example',
    });

    const outcome = await callLookup(pinnedLookup(policy, { lookup }), 'rebind.example', { all: true });
    expect(outcome.error).toBeInstanceOf(DestinationRefusedError);
    expect(outcome.error).toMatchObject({ reason: 'private', host: 'rebind.example', address: '10.0.0.5' });
  });

  it('refuses a name with one refused address even when the socket asks for one family only', async () => {
    const lookup: ResolveAll = () =>
      Promise.resolve([
        { address: '93.184.216.34', family: 4 },
        { address: 'fe80::1', family: 6 },
      ]);
    const outcome = await callLookup(pinnedLookup(policy, { lookup }), 'example.com', { family: 4 });
    expect(outcome.error).toMatchObject({ reason: 'link-local' });
  });

  it('reports no usable address when none has the family asked for', async () => {
    const lookup: ResolveAll = () => Promise.resolve([{ address: '93.184.216.34', family: 4 }]);
    const outcome = await callLookup(pinnedLookup(policy, { lookup }), 'example.com', { family: 6 });
    expect(outcome.error).toMatchObject({ reason: 'unresolvable', host: 'example.com' });
  });

  it('refuses a malformed host name', async () => {
    const outcome = await callLookup(
      pinnedLookup(policy, { lookup: rebinding('8.8.8.8', '8.8.8.8') }),
      '127.1',
      {},
    );
    expect(outcome.error).toMatchObject({ reason: 'malformed-host' });
  });
});

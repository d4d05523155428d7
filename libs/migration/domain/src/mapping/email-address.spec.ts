import { normaliseAddress } from './email-address';

describe('migration domain email address', () => {
  it.each([
    ['  Alice.Smith@Example.COM ', 'alice.smith@example.com'],
    ["o'brien+tag@example.co.uk", "o'brien+tag@example.co.uk"],
    ['ZOE\u0308@B\u00dcCHER.example', 'zo\u00eb@b\u00fccher.example'],
    ['\u{1f600}@example.com', '\u{1f600}@example.com'],
    [`${'l'.repeat(64)}@x.example`, `${'l'.repeat(64)}@x.example`],
    ['a@xn--bcher-kva.example', 'a@xn--bcher-kva.example'],
  ])('takes %j as %j', (raw, address) => {
    expect(normaliseAddress(raw)).toEqual({ address });
  });

  it.each([
    ['', 'missing'],
    ['   ', 'missing'],
    [`${'l'.repeat(65)}@x.example`, 'not-an-address'],
    ['a@x.example.', 'not-an-address'],
    ['.a@x.example', 'not-an-address'],
    ['a.@x.example', 'not-an-address'],
    ['a b@x.example', 'not-an-address'],
    ['a\u200d@x.example', 'not-an-address'],
    ['a@x_y.example', 'not-an-address'],
    ['a@localhost', 'not-an-address'],
    ['a(b)@x.example', 'not-an-address'],
    ['a@x.example\u0000', 'not-an-address'],
    [`a@${'d'.repeat(400)}.example`, 'too-long'],
  ])('refuses %j: %s', (raw, problem) => {
    expect(normaliseAddress(raw)).toEqual({ problem });
  });
});

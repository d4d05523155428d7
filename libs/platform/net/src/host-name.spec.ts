import { normaliseHostName } from './host-name';

describe('normaliseHostName', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['example.com.', 'example.com'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['a-b.c1', 'a-b.c1'],
    ['10.0.0.1', '10.0.0.1'],
    ['[::1]', '::1'],
    ['FE80::1', 'fe80::1'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
  ])('accepts %s as %s', (host, expected) => {
    expect(normaliseHostName(host)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['two trailing dots', 'example.com..'],
    ['a lone dot', '.'],
    ['an empty label', 'a..b'],
    ['a leading dot', '.example.com'],
    ['a space', 'exa mple.com'],
    ['an underscore', 'my_host.example'],
    ['a port', 'example.com:443'],
    ['a path', 'example.com/x'],
    ['userinfo', 'user@example.com'],
    ['a leading hyphen', '-a.example'],
    ['a trailing hyphen', 'a-.example'],
    ['non-ASCII', 'bücher.example'],
    ['a label over 63 characters', `${'a'.repeat(64)}.com`],
    ['a name over 253 characters', `${'abcdefghi.'.repeat(25)}abcd`],
    ['a shortened IPv4 address', '127.1'],
    ['a decimal IPv4 address', '2130706433'],
    ['a hexadecimal IPv4 address', '0x7f000001'],
    ['an octal-looking IPv4 address', '0177.0.0.1'],
    ['brackets around IPv4', '[127.0.0.1]'],
    ['an IPv6 zone id', 'fe80::1%eth0'],
    ['a control character', 'example.com\n'],
  ])('refuses %s', (_case, host) => {
    expect(normaliseHostName(host)).toBeUndefined();
  });
});

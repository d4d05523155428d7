import { flagsMeanSent, normalizePropertyId } from './extended-property';

describe('normalizePropertyId', () => {
  it.each([
    ['Integer 0x0E07', 'Integer 0xe07'],
    ['integer 0x0e07', 'Integer 0xe07'],
    ['String {00020329-0000-0000-C000-000000000046} Name FerrySourceId', 'String {00020329-0000-0000-c000-000000000046} Name FerrySourceId'],
    ['String 00020329-0000-0000-C000-000000000046 Name x y', 'String {00020329-0000-0000-c000-000000000046} Name x y'],
    ['SystemTime {6ED8DA90-450B-101B-98DA-00AA003F1305} Id 0x0003', 'SystemTime {6ed8da90-450b-101b-98da-00aa003f1305} Id 0x3'],
  ])('%s -> %s', (raw, normalised) => {
    expect(normalizePropertyId(raw)).toBe(normalised);
  });

  it.each(['', 'Integer', 'Foo 0x1', 'String {not-a-guid} Name x', 'String 0x12345', 'String {00020329-0000-0000-C000-000000000046} Id name'])('refuses %p', (raw) => {
    expect(normalizePropertyId(raw)).toBeUndefined();
  });

  it('reads PidTagMessageFlags: unsent bit (0x8) means draft', () => {
    expect(flagsMeanSent('1')).toBe(true);
    expect(flagsMeanSent('0')).toBe(true);
    expect(flagsMeanSent('9')).toBe(false);
    expect(flagsMeanSent('x')).toBe(false);
  });
});

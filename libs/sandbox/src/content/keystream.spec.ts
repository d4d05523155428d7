import { keystream } from './keystream';
import { GeneratedContent } from './content-source';

async function bytes(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('keystream', () => {
  it('yields the same bytes for the same seed and different bytes for another', async () => {
    const a = await bytes(keystream('s1', 0, 4095));
    expect(a).toHaveLength(4096);
    expect((await bytes(keystream('s1', 0, 4095))).equals(a)).toBe(true);
    expect((await bytes(keystream('s2', 0, 4095))).equals(a)).toBe(false);
  });

  it('is seekable: any range equals the same slice of the whole, at unaligned offsets too', async () => {
    const whole = await bytes(keystream('seek', 0, 300_000));
    for (const [start, end] of [
      [0, 0],
      [1, 16],
      [15, 17],
      [65_535, 65_537],
      [123_457, 299_999],
    ] as const) {
      expect((await bytes(keystream('seek', start, end))).equals(whole.subarray(start, end + 1))).toBe(true);
    }
  });

  it('serves a range deep inside a 10 GB item without producing what comes before it', async () => {
    const content = new GeneratedContent('huge', 10 * 1024 ** 3);
    const start = 9 * 1024 ** 3 + 7;
    const before = process.memoryUsage().rss;
    const slice = await bytes(content.open(start, start + 1023));
    expect(slice).toHaveLength(1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    const again = await bytes(content.open(start + 512, start + 1023));
    expect(again.equals(slice.subarray(512))).toBe(true);
  });
});

import { createHash } from 'node:crypto';

const seedWordCache = new Map<string, readonly [number, number, number, number]>();

/** The four 32-bit words a seed path hashes to (SHA-256 once per path, then cached). */
function seedWords(seed: string): readonly [number, number, number, number] {
  let w = seedWordCache.get(seed);
  if (!w) {
    const h = createHash('sha256').update(seed).digest();
    w = [h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12)];
    if (seedWordCache.size > 10_000) seedWordCache.clear();
    seedWordCache.set(seed, w);
  }
  return w;
}

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A small seeded PRNG (sfc32): the same seed path always yields the same sequence. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string | readonly [number, number, number, number]) {
    [this.a, this.b, this.c, this.d] = typeof seed === 'string' ? seedWords(seed) : seed;
  }

  /**
   * The stream for item `seq` of a seed path: one hash per path, then integer mixing per item, so
   * seeding 100,000 messages does not pay 100,000 SHA-256s.
   */
  static forItem(seed: string, seq: number): Rng {
    const [w0, w1, w2, w3] = seedWords(seed);
    const rng = new Rng([splitmix32(w0 ^ seq), splitmix32(w1 ^ Math.imul(seq, 0x27d4eb2d)), splitmix32(w2 ^ (seq >>> 3)), splitmix32(w3 + seq)]);
    for (let i = 0; i < 8; i++) rng.uint32();
    return rng;
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A 16-hex-digit id (Gmail message and thread ids have this form). */
  hexId(): string {
    return this.uint32().toString(16).padStart(8, '0') + this.uint32().toString(16).padStart(8, '0');
  }
}

/** A GUID-shaped id derived from a seed path (Entra object ids, tenant ids). */
export function seededGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A lowercase hex id of `length` characters (Gmail message and thread ids are 16). */
export function seededHex(seed: string, length = 16): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** A URL-safe opaque id shaped like Exchange's base64 item ids. */
export function seededExchangeId(seed: string): string {
  const body = createHash('sha512').update(seed).digest('base64url').slice(0, 120);
  return `AAMkAG${body}`;
}

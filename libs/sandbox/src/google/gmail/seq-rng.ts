import { createHash } from 'node:crypto';

const bases = new Map<string, readonly [number, number, number, number]>();

/** The four 32-bit words a seed path hashes to (SHA-256 once per path, then cached). */
export function seedWords(seed: string): readonly [number, number, number, number] {
  let w = bases.get(seed);
  if (!w) {
    const h = createHash('sha256').update(seed).digest();
    w = [h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12)];
    if (bases.size > 10_000) bases.clear();
    bases.set(seed, w);
  }
  return w;
}

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seeded sfc32 stream for item `seq` of a seed path: one hash per path, then integer mixing per
 * item, so seeding 100,000 messages does not pay 100,000 SHA-256s (the shared `Rng` hashes per
 * instance, which is what made per-message streams slow).
 */
export class SeqRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string, seq: number) {
    const [w0, w1, w2, w3] = seedWords(seed);
    this.a = splitmix32(w0 ^ seq);
    this.b = splitmix32(w1 ^ Math.imul(seq, 0x27d4eb2d));
    this.c = splitmix32(w2 ^ (seq >>> 3));
    this.d = splitmix32(w3 + seq);
    for (let i = 0; i < 8; i++) this.uint32();
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

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyProvider, WrappedKey } from '../key-provider';

/** Creates a fresh temporary directory per test and removes it afterwards; returns a getter for it. */
export function useTempDir(): () => string {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-crypto-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}

/**
 * Wraps a real provider and keeps the buffers handed to `wrap` (by reference) and copies of their
 * contents at call time, so tests can check data keys are fresh and zeroed afterwards.
 */
export class RecordingKeyProvider implements KeyProvider {
  readonly wrappedBuffers: Buffer[] = [];
  readonly dataKeyCopies: Buffer[] = [];

  constructor(private readonly inner: KeyProvider) {}

  get kind(): string {
    return this.inner.kind;
  }

  activeKeyId(): string {
    return this.inner.activeKeyId();
  }

  wrap(dataKey: Buffer): Promise<WrappedKey> {
    this.wrappedBuffers.push(dataKey);
    this.dataKeyCopies.push(Buffer.from(dataKey));
    return this.inner.wrap(dataKey);
  }

  unwrap(wrapped: WrappedKey): Promise<Buffer> {
    return this.inner.unwrap(wrapped);
  }
}

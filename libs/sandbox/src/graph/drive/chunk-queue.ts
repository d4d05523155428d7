/**
 * An async iterable fed by pushes: lets one upload session's fragments, which arrive as separate
 * requests, flow into a single `ContentRetention.collect` as if they were one stream.
 */
export class ChunkQueue implements AsyncIterable<Buffer> {
  private readonly pending: Buffer[] = [];
  private waiter?: { resolve: (r: IteratorResult<Buffer>) => void; reject: (e: Error) => void };
  private ended = false;
  private failure?: Error;

  push(chunk: Buffer): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: chunk, done: false });
    } else this.pending.push(chunk);
  }

  end(): void {
    this.ended = true;
    this.waiter?.resolve({ value: undefined, done: true });
    this.waiter = undefined;
  }

  fail(error: Error): void {
    this.failure = error;
    this.waiter?.reject(error);
    this.waiter = undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: () => {
        if (this.failure) return Promise.reject(this.failure);
        const chunk = this.pending.shift();
        if (chunk) return Promise.resolve({ value: chunk, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiter = { resolve, reject };
        });
      },
    };
  }
}

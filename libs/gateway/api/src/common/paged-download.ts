import { once } from 'node:events';
import type { Response } from 'express';

/** A download's pages: the first is fetched before anything is sent, so its failure is an ordinary error answer. */
export interface Pages {
  /** Encoded items of the first page. */
  readonly first: readonly string[];
  /** Encoded items from `offset` on; an empty page ends the download. */
  next(offset: number): Promise<readonly string[]>;
  /** Whether items from `offset` on remain (e.g. offset < total). */
  more(offset: number): boolean;
}

/** How the download is framed: a CSV header, or a JSON object opening its array. */
export interface Framing {
  readonly contentType: string;
  /** Offered file name (Content-Disposition: attachment); null: shown inline. */
  readonly filename: string | null;
  readonly prefix: string;
  readonly separator: string;
  readonly suffix: string;
}

/**
 * Streams a paged answer: one RPC page at a time (each under the bus's message limit), written with
 * backpressure, so the gateway holds one page however long the report is. A failure after the first
 * page can no longer change the status: the connection is reset, which clients see as an incomplete
 * download, never as a complete one.
 */
export async function sendPaged(res: Response, framing: Framing, pages: Pages): Promise<void> {
  res.status(200);
  res.setHeader('content-type', framing.contentType);
  res.setHeader('cache-control', 'no-store');
  if (framing.filename) res.setHeader('content-disposition', `attachment; filename="${framing.filename}"`);
  let first = true;
  const write = async (chunk: string) => {
    if (!chunk || res.write(chunk)) return;
    // The listener that lost the race is removed, or every wait would leave a 'close' listener behind.
    const waited = new AbortController();
    await Promise.race([once(res, 'drain', { signal: waited.signal }), once(res, 'close', { signal: waited.signal })]).finally(() => waited.abort());
  };
  const writeItems = async (items: readonly string[]) => {
    for (const item of items) {
      await write(first ? item : framing.separator + item);
      first = false;
    }
  };
  try {
    await write(framing.prefix);
    await writeItems(pages.first);
    let offset = pages.first.length;
    while (!res.destroyed && pages.more(offset)) {
      const items = await pages.next(offset);
      if (items.length === 0) break;
      await writeItems(items);
      offset += items.length;
    }
    res.end(framing.suffix);
  } catch {
    res.destroy();
  }
}

/** A CSV download: the header line first, then one line per item (each ends its own line). */
export function csvFraming(filename: string, header: string): Framing {
  return { contentType: 'text/csv; charset=utf-8', filename, prefix: header, separator: '', suffix: '' };
}

/** Pages of items encoded one by one: `fetch(offset)` answers the raw items from `offset` on. */
export function encodedPages<T>(
  first: readonly T[],
  fetch: (offset: number) => Promise<readonly T[]>,
  encode: (item: T) => string,
  more: (offset: number) => boolean,
): Pages {
  return { first: first.map(encode), next: async (offset) => (await fetch(offset)).map(encode), more };
}

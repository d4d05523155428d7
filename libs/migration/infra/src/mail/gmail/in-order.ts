/**
 * Applies `work` to every item with at most `width` running at once and returns the results in the
 * items' order. The first failure rejects; work already started is left to settle.
 */
export async function inOrder<T, R>(
  items: readonly T[],
  width: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let cursor = 0;
  const lane = async (): Promise<void> => {
    for (let i = cursor++; i < items.length; i = cursor++) out[i] = await work(items[i] as T, i);
  };
  const lanes = Math.max(1, Math.min(width, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return out;
}

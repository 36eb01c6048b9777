/**
 * `fn` over `items` with at most `limit` calls running at once, results in input order
 * (the first rejection rejects the whole; calls already started still finish). For
 * bounded fan-out to a remote store: a receipt of dozens of files must not open dozens of
 * S3 connections at once.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

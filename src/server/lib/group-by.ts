/**
 * Rows grouped by a key, each group in the rows' order (reports join several aggregation
 * queries in memory this way instead of querying per unit).
 *
 * @example
 *   groupBy([{ u: 'a', n: 1 }, { u: 'a', n: 2 }], (r) => r.u).get('a'); // both rows
 */
export function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

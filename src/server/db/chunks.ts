/**
 * `rows` in batches of `size` (the last one shorter), in order; none for an empty list.
 * Repositories send long id lists and multi-row inserts batch by batch so that one statement
 * stays well under the bind-parameter limits of both databases (SQLite 32,766, PostgreSQL
 * 65,535).
 */
export function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

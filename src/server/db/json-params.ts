import { type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely';
import { EACH_ROW } from './connect';

/**
 * A list of ids as ONE bind parameter, for `column in (…)`: `(select …)` over SQLite's
 * `json_each` or PostgreSQL's `unnest`. The statement text is then the same for any number
 * of ids, so it is built cheaply and, on SQLite, prepared once (connect.ts `preparedOnce`),
 * where `in (?, ?, …)` is a new statement for every length.
 *
 * @example
 *   db.selectFrom('conflicts').selectAll().where('recordId', 'in', jsonIdList(db, ids))
 */
export function jsonIdList(
  // biome-ignore lint/suspicious/noExplicitAny: any database schema; only the dialect is read.
  db: Kysely<any>,
  ids: readonly string[],
): RawBuilder<string> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? sql<string>`(select unnest(${[...ids]}::text[]))`
    : sql<string>`(select value from json_each(${JSON.stringify(ids)}))`;
}

/**
 * SQLite: `statement` (with `?` placeholders) run once per row of `rows`, in order, as ONE
 * Kysely query (connect.ts `EACH_ROW`; the connection prepares the statement once). For a
 * statement with RETURNING the result holds one row per input row, in order.
 *
 * @example
 *   await eachRow<{ seq: number }>('insert into t (a, b) values (?, ?) returning seq', [[1, 2], [3, 4]]).execute(db)
 */
export function eachRow<R>(
  statement: string,
  rows: readonly (readonly unknown[])[],
): RawBuilder<R> {
  // EACH_ROW with the rows as its `?` (SQLite's placeholder, as Kysely writes it).
  const [before = '', after = ''] = EACH_ROW.split('?');
  return sql<R>`${sql.raw(before)}${rows}${sql.raw(after)}${sql.raw(statement)}`;
}

import { type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely';

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

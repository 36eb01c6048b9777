import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { preparedOnce } from '../../../src/server/db/connect';
import { eachRow } from '../../../src/server/db/json-params';

/**
 * The SQLite connection of the server (connect.ts): statements prepared once, and
 * `eachRow` writes that run one prepared statement per row inside the caller's transaction.
 */
describe('SQLite statements prepared once', () => {
  let raw: SQLite.Database;
  afterEach(() => raw?.close());

  function open(max?: number) {
    raw = new SQLite(':memory:');
    raw.exec('create table t (seq integer primary key autoincrement, a text not null, b integer)');
    const conn = preparedOnce(raw, max);
    // biome-ignore lint/suspicious/noExplicitAny: a schema-less test database.
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: conn }) });
    return { conn, db };
  }

  it('hands out the same statement for the same text, keeping at most `max`', () => {
    const { conn } = open(2);
    const first = conn.prepare('select 1');
    expect(conn.prepare('select 1')).toBe(first);
    conn.prepare('select 2');
    conn.prepare('select 3');
    // 'select 1' was the least recently used: prepared afresh.
    expect(conn.prepare('select 1')).not.toBe(first);
  });

  it('runs an eachRow insert per row, answering RETURNING rows in input order, inside the transaction', async () => {
    const { db } = open();
    const seqs = await db.transaction().execute(async (trx) => {
      const { rows } = await eachRow<{ seq: number }>(
        'insert into t (a, b) values (?, ?) returning seq',
        [
          ['x', 1],
          ['y', null],
          ['z', 3],
        ],
      ).execute(trx);
      return rows.map((r) => r.seq);
    });
    expect(seqs).toEqual([1, 2, 3]);
    const { rows } = await sql<{
      a: string;
      b: number | null;
    }>`select a, b from t order by seq`.execute(db);
    expect(rows).toEqual([
      { a: 'x', b: 1 },
      { a: 'y', b: null },
      { a: 'z', b: 3 },
    ]);
  });

  it('rolls an eachRow write back with its transaction when a later row fails', async () => {
    const { db } = open();
    await expect(
      db.transaction().execute(async (trx) => {
        await eachRow('insert into t (a, b) values (?, ?)', [
          ['ok', 1],
          [null, 2],
        ]).execute(trx);
      }),
    ).rejects.toThrow(/NOT NULL/);
    const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(db);
    expect(rows[0]?.n).toBe(0);
  });
});

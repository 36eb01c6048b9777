import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database, Dialect } from './database';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, for the start-up log (never includes a password). */
  where: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… selects PostgreSQL; anything else is ignored. */
  databaseUrl?: string | undefined;
  /** SQLite file path, or ':memory:'. Used when databaseUrl is not a PostgreSQL URL. */
  sqliteFile?: string;
  /** PostgreSQL only: schema to put first on the search_path (tests use one per run). */
  pgSchema?: string;
  /** PostgreSQL pool size. */
  pgPoolSize?: number;
}

const PG_INT8_OID = 20;

/**
 * Open the server database. PostgreSQL when `databaseUrl` starts with postgres:// or
 * postgresql://, else an SQLite file (WAL, foreign keys on).
 *
 * @example
 *   const { db, dialect, close } = openDatabase({ databaseUrl: process.env.DATABASE_URL, sqliteFile: 'data/telusur.sqlite' });
 */
export function openDatabase(options: OpenOptions): DatabaseHandle {
  const plugins = [new CamelCasePlugin({ maintainNestedObjectKeys: true })];
  if (options.databaseUrl && /^postgres(ql)?:\/\//.test(options.databaseUrl)) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.pgPoolSize ?? 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
      // int8 (bigint, count(*)) arrives as a JS number: every int8 we store is an epoch-ms
      // time or a count, far below 2^53.
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === PG_INT8_OID && format !== 'binary'
            ? (value: string) => Number(value)
            : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
      },
    });
    // A connection the server ends — most often a sync transaction that stayed idle past
    // idle_in_transaction_session_timeout (a frozen process), or a restart —
    // emits 'error' on its client. Unhandled, that event would crash the whole process; the
    // query in flight fails on its own, the pool drops the client, so only note it here.
    const lost = (err: Error & { code?: string }) => {
      console.warn(`database connection lost (${err.code ?? 'no code'}): ${err.message}`);
    };
    pool.on('connect', (client) => {
      client.on('error', lost);
    });
    // The pool re-emits an idle client's error; the client's own listener has noted it.
    pool.on('error', () => {});
    const url = new URL(options.databaseUrl);
    url.password = '';
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins }),
      dialect: 'postgres',
      where: `${url.toString()}${options.pgSchema ? ` (schema ${options.pgSchema})` : ''}`,
      close: () => pool.end(),
    };
  }
  const file = options.sqliteFile ?? ':memory:';
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  if (file !== ':memory:') {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
  }
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), plugins });
  return { db, dialect: 'sqlite', where: file, close: () => db.destroy() };
}

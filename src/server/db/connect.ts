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
  /**
   * PostgreSQL only: a new connection OUTSIDE the pool, with the pool's settings (URL,
   * schema, application_name, connect timeout), already connected. For a session-level
   * advisory lock held while pool connections do the work (start-up, see ops/startup.ts).
   * The caller ends it (`client.end()`); it counts against max_connections like the pool.
   * @throws Error when the connection cannot be made within the connect timeout.
   */
  dedicatedClient?: () => Promise<pg.Client>;
}

export interface OpenOptions {
  /** postgres://… selects PostgreSQL; anything else is ignored. */
  databaseUrl?: string | undefined;
  /** SQLite file path, or ':memory:'. Used when databaseUrl is not a PostgreSQL URL. */
  sqliteFile?: string;
  /** PostgreSQL only: schema to put first on the search_path (tests use one per run). */
  pgSchema?: string;
  /** PostgreSQL pool size (default 10). */
  pgPoolSize?: number;
  /**
   * PostgreSQL: how long a query waits for a pool connection (all busy) or for a new
   * connection to be made before it fails, in ms (default 10 000; 0 = forever, as pg).
   */
  pgConnectTimeoutMs?: number;
  /** PostgreSQL: an idle pool connection is closed after this many ms (default 30 000). */
  pgIdleTimeoutMs?: number;
  /**
   * PostgreSQL `application_name` of every connection, shown in pg_stat_activity (default
   * `telusur-<pid>`). An application_name in the URL wins.
   */
  pgApplicationName?: string;
}

/** Default of OpenOptions.pgConnectTimeoutMs (PG_CONNECT_TIMEOUT_MS). */
export const DEFAULT_PG_CONNECT_TIMEOUT_MS = 10_000;
/** Default of OpenOptions.pgIdleTimeoutMs (PG_IDLE_TIMEOUT_MS). */
export const DEFAULT_PG_IDLE_TIMEOUT_MS = 30_000;
/** Default of OpenOptions.pgPoolSize (PG_POOL_MAX). */
export const DEFAULT_PG_POOL_MAX = 10;

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
    const clientConfig: pg.ClientConfig = {
      connectionString: options.databaseUrl,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
      // Which process holds which connection, in pg_stat_activity (several processes share
      // one database; see docs/deploy.md "Connection pools").
      application_name: options.pgApplicationName ?? `telusur-${process.pid}`,
      // A saturated or unreachable database fails the request (503) instead of hanging it.
      connectionTimeoutMillis: options.pgConnectTimeoutMs ?? DEFAULT_PG_CONNECT_TIMEOUT_MS,
      // int8 (bigint, count(*)) arrives as a JS number: every int8 we store is an epoch-ms
      // time or a count, far below 2^53.
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === PG_INT8_OID && format !== 'binary'
            ? (value: string) => Number(value)
            : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
      },
    };
    const pool = new pg.Pool({
      ...clientConfig,
      max: options.pgPoolSize ?? DEFAULT_PG_POOL_MAX,
      idleTimeoutMillis: options.pgIdleTimeoutMs ?? DEFAULT_PG_IDLE_TIMEOUT_MS,
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
      dedicatedClient: async () => {
        const client = new pg.Client(clientConfig);
        client.on('error', lost);
        await client.connect();
        return client;
      },
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
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: preparedOnce(sqlite) }),
    plugins,
  });
  return { db, dialect: 'sqlite', where: file, close: () => db.destroy() };
}

/**
 * Prefix of a statement the SQLite connection (`preparedOnce`) runs once per row: its one
 * bind parameter (the `?` in this comment) is an array of parameter arrays, and the rest of
 * the text is an ordinary statement with `?` placeholders, prepared once and run for each
 * of them in order. A reader (RETURNING) answers the first row each run returns, in order.
 * Many single-row runs of one prepared statement cost SQLite less than one multi-row
 * statement (no statement journal, no row source to build), and nothing is compiled per row.
 */
export const EACH_ROW = '/* each row of ? */';

/** Prepared statements kept per SQLite connection (by SQL text; the least recently used go). */
export const SQLITE_STATEMENT_CACHE = 200;

/**
 * The connection as Kysely's SQLite driver sees it, with each statement prepared once:
 * the driver prepares every query it runs, and preparing costs as much as running a short
 * statement. Statements whose text does not change from call to call (every query with a
 * fixed number of parameters, and the sync push's JSON-parameter writes) are reused from
 * an LRU map of `max` entries. A statement still being iterated (a stream) is never handed
 * out twice: a fresh one is prepared instead.
 */
export function preparedOnce(
  sqlite: SQLite.Database,
  max = SQLITE_STATEMENT_CACHE,
): { close(): void; prepare(sql: string): SQLite.Statement } {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (sql: string): SQLite.Statement => {
    const hit = cache.get(sql);
    if (hit && !hit.busy) {
      // Most recently used last: Map keeps insertion order.
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const stmt = sqlite.prepare(sql);
    if (!hit) {
      cache.set(sql, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
    }
    return stmt;
  };
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (sql: string) =>
      sql.startsWith(EACH_ROW) ? eachRow(prepare(sql.slice(EACH_ROW.length))) : prepare(sql),
  };
}

/** The statement Kysely's driver runs for an `EACH_ROW` query: `stmt` once per row. */
function eachRow(stmt: SQLite.Statement): SQLite.Statement {
  const rowsOf = (params: unknown): unknown[][] => {
    const rows = (params as unknown[])[0];
    if (!Array.isArray(rows)) throw new TypeError('EACH_ROW takes one array of rows');
    return rows as unknown[][];
  };
  return {
    reader: stmt.reader,
    all: (params: unknown) => rowsOf(params).map((row) => stmt.get(row)),
    run: (params: unknown) => {
      let changes = 0;
      let lastInsertRowid: number | bigint = 0;
      for (const row of rowsOf(params)) {
        const r = stmt.run(row);
        changes += r.changes;
        lastInsertRowid = r.lastInsertRowid;
      }
      return { changes, lastInsertRowid };
    },
    iterate: () => {
      throw new Error('EACH_ROW statements cannot be streamed');
    },
  } as unknown as SQLite.Statement;
}

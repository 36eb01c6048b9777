import { spawn } from 'node:child_process';
import { OpsError, redact } from './errors';

/** URL query parameters that mean the same to libpq; passed on as its PG* variables. */
const LIBPQ_PARAMS: Record<string, string> = {
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  connect_timeout: 'PGCONNECT_TIMEOUT',
};

/**
 * libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE…) for the
 * PostgreSQL command-line tools, from a postgres:// URL. The password travels in the
 * environment, never on the command line, where `ps` would show it.
 *
 * @throws OpsError when the URL cannot be read
 */
export function libpqEnv(databaseUrl: string): Record<string, string> {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new OpsError('DATABASE_URL tidak dapat dibaca', 'DATABASE_URL cannot be parsed');
  }
  const env: Record<string, string> = {};
  const host = decodeURIComponent(url.hostname);
  if (host) env.PGHOST = host;
  if (url.port) env.PGPORT = url.port;
  if (url.username) env.PGUSER = decodeURIComponent(url.username);
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database) env.PGDATABASE = database;
  for (const [param, variable] of Object.entries(LIBPQ_PARAMS)) {
    const v = url.searchParams.get(param);
    if (v) env[variable] = v;
  }
  // A `host` parameter (Unix socket directory) wins over the URL's host, as in libpq.
  const socket = url.searchParams.get('host');
  if (socket) env.PGHOST = socket;
  return env;
}

/** A schema name as an exact pg_dump pattern: quoted, so `*`, `?`, `.` and case are literal. */
export function exactPattern(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Run a PostgreSQL client tool (pg_dump, pg_restore) with the libpq environment of
 * `databaseUrl`; resolves with its stdout.
 *
 * @throws OpsError with the tool's first error line (credentials removed) when it fails,
 *   or when it is not installed.
 */
export function runPgTool(
  tool: 'pg_dump' | 'pg_restore',
  args: readonly string[],
  databaseUrl: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, {
      env: { ...process.env, ...libpqEnv(databaseUrl), PGAPPNAME: `telusur-${tool}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? new OpsError(
              `${tool} tidak ditemukan; pasang klien PostgreSQL (versi utama sama dengan server)`,
              `${tool} not found; install the PostgreSQL client tools (same major version as the server)`,
            )
          : e,
      );
    });
    child.on('close', (code) => {
      if (code === 0) {
        resolve(out);
        return;
      }
      const line =
        err
          .split('\n')
          .map((l) => l.trim())
          .find((l) => /error|fatal|abort/i.test(l)) ??
        err.trim().split('\n')[0] ??
        '';
      reject(
        new OpsError(
          `${tool} gagal (kode ${code})`,
          `${tool} failed (code ${code}): ${redact(line)}`,
        ),
      );
    });
  });
}

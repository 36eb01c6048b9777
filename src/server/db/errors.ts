/** Driver-independent classification of constraint errors (better-sqlite3 and pg). */

function code(e: unknown): string {
  return e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : '';
}

export function isUniqueViolation(e: unknown): boolean {
  const c = code(e);
  return c === '23505' || c === 'SQLITE_CONSTRAINT_UNIQUE' || c === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function isForeignKeyViolation(e: unknown): boolean {
  const c = code(e);
  return c === '23503' || c === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * pg's pool gave up waiting for a free connection (every one of PG_POOL_MAX busy for
 * PG_CONNECT_TIMEOUT_MS). pg gives this error no code, only its message.
 */
export function isPoolTimeout(e: unknown): boolean {
  return (
    e instanceof Error &&
    code(e) === '' &&
    /^timeout exceeded when trying to connect/.test(e.message)
  );
}

/**
 * A new PostgreSQL connection was not made within PG_CONNECT_TIMEOUT_MS (the database is
 * unreachable or not answering). pg gives this error no code, only its message.
 */
export function isConnectTimeout(e: unknown): boolean {
  return (
    e instanceof Error &&
    code(e) === '' &&
    /^Connection terminated due to connection timeout/.test(e.message)
  );
}

/** Node's error codes of a host that cannot be reached at all (database, S3 endpoint). */
export const NETWORK_FAILURE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * The database could not be connected to or logged into (PostgreSQL): unreachable host or
 * port, unknown database (3D000), unknown role or failed authentication (28000, 28P01), a
 * connect timeout. Start-up reports these as a setting to fix.
 */
export function isConnectionFailure(e: unknown): boolean {
  const c = code(e);
  return (
    NETWORK_FAILURE_CODES.has(c) ||
    c === '3D000' ||
    c === '28000' ||
    c === '28P01' ||
    isConnectTimeout(e)
  );
}

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

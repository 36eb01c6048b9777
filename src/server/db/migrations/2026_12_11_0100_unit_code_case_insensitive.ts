import { type Kysely, sql } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// unit_code_case_insensitive: a unit code is unique without regard to letter case
// (core unitCodeKey: `36.72.opd.01` is the unit `36.72.OPD.01`), enforced by a unique index on
// lower(code), which SQLite (expression indexes) and PostgreSQL both build. Codes stay as
// typed; the old unique(code) stays too (it is implied).
//
// A database of an earlier release may already hold units whose codes differ only in case
// (a CSV import created the second one). Those rows are kept as they are — their
// assignments, assessments and codes in exported files stay — and the migration does not
// fail on them: in each such group the oldest unit (created_at, then id) is in the index
// and the others are left out of it by id (a partial index). Every code key therefore has
// one unit in the index, so no new unit, import or rename can take the key again; the
// coordinator merges or deletes the extra units on the units page. Without such rows (the
// usual case) the index has no WHERE clause.

const INDEX = 'units_code_ci_key';

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ id: string; code: string }>`
    select id, code from units order by created_at, id`.execute(db);
  const indexed = new Set<string>();
  const left: string[] = [];
  for (const r of rows) {
    // As SQL lower() on the codes UNIT_CODE_RE admits (ASCII).
    const key = r.code.toLowerCase();
    if (indexed.has(key)) left.push(r.id);
    else indexed.add(key);
  }
  const where = left.length ? ` where id not in (${left.map(quote).join(', ')})` : '';
  await sql.raw(`create unique index ${INDEX} on units (lower(code))${where}`).execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`drop index if exists ${INDEX}`).execute(db);
}

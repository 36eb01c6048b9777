import { uuidv7 } from '../../core';
import { isUniqueViolation } from '../db/errors';
import { inTransaction } from '../db/repositories';
import { UNIT_KINDS, type Unit, type UnitKind } from '../domain';
import { assertNoReplacementChars, CsvEncodingError, CsvSyntaxError, parseCsv } from '../lib/csv';
import { fieldProblem, Problem } from '../problems';
import { BaseService } from './context';

/** Which kind of unit may sit under which: pemda → OPD / kecamatan; kecamatan → kelurahan. */
export const PARENT_KINDS: Record<UnitKind, readonly (UnitKind | null)[]> = {
  pemda: [null],
  opd: ['pemda'],
  kecamatan: ['pemda'],
  kelurahan: ['kecamatan'],
};
const KIND_DEPTH: Record<UnitKind, number> = { pemda: 0, opd: 1, kecamatan: 1, kelurahan: 2 };
const KIND_ID: Record<UnitKind, string> = {
  pemda: 'pemerintah daerah',
  opd: 'perangkat daerah',
  kecamatan: 'kecamatan',
  kelurahan: 'kelurahan',
};

export const UNIT_CSV_HEADER = ['code', 'name', 'kind', 'parent_code'] as const;
export const UNIT_CODE_RE = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$/;
const MAX_IMPORT_ROWS = 20_000;
const MAX_REPORTED_ROWS = 500;

/** One problem in one CSV row, in both languages (the screen picks one). */
export interface RowProblem {
  column: string;
  code: string;
  message: string;
  messageEn: string;
}
export interface RowReport {
  line: number;
  problems: RowProblem[];
}

export interface UnitRow {
  line: number;
  code: string;
  name: string;
  kind: string;
  parentCode: string;
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
}

export interface UnitNode extends Unit {
  depth: number;
}

function rp(column: string, code: string, message: string, messageEn: string): RowProblem {
  return { column, code, message, messageEn };
}

function parentKindProblem(kind: UnitKind, parentKind: UnitKind | null): RowProblem {
  const allowed = PARENT_KINDS[kind];
  const wantId = allowed.map((k) => (k ? KIND_ID[k] : 'tanpa induk')).join(' atau ');
  const wantEn = allowed.map((k) => (k ? k : 'no parent')).join(' or ');
  return rp(
    'parent_code',
    'parent_kind',
    `${KIND_ID[kind]} harus berinduk ${wantId}, bukan ${parentKind ? KIND_ID[parentKind] : 'tanpa induk'}`,
    `a ${kind} needs ${wantEn} as parent, not ${parentKind ?? 'no parent'}`,
  );
}

/** Units (pemda → OPD / kecamatan → kelurahan): tree listing, edits, all-or-nothing CSV import. */
export class UnitsService extends BaseService {
  /** Every unit in tree order (parents before children, siblings by code), with its depth. */
  async tree(): Promise<UnitNode[]> {
    const units = await this.repos.units.list();
    const children = new Map<string | null, Unit[]>();
    const ids = new Set(units.map((u) => u.id));
    for (const u of units) {
      const key = u.parentId !== null && ids.has(u.parentId) ? u.parentId : null;
      children.set(key, [...(children.get(key) ?? []), u]);
    }
    const out: UnitNode[] = [];
    const walk = (parent: string | null, depth: number) => {
      const list = (children.get(parent) ?? []).sort(
        (a, b) =>
          KIND_DEPTH[a.kind] - KIND_DEPTH[b.kind] ||
          UNIT_KINDS.indexOf(a.kind) - UNIT_KINDS.indexOf(b.kind) ||
          (a.code < b.code ? -1 : 1),
      );
      for (const u of list) {
        out.push({ ...u, depth });
        walk(u.id, depth + 1);
      }
    };
    walk(null, 0);
    return out;
  }

  async get(id: string): Promise<Unit> {
    const u = await this.repos.units.findById(id);
    if (!u) throw new Problem('not_found', { what: 'Unit', whatEn: 'Unit' });
    return u;
  }

  async create(input: {
    code: string;
    name: string;
    kind: UnitKind;
    parentId: string | null;
  }): Promise<Unit> {
    const parent = await this.parentFor(input.parentId, input.kind);
    if (await this.repos.units.findByCode(input.code))
      throw new Problem('unit_code_taken', { code: input.code });
    const unit: Unit = {
      id: uuidv7(this.now()),
      parentId: parent?.id ?? null,
      kind: input.kind,
      name: input.name.trim(),
      code: input.code,
      demo: false,
    };
    try {
      await this.repos.units.insertMany([unit], this.now());
    } catch (e) {
      if (isUniqueViolation(e)) throw new Problem('unit_code_taken', { code: input.code });
      throw e;
    }
    return unit;
  }

  async update(
    id: string,
    patch: {
      code?: string | undefined;
      name?: string | undefined;
      kind?: UnitKind | undefined;
      parentId?: string | null | undefined;
    },
  ): Promise<Unit> {
    const current = await this.get(id);
    const kind = patch.kind ?? current.kind;
    const parentId = patch.parentId !== undefined ? patch.parentId : current.parentId;
    if (parentId === id)
      throw fieldProblem(
        'parentId',
        'parent_self',
        'Unit tidak boleh menjadi induk dirinya sendiri.',
        'A unit cannot be its own parent.',
      );
    await this.parentFor(parentId, kind);
    if (kind !== current.kind) {
      const all = await this.repos.units.list();
      const bad = all.find((u) => u.parentId === id && !PARENT_KINDS[u.kind].includes(kind));
      if (bad) {
        const p = parentKindProblem(bad.kind, kind);
        throw new Problem('unit_parent_invalid', {
          reason: `${bad.name}: ${p.message}`,
          reasonEn: `${bad.name}: ${p.messageEn}`,
        });
      }
    }
    if (
      patch.code !== undefined &&
      patch.code !== current.code &&
      (await this.repos.units.findByCode(patch.code))
    ) {
      throw new Problem('unit_code_taken', { code: patch.code });
    }
    await this.repos.units.update(id, { ...patch, name: patch.name?.trim(), parentId }, this.now());
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    const busy =
      (await this.repos.units.childCount(id)) > 0 ||
      (await this.repos.assignments.countForUnit(id)) > 0 ||
      (await this.repos.assignments.countAssessmentsForUnit(id)) > 0;
    if (busy) throw new Problem('unit_in_use');
    await this.repos.units.delete(id);
  }

  /**
   * Import `code,name,kind,parent_code` CSV: every row valid → all saved; else a per-row
   * report and nothing saved. `text` is decoded already (http/body.ts csvBody reads UTF-8
   * and Windows-1252 files); text still holding U+FFFD was decoded wrongly somewhere and is
   * refused (422 `csv_encoding`) rather than imported as "Cibeber �".
   */
  async importCsv(text: string): Promise<ImportSummary> {
    let table: ReturnType<typeof parseCsv>;
    try {
      assertNoReplacementChars(text);
      table = parseCsv(text);
    } catch (e) {
      if (e instanceof CsvEncodingError)
        throw new Problem('csv_encoding', { reason: e.reason, reasonEn: e.reasonEn });
      if (e instanceof CsvSyntaxError) {
        throw new Problem(
          'csv_invalid',
          { count: 1 },
          {
            rows: [
              {
                line: e.line,
                problems: [
                  rp(
                    '',
                    'unterminated_quote',
                    'tanda kutip tidak ditutup',
                    'unterminated quoted field',
                  ),
                ],
              },
            ],
            total: 1,
          },
        );
      }
      throw e;
    }
    const col = UNIT_CSV_HEADER.map((h) => table.header.indexOf(h));
    if (col.some((i) => i < 0))
      throw new Problem('csv_header', { expected: UNIT_CSV_HEADER.join(',') });
    if (table.rows.length === 0) throw new Problem('csv_empty');
    if (table.rows.length > MAX_IMPORT_ROWS) {
      throw new Problem(
        'csv_invalid',
        { count: table.rows.length },
        {
          rows: [
            {
              line: 1,
              problems: [
                rp(
                  '',
                  'too_many_rows',
                  `maksimal ${MAX_IMPORT_ROWS} baris per impor`,
                  `at most ${MAX_IMPORT_ROWS} rows per import`,
                ),
              ],
            },
          ],
          total: 1,
        },
      );
    }
    const cell = (cells: string[], i: number) => (cells[col[i] as number] ?? '').trim();
    return this.importRows(
      table.rows.map((r) => ({
        line: r.line,
        code: cell(r.cells, 0),
        name: cell(r.cells, 1),
        kind: cell(r.cells, 2).toLowerCase(),
        parentCode: cell(r.cells, 3),
      })),
    );
  }

  /** Validate all rows against each other and the database, then write them in one transaction. */
  async importRows(
    rows: readonly UnitRow[],
    options: { demo?: boolean } = {},
  ): Promise<ImportSummary> {
    const existing = await this.repos.units.list();
    const byCode = new Map(existing.map((u) => [u.code, u]));
    const reports: RowReport[] = [];
    const seen = new Map<string, number>();
    const finalKind = new Map<string, UnitKind>(existing.map((u) => [u.code, u.kind]));
    const valid: (UnitRow & { kind: UnitKind })[] = [];

    for (const row of rows) {
      const problems: RowProblem[] = [];
      if (!row.code) problems.push(rp('code', 'required', 'kode wajib diisi', 'code is required'));
      else if (!UNIT_CODE_RE.test(row.code))
        problems.push(
          rp(
            'code',
            'bad_format',
            'kode hanya boleh huruf, angka, titik, garis miring, garis bawah, dan tanda hubung (maks. 64)',
            'code may only contain letters, digits, dots, slashes, underscores and hyphens (max 64)',
          ),
        );
      else if (seen.has(row.code))
        problems.push(
          rp(
            'code',
            'duplicate',
            `kode sama dengan baris ${seen.get(row.code)}`,
            `same code as line ${seen.get(row.code)}`,
          ),
        );
      if (!row.name) problems.push(rp('name', 'required', 'nama wajib diisi', 'name is required'));
      else if (row.name.length > 200)
        problems.push(
          rp('name', 'too_long', 'nama maksimal 200 karakter', 'name is at most 200 characters'),
        );
      if (!(UNIT_KINDS as readonly string[]).includes(row.kind))
        problems.push(
          rp(
            'kind',
            'invalid_kind',
            `jenis harus salah satu dari: ${UNIT_KINDS.join(', ')}`,
            `kind must be one of: ${UNIT_KINDS.join(', ')}`,
          ),
        );
      if (row.parentCode.length > 64)
        problems.push(
          rp(
            'parent_code',
            'too_long',
            'kode induk maksimal 64 karakter',
            'parent code is at most 64 characters',
          ),
        );
      if (row.code && !seen.has(row.code)) seen.set(row.code, row.line);
      if (problems.length) reports.push({ line: row.line, problems });
      else {
        valid.push(row as UnitRow & { kind: UnitKind });
        finalKind.set(row.code, row.kind as UnitKind);
      }
    }

    const fileCodes = new Set(valid.map((r) => r.code));
    for (const row of valid) {
      const problems: RowProblem[] = [];
      if (row.parentCode === row.code) {
        problems.push(
          rp(
            'parent_code',
            'parent_self',
            'unit tidak boleh menjadi induk dirinya sendiri',
            'a unit cannot be its own parent',
          ),
        );
      } else if (row.parentCode && !finalKind.has(row.parentCode)) {
        problems.push(
          rp(
            'parent_code',
            'unknown_parent',
            `kode induk "${row.parentCode}" tidak ada di berkas maupun di server`,
            `parent code "${row.parentCode}" is neither in the file nor on the server`,
          ),
        );
      } else {
        const parentKind = row.parentCode ? (finalKind.get(row.parentCode) ?? null) : null;
        if (!PARENT_KINDS[row.kind].includes(parentKind))
          problems.push(parentKindProblem(row.kind, parentKind));
      }
      // A unit whose kind changes must still fit the children it keeps on the server.
      const current = byCode.get(row.code);
      if (current && current.kind !== row.kind) {
        const orphan = existing.find(
          (u) =>
            u.parentId === current.id &&
            !fileCodes.has(u.code) &&
            !PARENT_KINDS[u.kind].includes(row.kind),
        );
        if (orphan) {
          problems.push(
            rp(
              'kind',
              'children_conflict',
              `sub-unit "${orphan.code}" (${KIND_ID[orphan.kind]}) tidak dapat berada di bawah ${KIND_ID[row.kind]}`,
              `sub-unit "${orphan.code}" (${orphan.kind}) cannot sit under a ${row.kind}`,
            ),
          );
        }
      }
      if (problems.length) reports.push({ line: row.line, problems });
    }

    if (reports.length) {
      reports.sort((a, b) => a.line - b.line);
      throw new Problem(
        'csv_invalid',
        { count: reports.length },
        { rows: reports.slice(0, MAX_REPORTED_ROWS), total: reports.length },
      );
    }

    const now = this.now();
    const idByCode = new Map(existing.map((u) => [u.code, u.id]));
    for (const row of valid) if (!idByCode.has(row.code)) idByCode.set(row.code, uuidv7(now));
    const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0 };
    const inserts: Unit[] = [];
    const updates: { id: string; name: string; kind: UnitKind; parentId: string | null }[] = [];
    for (const row of [...valid].sort((a, b) => KIND_DEPTH[a.kind] - KIND_DEPTH[b.kind])) {
      const parentId = row.parentCode ? (idByCode.get(row.parentCode) ?? null) : null;
      const current = byCode.get(row.code);
      if (!current) {
        inserts.push({
          id: idByCode.get(row.code) as string,
          parentId,
          kind: row.kind,
          name: row.name,
          code: row.code,
          demo: options.demo ?? false,
        });
        summary.created++;
      } else if (
        current.name !== row.name ||
        current.kind !== row.kind ||
        current.parentId !== parentId
      ) {
        updates.push({ id: current.id, name: row.name, kind: row.kind, parentId });
        summary.updated++;
      } else summary.unchanged++;
    }
    try {
      await inTransaction(this.deps.db, async (repos) => {
        await repos.units.insertMany(inserts, now);
        for (const u of updates) await repos.units.update(u.id, u, now);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new Problem('unit_code_taken', { code: '?' });
      throw e;
    }
    return summary;
  }

  private async parentFor(parentId: string | null, kind: UnitKind): Promise<Unit | null> {
    const parent = parentId === null ? null : await this.repos.units.findById(parentId);
    if (parentId !== null && !parent) {
      throw fieldProblem(
        'parentId',
        'unknown_reference',
        'Unit induk tidak ditemukan.',
        'Parent unit not found.',
      );
    }
    if (!PARENT_KINDS[kind].includes(parent?.kind ?? null)) {
      const p = parentKindProblem(kind, parent?.kind ?? null);
      throw new Problem('unit_parent_invalid', { reason: p.message, reasonEn: p.messageEn });
    }
    return parent;
  }
}

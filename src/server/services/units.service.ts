import {
  type CsvRowProblem,
  type CsvRowReport,
  PARENT_KINDS,
  UNIT_CODE_RE,
  type UnitImportSummary,
  type UnitNode,
  unitCodeKey,
  unitCodeLookup,
  uuidv7,
} from '../../core';
import { isUniqueViolation } from '../db/errors';
import { inTransaction } from '../db/repositories';
import { UNIT_KINDS, type Unit, type UnitKind } from '../domain';
import { fieldProblem, Problem } from '../problems';
import { BaseService } from './context';
import { type CsvColumn, readCsvImport, rejectRows, rowProblem as rp } from './csv-import';

const KIND_DEPTH: Record<UnitKind, number> = { pemda: 0, opd: 1, kecamatan: 1, kelurahan: 2 };
const KIND_ID: Record<UnitKind, string> = {
  pemda: 'pemerintah daerah',
  opd: 'perangkat daerah',
  kecamatan: 'kecamatan',
  kelurahan: 'kelurahan',
};

/** Columns of the units import file (README "CSV files"). */
export const UNIT_CSV_COLUMNS = {
  code: { header: 'kode_unit', aliases: ['code'], required: true },
  name: { header: 'nama_unit', aliases: ['name'], required: true },
  kind: { header: 'jenis_unit', aliases: ['kind'], required: true },
  parentCode: { header: 'kode_induk', aliases: ['parent_code'], required: true },
} as const satisfies Record<string, CsvColumn>;
type UnitColumn = keyof typeof UNIT_CSV_COLUMNS;
const MAX_IMPORT_ROWS = 20_000;

export interface UnitRow {
  line: number;
  code: string;
  name: string;
  kind: string;
  parentCode: string;
}

function parentKindProblem(
  kind: UnitKind,
  parentKind: UnitKind | null,
  column: string,
): CsvRowProblem {
  const allowed = PARENT_KINDS[kind];
  const wantId = allowed.map((k) => (k ? KIND_ID[k] : 'tanpa induk')).join(' atau ');
  const wantEn = allowed.map((k) => (k ? k : 'no parent')).join(' or ');
  return rp(
    column,
    'parent_kind',
    `${KIND_ID[kind]} harus berinduk ${wantId}, bukan ${parentKind ? KIND_ID[parentKind] : 'tanpa induk'}`,
    `a ${kind} needs ${wantEn} as parent, not ${parentKind ?? 'no parent'}`,
  );
}

/**
 * Example rows of the units template: one of each kind, each under a parent of the kind it
 * needs, so the file imports as it is and shows how `kode_induk` links the tree.
 */
const TEMPLATE_ROWS: readonly (readonly [string, string, UnitKind, string])[] = [
  ['PEMDA', 'Pemerintah Daerah Contoh', 'pemda', ''],
  ['PEMDA.OPD.01', 'Dinas Komunikasi dan Informatika', 'opd', 'PEMDA'],
  ['PEMDA.01', 'Kecamatan Contoh', 'kecamatan', 'PEMDA'],
  ['PEMDA.01.1001', 'Kelurahan Contoh', 'kelurahan', 'PEMDA.01'],
];

/**
 * The units template the coordinator downloads (README "CSV files"): the documented header
 * and example rows, `;` between columns, UTF-8 with BOM and CRLF — what Excel with
 * Indonesian settings opens in columns and saves back in a form the import reads as it is.
 */
export function unitsTemplateCsv(): string {
  const cols = Object.values(UNIT_CSV_COLUMNS).map((c) => c.header);
  const lines = [cols, ...TEMPLATE_ROWS].map((cells) => cells.join(';'));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
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

  /**
   * One unit.
   *
   * @throws Problem 404 `not_found`
   */
  async get(id: string): Promise<Unit> {
    const u = await this.repos.units.findById(id);
    if (!u) throw new Problem('not_found', { what: 'Unit', whatEn: 'Unit' });
    return u;
  }

  /**
   * A new unit under a parent of the right kind (PARENT_KINDS). Its code is kept as typed;
   * a code another unit has in any letter case is taken (core `unitCodeKey`).
   *
   * @throws Problem 422 `unit_parent_invalid` / field `parentId` `unknown_reference`, 409
   *   `unit_code_taken`
   */
  async create(input: {
    code: string;
    name: string;
    kind: UnitKind;
    parentId: string | null;
  }): Promise<Unit> {
    const parent = await this.parentFor(input.parentId, input.kind);
    await this.assertCodeFree(input.code, null);
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

  /**
   * Change a unit's code, name, kind or parent; its children must still fit its kind. A new
   * code another unit has in any letter case is taken; the unit's own code in another case
   * is a change of spelling only.
   *
   * @throws Problem 404 `not_found`, 422 `unit_parent_invalid` / field `parentId`
   *   (`parent_self`, `unknown_reference`), 409 `unit_code_taken`
   */
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
        const p = parentKindProblem(bad.kind, kind, 'parentId');
        throw new Problem('unit_parent_invalid', {
          reason: `${bad.name}: ${p.message}`,
          reasonEn: `${bad.name}: ${p.messageEn}`,
        });
      }
    }
    if (patch.code !== undefined && patch.code !== current.code)
      await this.assertCodeFree(patch.code, id);
    try {
      await this.repos.units.update(
        id,
        { ...patch, name: patch.name?.trim(), parentId },
        this.now(),
      );
    } catch (e) {
      // Another request took the code between the check and the write (units_code_ci_key).
      if (isUniqueViolation(e)) throw new Problem('unit_code_taken', { code: patch.code ?? '?' });
      throw e;
    }
    return this.get(id);
  }

  /**
   * Delete a unit nobody refers to.
   *
   * @throws Problem 404 `not_found`, 409 `unit_in_use` (it has sub-units, assignments,
   *   assessments, improvement actions on or owned by it, or owner accounts; the message
   *   counts each)
   */
  async delete(id: string): Promise<void> {
    const unit = await this.get(id);
    const held = {
      children: await this.repos.units.childCount(id),
      assignments: await this.repos.assignments.countForUnit(id),
      assessments: await this.repos.assignments.countAssessmentsForUnit(id),
      actions: await this.repos.actions.countForUnit(id),
      owners: await this.repos.actions.ownerAccountsOfUnit(id),
    };
    if (Object.values(held).some((n) => n > 0))
      throw new Problem('unit_in_use', { name: unit.name, ...held });
    await this.repos.units.delete(id);
  }

  /**
   * Import a units CSV (`kode_unit,nama_unit,jenis_unit,kode_induk`, or the English
   * `code,name,kind,parent_code`): every row valid → all saved; else a per-row report and
   * nothing saved. `text` is decoded already (http/body.ts csvBody reads UTF-8 and
   * Windows-1252 files); csv-import.ts says which files are refused whole.
   *
   * @throws Problem 422 `csv_encoding`, `csv_header`, `csv_empty`, `csv_invalid` (per-row
   *   report), 409 `unit_code_taken` (a code taken while the import ran)
   */
  async importCsv(text: string): Promise<UnitImportSummary> {
    const { rows, headers } = readCsvImport(text, UNIT_CSV_COLUMNS, MAX_IMPORT_ROWS);
    return this.importRows(
      rows.map(({ line, cells }) => ({ line, ...cells, kind: cells.kind.toLowerCase() })),
      { headers },
    );
  }

  /**
   * Validate all rows against each other and the database, then write them in one
   * transaction. `headers` names the columns in row problems as the file spells them.
   *
   * @throws Problem 422 `csv_invalid` (per-row report), 409 `unit_code_taken`
   */
  async importRows(
    rows: readonly UnitRow[],
    options: { demo?: boolean; headers?: Record<UnitColumn, string> } = {},
  ): Promise<UnitImportSummary> {
    const col =
      options.headers ??
      (Object.fromEntries(
        Object.entries(UNIT_CSV_COLUMNS).map(([k, c]) => [k, c.header]),
      ) as Record<UnitColumn, string>);
    const existing = await this.repos.units.list();
    // Codes match without regard to letter case (core unitCodeKey): a row whose code an
    // existing unit has in another case is that unit, two such rows are one unit twice, and
    // `kode_induk` finds its parent in any case.
    const key = unitCodeKey;
    const onServer = unitCodeLookup(existing);
    const reports: CsvRowReport[] = [];
    const seen = new Map<string, number>();
    // Kinds of the file's valid rows by code key; a parent not in the file is on the server.
    const fileKind = new Map<string, UnitKind>();
    const hasParent = (code: string) => fileKind.has(key(code)) || onServer(code) !== undefined;
    const kindOf = (code: string) => fileKind.get(key(code)) ?? onServer(code)?.kind ?? null;
    const valid: (UnitRow & { kind: UnitKind })[] = [];

    for (const row of rows) {
      const problems: CsvRowProblem[] = [];
      if (!row.code)
        problems.push(rp(col.code, 'required', 'kode wajib diisi', 'code is required'));
      else if (!UNIT_CODE_RE.test(row.code))
        problems.push(
          rp(
            col.code,
            'bad_format',
            'kode hanya boleh huruf, angka, titik, garis miring, garis bawah, dan tanda hubung (maks. 64)',
            'code may only contain letters, digits, dots, slashes, underscores and hyphens (max 64)',
          ),
        );
      else if (seen.has(key(row.code)))
        problems.push(
          rp(
            col.code,
            'duplicate',
            `kode sama dengan baris ${seen.get(key(row.code))}`,
            `same code as line ${seen.get(key(row.code))}`,
          ),
        );
      if (!row.name)
        problems.push(rp(col.name, 'required', 'nama wajib diisi', 'name is required'));
      else if (row.name.length > 200)
        problems.push(
          rp(col.name, 'too_long', 'nama maksimal 200 karakter', 'name is at most 200 characters'),
        );
      if (!(UNIT_KINDS as readonly string[]).includes(row.kind))
        problems.push(
          rp(
            col.kind,
            'invalid_kind',
            `jenis harus salah satu dari: ${UNIT_KINDS.join(', ')}`,
            `kind must be one of: ${UNIT_KINDS.join(', ')}`,
          ),
        );
      if (row.parentCode.length > 64)
        problems.push(
          rp(
            col.parentCode,
            'too_long',
            'kode induk maksimal 64 karakter',
            'parent code is at most 64 characters',
          ),
        );
      if (row.code && !seen.has(key(row.code))) seen.set(key(row.code), row.line);
      if (problems.length) reports.push({ line: row.line, problems });
      else {
        valid.push(row as UnitRow & { kind: UnitKind });
        fileKind.set(key(row.code), row.kind as UnitKind);
      }
    }

    const fileCodes = new Set(valid.map((r) => key(r.code)));
    for (const row of valid) {
      const problems: CsvRowProblem[] = [];
      if (row.parentCode && key(row.parentCode) === key(row.code)) {
        problems.push(
          rp(
            col.parentCode,
            'parent_self',
            'unit tidak boleh menjadi induk dirinya sendiri',
            'a unit cannot be its own parent',
          ),
        );
      } else if (row.parentCode && !hasParent(row.parentCode)) {
        problems.push(
          rp(
            col.parentCode,
            'unknown_parent',
            `kode induk "${row.parentCode}" tidak ada di berkas maupun di server`,
            `parent code "${row.parentCode}" is neither in the file nor on the server`,
          ),
        );
      } else {
        const parentKind = row.parentCode ? kindOf(row.parentCode) : null;
        if (!PARENT_KINDS[row.kind].includes(parentKind))
          problems.push(parentKindProblem(row.kind, parentKind, col.parentCode));
      }
      // A unit whose kind changes must still fit the children it keeps on the server.
      const current = onServer(row.code);
      if (current && current.kind !== row.kind) {
        const orphan = existing.find(
          (u) =>
            u.parentId === current.id &&
            !fileCodes.has(key(u.code)) &&
            !PARENT_KINDS[u.kind].includes(row.kind),
        );
        if (orphan) {
          problems.push(
            rp(
              col.kind,
              'children_conflict',
              `sub-unit "${orphan.code}" (${KIND_ID[orphan.kind]}) tidak dapat berada di bawah ${KIND_ID[row.kind]}`,
              `sub-unit "${orphan.code}" (${orphan.kind}) cannot sit under a ${row.kind}`,
            ),
          );
        }
      }
      if (problems.length) reports.push({ line: row.line, problems });
    }

    if (reports.length) rejectRows(reports);

    const now = this.now();
    const fileId = new Map(valid.map((r) => [key(r.code), onServer(r.code)?.id ?? uuidv7(now)]));
    const summary: UnitImportSummary = { created: 0, updated: 0, unchanged: 0 };
    const inserts: Unit[] = [];
    const updates: { id: string; name: string; kind: UnitKind; parentId: string | null }[] = [];
    for (const row of [...valid].sort((a, b) => KIND_DEPTH[a.kind] - KIND_DEPTH[b.kind])) {
      const parentId = row.parentCode
        ? (fileId.get(key(row.parentCode)) ?? onServer(row.parentCode)?.id ?? null)
        : null;
      // A unit already on the server keeps its code as first typed; the row updates the rest.
      const current = onServer(row.code);
      if (!current) {
        inserts.push({
          id: fileId.get(key(row.code)) as string,
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

  /**
   * Refuses a code some unit other than `selfId` has, in any letter case (core
   * `unitCodeKey`).
   *
   * @throws Problem 409 `unit_code_taken` (with the code as the other unit spells it)
   */
  private async assertCodeFree(code: string, selfId: string | null): Promise<void> {
    const other = (await this.repos.units.sameCode(code)).find((u) => u.id !== selfId);
    // The code as the other unit spells it, so the coordinator recognises the unit.
    if (other) throw new Problem('unit_code_taken', { code: other.code });
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
      const p = parentKindProblem(kind, parent?.kind ?? null, 'parentId');
      throw new Problem('unit_parent_invalid', { reason: p.message, reasonEn: p.messageEn });
    }
    return parent;
  }
}

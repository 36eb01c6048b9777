import { describe, expect, it } from 'vitest';
import { Problem } from '../../../src/server/problems';
import { readCsvImport } from '../../../src/server/services/csv-import';
import { LEVEL_COLUMNS } from '../../../src/server/services/exports/levels';
import { SELF_ASSESSMENT_CSV_COLUMNS } from '../../../src/server/services/self-assessments.service';
import { UNIT_CSV_COLUMNS } from '../../../src/server/services/units.service';

const COLUMNS = {
  unit: { header: 'kode_unit', aliases: ['unit_code'], required: true },
  level: { header: 'level_mandiri', aliases: ['level'], required: true },
  note: { header: 'penjelasan_mandiri', aliases: ['justification'], required: false },
};

/** The Problem `fn` throws (fails the test when it throws none). */
function problemOf(fn: () => unknown): Problem {
  try {
    fn();
  } catch (e) {
    if (e instanceof Problem) return e;
    throw e;
  }
  throw new Error('no problem thrown');
}

describe('readCsvImport', () => {
  it('reads the Indonesian headers in any order, trimming cells; an absent optional column is empty', () => {
    const t = readCsvImport('level_mandiri;kode_unit;lain\n 3 ;36.72; x\n', COLUMNS, 10);
    expect(t.rows).toEqual([{ line: 2, cells: { unit: '36.72', level: '3', note: '' } }]);
    expect(t.headers).toEqual({
      unit: 'kode_unit',
      level: 'level_mandiri',
      note: 'penjelasan_mandiri',
    });
  });

  it('still accepts the English headers, and names the columns as the file does', () => {
    const t = readCsvImport('unit_code,level,justification\n36.72,2,ok\n', COLUMNS, 10);
    expect(t.rows[0]?.cells).toEqual({ unit: '36.72', level: '2', note: 'ok' });
    expect(t.headers).toEqual({ unit: 'unit_code', level: 'level', note: 'justification' });
  });

  it('refuses a file without a required column, naming both headers', () => {
    const p = problemOf(() => readCsvImport('kode_unit\n36.72\n', COLUMNS, 10));
    expect(p.code).toBe('csv_header');
    expect(p.params.expected).toBe(
      'kode_unit,level_mandiri,penjelasan_mandiri / unit_code,level,justification',
    );
  });

  it('refuses wrongly decoded text, an unterminated quote, an empty file and too many rows', () => {
    expect(problemOf(() => readCsvImport('kode_unit,level\nA\ufffd,1\n', COLUMNS, 10)).code).toBe(
      'csv_encoding',
    );
    const quote = problemOf(() => readCsvImport('kode_unit,level\nA,"1\n', COLUMNS, 10));
    expect(quote.code).toBe('csv_invalid');
    expect(quote.details).toEqual({
      rows: [{ line: 2, problems: [expect.objectContaining({ code: 'unterminated_quote' })] }],
      total: 1,
    });
    expect(problemOf(() => readCsvImport('kode_unit,level\n', COLUMNS, 10)).code).toBe('csv_empty');
    const many = problemOf(() => readCsvImport('kode_unit,level\nA,1\nB,2\n', COLUMNS, 1));
    expect(many.code).toBe('csv_invalid');
    expect(many.details).toMatchObject({
      rows: [{ line: 1, problems: [{ code: 'too_many_rows' }] }],
    });
  });
});

describe('CSV headers: one language for imports and exports', () => {
  it('reads, as machine names, the facts the levels export writes under human labels', () => {
    // The export is for people (README "CSV files"); each import column is one of its facts.
    const exported = LEVEL_COLUMNS.map((c) => c.label);
    for (const [c, label] of [
      [SELF_ASSESSMENT_CSV_COLUMNS.unitCode, 'Kode unit'],
      [SELF_ASSESSMENT_CSV_COLUMNS.indicatorNo, 'No. indikator'],
      [SELF_ASSESSMENT_CSV_COLUMNS.level, 'Level mandiri'],
      [UNIT_CSV_COLUMNS.code, 'Kode unit'],
      [UNIT_CSV_COLUMNS.name, 'Nama unit'],
      [UNIT_CSV_COLUMNS.kind, 'Jenis unit'],
    ] as const) {
      expect(exported).toContain(label);
      expect(c.header).toBe(label.toLowerCase().replace('no. ', 'no_').replaceAll(' ', '_'));
    }
  });

  it('keeps every header the imports accepted before as an alias', () => {
    const aliases = (cols: Record<string, { aliases: readonly string[] }>) =>
      Object.values(cols).map((c) => c.aliases[0]);
    expect(aliases(UNIT_CSV_COLUMNS)).toEqual(['code', 'name', 'kind', 'parent_code']);
    expect(aliases(SELF_ASSESSMENT_CSV_COLUMNS)).toEqual([
      'unit_code',
      'indicator_no',
      'level',
      'justification',
    ]);
  });
});

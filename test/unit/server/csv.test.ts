import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from '../../../src/server/lib/csv';

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF and a BOM; header in lower case', () => {
    const t = parseCsv('\ufeffCode,Name\r\n01,"Dinas ""A"", Kota"\r\n02,"baris\ndua"\r\n');
    expect(t.header).toEqual(['code', 'name']);
    expect(t.rows).toEqual([
      { line: 2, cells: ['01', 'Dinas "A", Kota'] },
      { line: 3, cells: ['02', 'baris\ndua'] },
    ]);
  });

  it('uses semicolons when the header does (Excel with Indonesian settings)', () => {
    const t = parseCsv('code;name\n01;Dinas, Kota\n');
    expect(t.rows[0]?.cells).toEqual(['01', 'Dinas, Kota']);
  });

  it('skips blank lines but keeps true line numbers', () => {
    const t = parseCsv('a,b\n\n1,2\n\n\n3,4');
    expect(t.rows.map((r) => r.line)).toEqual([3, 6]);
  });

  it('reports an unterminated quote with its line', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3')).toThrow(CsvSyntaxError);
    try {
      parseCsv('a,b\n1,"open\n2,3');
    } catch (e) {
      expect((e as CsvSyntaxError).line).toBe(2);
    }
  });

  it('round-trips any table written with full quoting', () => {
    const cell = fc.string({ unit: 'grapheme', maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 6 }),
        (rows) => {
          const text = [
            'h1,h2',
            ...rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')),
          ].join('\n');
          const t = parseCsv(text);
          expect(t.rows.map((r) => r.cells)).toEqual(rows);
        },
      ),
    );
  });
});

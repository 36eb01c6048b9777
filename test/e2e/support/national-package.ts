import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';

/**
 * A downloaded national evidence package, opened as the national portal's operator would:
 * its files by name, and the index sheet `indeks.xlsx` ("Indeks") as rows keyed by header.
 */
export async function openNationalPackage(bytes: Buffer): Promise<{
  files: Record<string, Uint8Array>;
  index: Record<string, unknown>[];
}> {
  const files = unzipSync(new Uint8Array(bytes));
  const wb = new ExcelJS.Workbook();
  const sheet = files['indeks.xlsx'];
  if (!sheet) throw new Error(`no indeks.xlsx in ${Object.keys(files).join(', ')}`);
  await wb.xlsx.load(sheet.slice().buffer);
  const rows: unknown[][] = [];
  wb.getWorksheet('Indeks')?.eachRow((r) => {
    rows.push((r.values as unknown[]).slice(1));
  });
  const [header = [], ...body] = rows as [string[], ...unknown[][]];
  return {
    files,
    index: body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? null]))),
  };
}

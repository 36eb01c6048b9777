import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { Zip, ZipPassThrough } from 'fflate';
import {
  BUTIR_LABELS,
  CHECK_FIELD_RE,
  compileFramework,
  DEFAULT_ZONE_CODE,
  EVIDENCE_FORMATS,
  type Framework,
  parseProves,
  wallClock,
  type ZoneCode,
  zoneWallDate,
} from '../../../core';
import { EvidenceStoreUnavailable } from '../../lib/evidence-store';
import type { FieldState } from '../../sync-domain';
import type { ExportFile } from './file';

/**
 * The national evidence package (issue 17): the verified evidence files of a period, named
 * for the national portal by indicator, level and item, with an index sheet.
 *
 * Names inside the zip (README "National evidence package"):
 *   `I<indicator, 2 digits>_L<level>_<item, 2 digits, 1-based>_<judul>.<ext>`
 * e.g. `I05_L2_01_sk-tim-spbe.pdf`. `judul` is a safe ASCII slug (lowercase, hyphens, at
 * most 40 characters) of the instrument's text of the item the file proves; a file that
 * proves no item is `I05_L0_00_<slug of its file name>.<ext>`. `ext` comes from the MIME
 * type (core EVIDENCE_FORMATS). A name used twice in one folder (whatever the extension)
 * gets `-2`, `-3`, … before the extension. The Pemda package holds one folder per unit, `<unit code>_<slug of the
 * unit name>/`, and one index at its root. The index `indeks.xlsx` lists every file.
 */

/** A safe ASCII slug: lowercase letters, digits and single hyphens, at most `max` characters. */
export function packageSlug(text: string, max = 40): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (s.length <= max) return s || 'bukti';
  // Cut at a word's end where one is near ("perkada-atau-keputusan", not "…-keputusan-kepa").
  const cut = s.slice(0, max + 1);
  const end = cut.lastIndexOf('-');
  return (end >= max / 2 ? cut.slice(0, end) : s.slice(0, max)).replace(/-+$/, '') || 'bukti';
}

/**
 * The name of one file in the package (without its folder), before repeats are numbered.
 * `level` and `item` are 0 for a file that proves no item; `item` is 1-based.
 *
 * @example packageFileName(5, 2, 1, 'SK Tim SPBE', 'pdf') // "I05_L2_01_sk-tim-spbe.pdf"
 */
export function packageFileName(
  indicatorNo: number,
  level: number,
  item: number,
  judul: string,
  ext: string,
): string {
  const nn = (n: number) => String(n).padStart(2, '0');
  return `I${nn(indicatorNo)}_L${level}_${nn(item)}_${packageSlug(judul)}.${ext}`;
}

/** A package file name (folder left off): indicator, level, item, judul (with any `-2`), ext. */
export const PACKAGE_NAME_RE = /^I(\d{2,3})_L([0-5])_(\d{2})_([a-z0-9-]+)\.([a-z0-9]{1,5})$/;

/** The folder of one unit in the Pemda package: `<unit code>_<slug of its name>`. */
export function unitFolder(code: string, name: string): string {
  return `${code.replace(/[^A-Za-z0-9.-]+/g, '-')}_${packageSlug(name)}`;
}

/** One evidence file in the package, as the index lists it. */
export interface PackageEntry {
  unitCode: string;
  unitName: string;
  indicatorNo: number;
  indicatorName: string;
  /** 0 when the file proves no item. */
  level: number;
  /** 1-based; 0 when the file proves no item. */
  item: number;
  itemText: string;
  /** Path inside the zip (with the unit's folder in the Pemda package). */
  path: string;
  originalName: string;
  mime: string;
  bytes: number;
  sha256: string;
  /** The verifier's decision on the item (BUTIR_LABELS), "Belum diperiksa", or '' for none. */
  status: string;
  url: string;
  checkedAt: number | null;
}

/** The evidence of one unit's assessment, as read from its records. */
export interface UnitEvidence {
  code: string;
  name: string;
  fw: Framework;
  /** Every field of the assessment's `verification` and `evidenceFile` records. */
  fields: readonly FieldState[];
}

const str = (r: Map<string, unknown> | undefined, f: string): string => {
  const v = r?.get(f);
  return typeof v === 'string' ? v : '';
};
const num = (r: Map<string, unknown> | undefined, f: string): number | null => {
  const v = r?.get(f);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

function records(fields: readonly FieldState[], entity: string): Map<string, Map<string, unknown>> {
  const out = new Map<string, Map<string, unknown>>();
  for (const f of fields) {
    if (f.entity !== entity) continue;
    let r = out.get(f.recordId);
    if (!r) {
      r = new Map();
      out.set(f.recordId, r);
    }
    r.set(f.field, f.value);
  }
  return out;
}

/**
 * The entries of one unit: its live (not deleted) evidence files that `held` says the
 * server holds, in indicator, level, item, name order, named as the package names them
 * under `folder` ('' in a unit's own package).
 */
export function unitEntries(
  u: UnitEvidence,
  folder: string,
  held: ReadonlySet<string>,
): PackageEntry[] {
  const c = compileFramework(u.fw);
  const byNo = new Map(c.indicators.map((i) => [i.no, i]));
  // The verifier's decision per item: `checks.<level>.<index>` of the indicator's verification.
  const state = new Map<string, string>();
  for (const [, r] of records(u.fields, 'verification')) {
    const no = num(r, 'indicatorNo');
    if (no === null) continue;
    for (const [field, value] of r) {
      const m = CHECK_FIELD_RE.exec(field);
      const s = (value as { state?: unknown } | null)?.state;
      if (m && typeof s === 'string') state.set(`${no}.${m[1]}.${m[2]}`, s);
    }
  }
  const raw: Omit<PackageEntry, 'path'>[] = [];
  for (const [, r] of records(u.fields, 'evidenceFile')) {
    const sha = str(r, 'sha256');
    const no = num(r, 'indicatorNo');
    if (r.get('deleted') === true || no === null || !held.has(sha)) continue;
    const ind = byNo.get(no);
    const ref = parseProves(str(r, 'proves'));
    // A link to an item the instrument does not have (another version's) proves none.
    const itemText = ref ? ind?.spec.levels?.[ref.level - 1]?.evidence[ref.index] : undefined;
    const proves = ref && itemText !== undefined ? ref : null;
    const s = proves ? state.get(`${no}.${proves.level}.${proves.index}`) : undefined;
    raw.push({
      unitCode: u.code,
      unitName: u.name,
      indicatorNo: no,
      indicatorName: ind?.spec.name ?? '',
      level: proves?.level ?? 0,
      item: proves ? proves.index + 1 : 0,
      itemText: itemText ?? '',
      originalName: str(r, 'name'),
      mime: str(r, 'mime'),
      bytes: num(r, 'bytes') ?? 0,
      sha256: sha,
      status: !proves
        ? ''
        : s && s in BUTIR_LABELS
          ? BUTIR_LABELS[s as keyof typeof BUTIR_LABELS][0]
          : 'Belum diperiksa',
      url: str(r, 'url'),
      checkedAt: num(r, 'checkedAt'),
    });
  }
  raw.sort(
    (a, b) =>
      a.indicatorNo - b.indicatorNo ||
      a.level - b.level ||
      a.item - b.item ||
      a.originalName.localeCompare(b.originalName) ||
      a.sha256.localeCompare(b.sha256),
  );
  const used = new Set<string>();
  return raw.map((e) => {
    const ext = extensionOf(e.mime, e.originalName);
    const judul = e.level > 0 ? e.itemText : e.originalName.replace(/\.[^.]*$/, '');
    const base = packageFileName(e.indicatorNo, e.level, e.item, judul, ext).slice(
      0,
      -(ext.length + 1),
    );
    // Files of one item are its repeats whatever their type: `…-2.pdf` beside `….jpg`.
    let stem = base;
    for (let n = 2; used.has(stem); n++) stem = `${base}-${n}`;
    used.add(stem);
    const name = `${stem}.${ext}`;
    return { ...e, path: folder ? `${folder}/${name}` : name };
  });
}

/** The extension of a file of this type (core EVIDENCE_FORMATS), else of its name, else `bin`. */
function extensionOf(mime: string, name: string): string {
  if (Object.hasOwn(EVIDENCE_FORMATS, mime))
    return EVIDENCE_FORMATS[mime as keyof typeof EVIDENCE_FORMATS].ext;
  return /\.([a-z0-9]{1,5})$/i.exec(name)?.[1]?.toLowerCase() ?? 'bin';
}

/** Columns of the index sheet (README "National evidence package" lists them). */
export const INDEX_COLUMNS = [
  ['Kode unit', 18],
  ['Nama unit', 32],
  ['No. indikator', 10],
  ['Nama indikator', 40],
  ['Level', 8],
  ['No. butir', 8],
  ['Butir bukti', 50],
  ['Berkas dalam zip', 50],
  ['Nama asli', 32],
  ['Jenis', 12],
  ['Ukuran (byte)', 12],
  ['SHA-256', 66],
  ['Status butir', 16],
  ['URL', 40],
] as const;

/**
 * The index sheet `indeks.xlsx`: sheet "Indeks" (one row per file, INDEX_COLUMNS and the
 * checked date of link evidence in `zone`) and sheet "Info" (what the package is of). Built
 * in memory: it holds the files' metadata only, a few hundred bytes per file.
 */
export async function indexWorkbook(
  entries: readonly PackageEntry[],
  info: readonly [string, string][],
  zone: ZoneCode = DEFAULT_ZONE_CODE,
  generatedAt = 0,
): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Telusur';
  wb.created = new Date(generatedAt);
  const sheet = wb.addWorksheet('Indeks', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    ...INDEX_COLUMNS.map(([header, width]) => ({ header, width })),
    { header: `Tanggal diperiksa (${zone})`, width: 18, style: { numFmt: 'dd/mm/yyyy hh:mm' } },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const e of entries)
    sheet.addRow([
      e.unitCode,
      e.unitName,
      e.indicatorNo,
      e.indicatorName,
      e.level,
      e.item,
      e.itemText || null,
      e.path,
      e.originalName,
      EVIDENCE_FORMATS[e.mime as keyof typeof EVIDENCE_FORMATS]?.ext.toUpperCase() ?? e.mime,
      e.bytes,
      e.sha256,
      e.status || null,
      e.url || null,
      e.checkedAt === null ? null : zoneWallDate(e.checkedAt, zone),
    ]);
  sheet.autoFilter = {
    from: { row: 1, column: 1 },
    to: { row: entries.length + 1, column: INDEX_COLUMNS.length + 1 },
  };
  const about = wb.addWorksheet('Info');
  about.columns = [{ width: 28 }, { width: 80 }];
  for (const line of info) about.addRow([...line]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/**
 * The limits of a plain (non-ZIP64) zip, which is what fflate writes: at most 65,535
 * entries, and every offset — so the whole archive — below 4 GiB. A package beyond them
 * is refused (the caller offers the units' own packages) rather than sent broken.
 */
export const ZIP_MAX_ENTRIES = 65_535;
export const ZIP_MAX_BYTES = 2 ** 32 - 1;

/**
 * Whether a package of these entries and an index of `indexBytes` fits a plain zip: the
 * files, the index and each entry's local header, data descriptor and central-directory
 * record (30 + 16 + 46 bytes plus the name twice), and the end record.
 */
export function packageFits(entries: readonly PackageEntry[], indexBytes: number): boolean {
  if (entries.length + 1 > ZIP_MAX_ENTRIES) return false;
  let total = indexBytes + 92 + 2 * 'indeks.xlsx'.length + 22;
  for (const e of entries) total += e.bytes + 92 + 2 * Buffer.byteLength(e.path);
  return total <= ZIP_MAX_BYTES;
}

/** Where the package reads a stored file from (the evidence store). */
export interface PackageSource {
  open(sha256: string): AsyncIterable<Uint8Array>;
}

/**
 * Hashes a stored file: its SHA-256 (hex), or null when it cannot be read.
 * @throws EvidenceStoreUnavailable when the store cannot be asked at all
 */
export async function hashStored(source: PackageSource, sha256: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of source.open(sha256)) hash.update(chunk);
  } catch (e) {
    // A store that cannot be asked is not a damaged file (503, try again later).
    if (e instanceof EvidenceStoreUnavailable) throw e;
    return null;
  }
  return hash.digest('hex');
}

/**
 * The package as a zip stream: `indeks.xlsx` first, then every entry's bytes from the
 * store, each stored as it is (evidence is compressed already: JPEG, PDF, office files).
 *
 * Memory: one read chunk of one file (the store's stream, 64 KiB) and the zip's small
 * per-entry records (name, CRC, sizes) at a time, whatever the size of the package. Every
 * file is re-hashed while it streams; a file changed since the check before sending ends
 * the stream with an error, so the client gets a broken download, never a package with a
 * file that does not match the index.
 */
export function packageZip(
  filename: string,
  index: Uint8Array,
  entries: readonly PackageEntry[],
  source: PackageSource,
  generatedAt: number,
  zone: ZoneCode,
): ExportFile {
  const out: Uint8Array[] = [];
  let failed: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failed = err;
    else out.push(chunk);
  });
  // A zip entry's time has no zone: unzip tools show it as it is written, and fflate writes
  // a Date's local fields (the server's TZ, often UTC). A Date whose local fields are the
  // organisation's wall clock makes a Cilegon package read 09.00 WIB, not 02.00.
  const w = wallClock(generatedAt, zone);
  const mtime = new Date(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const indexEntry = new ZipPassThrough('indeks.xlsx');
    indexEntry.mtime = mtime;
    zip.add(indexEntry);
    indexEntry.push(index, true);
    yield* out.splice(0);
    for (const e of entries) {
      const f = new ZipPassThrough(e.path);
      f.mtime = mtime;
      zip.add(f);
      const hash = createHash('sha256');
      for await (const chunk of source.open(e.sha256)) {
        hash.update(chunk);
        f.push(chunk);
        yield* out.splice(0);
      }
      if (hash.digest('hex') !== e.sha256)
        throw new Error(`evidence ${e.sha256} changed while the package was sent`);
      f.push(new Uint8Array(0), true);
      yield* out.splice(0);
    }
    zip.end();
    if (failed) throw failed;
    yield* out.splice(0);
  }
  const it = chunks();
  return {
    filename,
    contentType: 'application/zip',
    body: new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await it.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (e) {
          console.error('[telusur] national package failed:', e);
          controller.error(e);
        }
      },
      async cancel() {
        await it.return(undefined);
      },
    }),
  };
}

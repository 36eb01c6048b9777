import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF that Chromium printed (Skia/PDF), page by page, so a test can read what
 * the paper says, margin boxes ("Hal. 1 dari 3") included, without a PDF library.
 *
 * Skia writes a plain PDF 1.4: numbered objects (no object streams), Flate-compressed content
 * streams and Type0 fonts whose `/ToUnicode` CMap names each glyph's characters. This reads
 * exactly that and nothing more; another producer's PDF may come back empty.
 *
 * Returns one string per page in page order: each text object (`BT … ET`) on its own line,
 * its glyph runs joined, ligatures spelled out (the font's "ﬁ" reads as "fi"). Throws when
 * the bytes are not a PDF.
 */
export function pdfPages(pdf: Uint8Array): string[] {
  const raw = Buffer.from(pdf).toString('latin1');
  if (!raw.startsWith('%PDF-')) throw new Error('not a PDF');
  const objects = readObjects(raw);
  const cmaps = new Map<number, Map<string, string>>();
  const cmapOf = (fontRef: number): Map<string, string> => {
    let map = cmaps.get(fontRef);
    if (map) return map;
    const font = objects.get(fontRef);
    const toUnicode = font ? refOf(font.dict, 'ToUnicode') : null;
    const cmapObj = toUnicode === null ? undefined : objects.get(toUnicode);
    map = cmapObj?.stream ? parseCMap(cmapObj.stream) : new Map();
    cmaps.set(fontRef, map);
    return map;
  };
  const pages: string[] = [];
  for (const ref of pageOrder(objects)) {
    const page = objects.get(ref);
    if (!page) continue;
    const fonts = fontsOf(page.dict, objects);
    const content = contentsOf(page.dict)
      .map((c) => objects.get(c)?.stream ?? '')
      .join('\n');
    const text = showText(content, (name) => cmapOf(fonts.get(name) ?? -1));
    pages.push(text.replace(/[\uFB00-\uFB06]/g, (c) => c.normalize('NFKC')));
  }
  return pages;
}

interface PdfObject {
  dict: string;
  /** The stream's bytes (inflated when Flate-compressed) as latin1 text, or null. */
  stream: string | null;
}

function readObjects(raw: string): Map<number, PdfObject> {
  const out = new Map<number, PdfObject>();
  const head = /(\d+) 0 obj\s*/g;
  for (let m = head.exec(raw); m; m = head.exec(raw)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endobj', start);
    if (end < 0) break;
    const body = raw.slice(start, end);
    const at = body.indexOf('stream');
    let dict = body;
    let stream: string | null = null;
    if (at >= 0 && !body.slice(0, at).includes('endstream')) {
      dict = body.slice(0, at);
      let from = at + 'stream'.length;
      if (body[from] === '\r') from++;
      if (body[from] === '\n') from++;
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? -1);
      const bytes = Buffer.from(
        length >= 0
          ? body.slice(from, from + length)
          : body.slice(from, body.lastIndexOf('endstream')),
        'latin1',
      );
      stream = (dict.includes('/FlateDecode') ? inflateSync(bytes) : bytes).toString('latin1');
    }
    out.set(Number(m[1]), { dict, stream });
    head.lastIndex = end;
  }
  return out;
}

function refOf(dict: string, key: string): number | null {
  const m = new RegExp(`/${key}\\s+(\\d+) 0 R`).exec(dict);
  return m ? Number(m[1]) : null;
}

/** Pages in document order: the `/Kids` of the page tree, depth first. */
function pageOrder(objects: Map<number, PdfObject>): number[] {
  const catalog = [...objects.values()].find((o) => /\/Type\s*\/Catalog/.test(o.dict));
  const root = catalog ? refOf(catalog.dict, 'Pages') : null;
  const out: number[] = [];
  const walk = (ref: number) => {
    const node = objects.get(ref);
    if (!node) return;
    if (/\/Type\s*\/Pages/.test(node.dict)) {
      const kids = /\/Kids\s*\[([^\]]*)\]/.exec(node.dict)?.[1] ?? '';
      for (const k of kids.matchAll(/(\d+) 0 R/g)) walk(Number(k[1]));
    } else out.push(ref);
  };
  if (root !== null) walk(root);
  return out;
}

function contentsOf(dict: string): number[] {
  const list = /\/Contents\s*\[([^\]]*)\]/.exec(dict)?.[1];
  if (list !== undefined) return [...list.matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));
  const one = refOf(dict, 'Contents');
  return one === null ? [] : [one];
}

/** A page's font names (`/F3`) to font object numbers, from inline or referenced resources. */
function fontsOf(pageDict: string, objects: Map<number, PdfObject>): Map<string, number> {
  const resRef = refOf(pageDict, 'Resources');
  const resources = resRef === null ? pageDict : (objects.get(resRef)?.dict ?? '');
  const fontRef = refOf(resources, 'Font');
  const fontDict =
    fontRef === null
      ? (/\/Font\s*<<([\s\S]*?)>>/.exec(resources)?.[1] ?? '')
      : (objects.get(fontRef)?.dict ?? '');
  return new Map(
    [...fontDict.matchAll(/\/([^\s/<>[\]]+)\s+(\d+) 0 R/g)].map((m) => [m[1] ?? '', Number(m[2])]),
  );
}

/** A ToUnicode CMap: glyph code (hex, upper case) → characters. */
function parseCMap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  const utf16 = (hex: string) =>
    String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => Number.parseInt(h, 16)));
  for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
    for (const m of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g))
      map.set((m[1] ?? '').toUpperCase(), utf16(m[2] ?? ''));
  for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    const body = block[1] ?? '';
    for (const m of body.matchAll(
      /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])/g,
    )) {
      const width = (m[1] ?? '').length;
      const lo = Number.parseInt(m[1] ?? '0', 16);
      const hi = Number.parseInt(m[2] ?? '0', 16);
      const dst = m[3] ?? '';
      const targets = dst.startsWith('[')
        ? [...dst.matchAll(/<([0-9a-fA-F]+)>/g)].map((x) => x[1] ?? '')
        : null;
      for (let code = lo; code <= hi; code++) {
        const key = code.toString(16).toUpperCase().padStart(width, '0');
        if (targets) map.set(key, utf16(targets[code - lo] ?? ''));
        else {
          const base = dst.slice(1, -1);
          const last = Number.parseInt(base.slice(-4), 16) + (code - lo);
          map.set(key, utf16(base.slice(0, -4) + last.toString(16).padStart(4, '0')));
        }
      }
    }
  }
  return map;
}

/** The shown text of a content stream: `Tf` picks the font, `Tj`/`TJ` show hex strings. */
function showText(content: string, cmapFor: (font: string) => Map<string, string>): string {
  const lines: string[] = [];
  let line = '';
  let cmap = new Map<string, string>();
  const decode = (hex: string) => {
    let s = '';
    for (let i = 0; i + 4 <= hex.length; i += 4)
      s += cmap.get(hex.slice(i, i + 4).toUpperCase()) ?? '';
    return s;
  };
  const token =
    /\/([^\s/<>[\]()]+)\s+[\d.]+\s+Tf|<([0-9a-fA-F]*)>\s*Tj|\[([^\]]*)\]\s*TJ|\bBT\b|\bET\b/g;
  for (const m of content.matchAll(token)) {
    if (m[1] !== undefined) cmap = cmapFor(m[1]);
    else if (m[2] !== undefined) line += decode(m[2]);
    else if (m[3] !== undefined) {
      for (const part of m[3].matchAll(/<([0-9a-fA-F]*)>|(-?[\d.]+)/g)) {
        if (part[1] !== undefined) line += decode(part[1]);
        // A large negative adjustment is a gap a reader sees as a space.
        else if (Number(part[2]) < -200) line += ' ';
      }
    } else if (m[0] === 'ET') {
      if (line) lines.push(line);
      line = '';
    }
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

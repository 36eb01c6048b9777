/**
 * Which sources make up a built file: decode its source map and charge every generated
 * character to the source it maps from (a minimal source-map-explorer, for explaining sizes).
 */
import { existsSync, readFileSync } from 'node:fs';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...B64].map((c, i) => [c, i]));

function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const d = DIGIT.get(ch);
    if (d === undefined) break;
    value += (d & 31) << shift;
    if (d & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Generated characters per source path (as written in the map), plus '(unmapped)'. */
export function charsBySource(jsPath: string): Map<string, number> | null {
  const mapPath = `${jsPath}.map`;
  if (!existsSync(mapPath)) return null;
  const map = JSON.parse(readFileSync(mapPath, 'utf8')) as { sources: string[]; mappings: string };
  const code = readFileSync(jsPath, 'utf8').split('\n');
  const totals = new Map<string, number>();
  const add = (k: string, n: number) => totals.set(k, (totals.get(k) ?? 0) + n);
  let source = 0;
  map.mappings.split(';').forEach((line, li) => {
    const len = code[li]?.length ?? 0;
    let col = 0;
    const segs: { col: number; src: number | null }[] = [];
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const v = decodeVlq(seg);
      col += v[0] ?? 0;
      if (v.length >= 4) {
        source += v[1] ?? 0;
        segs.push({ col, src: source });
      } else segs.push({ col, src: null });
    }
    let covered = 0;
    segs.forEach((s, i) => {
      const end = segs[i + 1]?.col ?? len;
      const n = Math.max(0, end - s.col);
      covered += n;
      add(s.src === null ? '(unmapped)' : (map.sources[s.src] ?? '(unknown)'), n);
    });
    const first = segs[0]?.col ?? len;
    if (first > 0) add('(unmapped)', first);
    void covered;
  });
  return totals;
}

/** node_modules/<pkg> or src/<path>, from a source-map path. */
export function groupOf(source: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (nm) return nm[1] as string;
  const src = /(src\/.+)$/.exec(source);
  if (src) return src[1] as string;
  return source;
}

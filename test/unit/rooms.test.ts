import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The browser rooms keep to their walls: the coordinator pages reach only core and the shared
 * shell (never the tablet's store, sync or app, which its tsconfig also refuses), and the
 * shell reaches only core (it serves both rooms, so it may know neither). Reads every source
 * file and resolves its relative imports, dynamic ones included.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative specifiers of `import … from`, `export … from`, `import '…'` and `import('…')`. */
function relativeImports(code: string): string[] {
  const specs: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*)\1/g;
  for (const m of code.matchAll(re)) specs.push(m[2] as string);
  return specs;
}

/** The room (src/<room>) a path lies in, or null outside src. */
function roomOf(path: string): string | null {
  const rel = relative(SRC, path);
  if (rel.startsWith('..')) return null;
  return rel.split(/[\\/]/)[0] ?? null;
}

function breaches(room: string, forbidden: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of sources(join(SRC, room))) {
    for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
      const target = roomOf(resolve(dirname(file), spec));
      if (target !== null && forbidden.includes(target))
        out.push(`${relative(ROOT, file)} imports '${spec}' (src/${target})`);
    }
  }
  return out;
}

describe('rooms', () => {
  it('finds the imports it checks (the scan itself works)', () => {
    expect(relativeImports(`import { a } from '../core';\nimport('../store').then();`)).toEqual([
      '../core',
      '../store',
    ]);
    expect(sources(join(SRC, 'coordinator')).length).toBeGreaterThan(10);
    expect(sources(join(SRC, 'ui')).length).toBeGreaterThan(3);
  });

  it('the coordinator reaches only core and ui: never the store, sync or the tablet app', () => {
    expect(breaches('coordinator', ['store', 'sync', 'app', 'server'])).toEqual([]);
  });

  it('the shared shell reaches only core: neither room it serves, nor store or sync', () => {
    expect(breaches('ui', ['store', 'sync', 'app', 'coordinator', 'server'])).toEqual([]);
  });
});

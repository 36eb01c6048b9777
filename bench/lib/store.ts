/**
 * 2. Tablet store in real Chromium: save one indicator field incl. its outbox entry, and open
 * one unit's 47 verifications — against raw IndexedDB and against PouchDB, in the same run.
 * The workloads run in bench/pages/store-bench.ts; this side orders and repeats them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenVariant, SaveVariant, SetupInfo, StoreBench } from '../pages/store-bench';
import { openPage } from './browser';
import { ROOT } from './paths';
import { type BenchModule, type Result, ratioAtMost, ratioResult } from './result';

const MODULE = 'store';
const RUNS = 5;
const SAVES = 200;
const OPENS = 30;
const SAVE_VARIANTS: SaveVariant[] = ['store', 'raw', 'rawReads', 'pouch', 'storeDefault'];
const OPEN_VARIANTS: OpenVariant[] = ['store', 'raw', 'pouch'];

/** The durability openStore() uses when not told otherwise, read from the source. */
export function storeDefaultDurability(): string {
  const src = readFileSync(join(ROOT, 'src/store/store.ts'), 'utf8');
  return /options\.durability\s*\?\?\s*'(\w+)'/.exec(src)?.[1] ?? 'unknown';
}

const rotate = <T>(xs: T[], k: number) => xs.map((_, i) => xs[(i + k) % xs.length] as T);

const context: string[] = [];

export const store: BenchModule = {
  name: MODULE,
  title: '2. Tablet store (Dexie) in real Chromium',
  description: `Headless Chromium, on-disk profile. ${RUNS} runs; each run does ${SAVES} sequential saves and ${OPENS} opens per variant, variants in rotating order, after a warm-up. Save = \`store.verifications.update(aId, no, {notes})\` (one field, its outbox mutation and the device clock in one transaction; resolves when committed), indicators cycling 1…47 of one assessment; the database holds 10 assessments × 47 verifications plus their outbox. Open = \`store.verifications.listByAssessment(aId)\` (47 rows, sorted, domain objects). Raw baselines use the same object stores, indexes and rows; PouchDB (pouchdb-browser, idb adapter) holds the same rows as docs keyed \`v:<assessment>:<no>\`.`,
  context,
  async run(): Promise<Result[]> {
    const durability = storeDefaultDurability();
    const s = await openPage('store-bench.html');
    try {
      const page = s.page;
      const call = <T>(fn: string, ...args: unknown[]) =>
        page.evaluate(
          ([f, a]) => {
            const b = (globalThis as unknown as { storeBench: Record<string, (...x: unknown[]) => unknown> }).storeBench;
            return b[f as string]?.(...(a as unknown[])) as Promise<T>;
          },
          [fn, args] as const,
        ) as Promise<T>;
      const info = await call<SetupInfo>('setup');
      for (const v of SAVE_VARIANTS) await call<number>('save', v, 40);
      for (const v of OPEN_VARIANTS) await call<number>('open', v, 15);

      const save: Record<SaveVariant, number[]> = {
        store: [],
        storeDefault: [],
        raw: [],
        rawReads: [],
        pouch: [],
      };
      const open: Record<OpenVariant, number[]> = { store: [], raw: [], pouch: [] };
      for (let r = 0; r < RUNS; r++) {
        for (const v of rotate(SAVE_VARIANTS, r)) save[v].push((await call<number>('save', v, SAVES)) / SAVES);
        for (const v of rotate(OPEN_VARIANTS, r)) open[v].push((await call<number>('open', v, OPENS)) / OPENS);
      }
      const problems = await call<string[]>('verify');
      if (problems.length > 0) throw new Error(`store bench sanity check failed: ${problems.join('; ')}`);
      if (s.errors.length > 0) throw new Error(`store bench page errors: ${s.errors.join(' | ')}`);

      context.push(
        `openStore() durability default (src/store/store.ts): '${durability}'; raw baselines use { durability: 'strict' }; PouchDB sets none (browser default). IDBTransaction durability supported: ${info.durabilitySupported}.`,
        `Dexie debug mode in the page: ${info.dexieDebug} (served from a non-localhost origin, as in the field). PouchDB adapter: ${info.pouchAdapter}. Verification row ≈ ${info.rowBytes} B as JSON.`,
        `Sanity: every variant's last save read back; store outbox seq gap-free; no page errors.`,
      );
      const M = MODULE;
      const unit = 'ms/op';
      return [
        ratioResult({
          module: M,
          name: 'save 1 field + outbox: store vs raw IDB (row + outbox)',
          unit,
          subject: save.store,
          baseline: save.raw,
          baselineName: 'raw IDB tx: put row + add outbox, strict',
          goal: ratioAtMost(1.5),
          note: `store durability '${durability}'`,
        }),
        ratioResult({
          module: M,
          name: 'save 1 field + outbox: store vs raw IDB with the same reads',
          unit,
          subject: save.store,
          baseline: save.rawReads,
          baselineName: 'raw IDB tx: get row + clock, put row + add outbox + put clock, strict',
          goal: null,
          note: 'second baseline: the reads the store must do (baseVersions, gap-free seq across tabs)',
        }),
        ratioResult({
          module: M,
          name: 'open 47 verifications: store vs raw index getAll',
          unit,
          subject: open.store,
          baseline: open.raw,
          baselineName: "raw IDB index('assessmentId').getAll",
          goal: ratioAtMost(1.5),
        }),
        ratioResult({
          module: M,
          name: 'save 1 field + outbox: store vs PouchDB put',
          unit,
          subject: save.store,
          baseline: save.pouch,
          baselineName: 'PouchDB put (rev cached)',
          goal: ratioAtMost(1, ' (no slower)'),
          note: `store '${durability}' vs PouchDB browser-default durability`,
        }),
        ratioResult({
          module: M,
          name: 'open 47 verifications: store vs PouchDB allDocs',
          unit,
          subject: open.store,
          baseline: open.pouch,
          baselineName: 'PouchDB allDocs by id prefix, include_docs',
          goal: ratioAtMost(0.2, ' (≥ 5× faster)'),
        }),
        ratioResult({
          module: M,
          name: "save, like-for-like durability: store ('default') vs PouchDB put",
          unit,
          subject: save.storeDefault,
          baseline: save.pouch,
          baselineName: 'PouchDB put (rev cached)',
          goal: null,
          note: "store opened with durability 'default' (the browser's, as PouchDB uses)",
        }),
      ];
    } finally {
      await s.close();
    }
  },
};

/**
 * 3. Photo: one 12 MP JPEG → ≤ 400 KB in the app's worker vs browser-image-compression (in
 * its worker) on the same image, in real Chromium. Workloads: bench/pages/photo-bench.ts.
 */
import type { PhotoBench, PhotoInfo, PhotoRun } from '../pages/photo-bench';
import { callPage, openPage } from './browser';
import {
  atMost,
  type BenchModule,
  type Result,
  ratioAtMost,
  ratioResult,
  valueResult,
} from './result';

const MODULE = 'photo';
const RUNS = 5;
const context: string[] = [];

export const photo: BenchModule = {
  name: MODULE,
  title: '3. Photo compression (12 MP JPEG → ≤ 400 KB)',
  description: `One synthetic but camera-like 12 MP JPEG (4000×3000: a document page on a desk with text, a table, a stamp, vignette and sensor noise; encoded by Chromium at q = 0.92) is compressed ${RUNS} times each way, alternating order, after one warm-up each. App = \`prepareEvidenceFile(file)\` from src/app/lib/photo.ts, i.e. the app's compress.worker.ts running \`compressImage\` (≤ 2000 px long edge, JPEG quality ladder until ≤ 400 KB). Peer = \`browser-image-compression\` with maxSizeMB 0.39, maxWidthOrHeight 2000, useWebWorker true (library served from the bench origin so its worker really runs offline). Time is from the call to the resolved Blob, measured in the page.`,
  context,
  async run(): Promise<Result[]> {
    const s = await openPage('photo-bench.html');
    try {
      const call = <T>(fn: keyof PhotoBench) => callPage<T>(s.page, 'photoBench', fn);
      const info = await call<PhotoInfo>('make');
      await call<PhotoRun>('app');
      await call<PhotoRun>('bic');
      const app: PhotoRun[] = [];
      const bic: PhotoRun[] = [];
      for (let r = 0; r < RUNS; r++) {
        if (r % 2 === 0) {
          app.push(await call<PhotoRun>('app'));
          bic.push(await call<PhotoRun>('bic'));
        } else {
          bic.push(await call<PhotoRun>('bic'));
          app.push(await call<PhotoRun>('app'));
        }
      }
      if (s.errors.length > 0) throw new Error(`photo page errors: ${s.errors.join(' | ')}`);
      const libHits = s.served.hits.get('/vendor/browser-image-compression.js') ?? 0;
      const workerHits = [...s.served.hits.entries()]
        .filter(([p]) => /compress\.worker/.test(p))
        .reduce((n, [, c]) => n + c, 0);
      if (libHits < RUNS + 1)
        throw new Error(
          `browser-image-compression's worker did not load its library (${libHits} fetches): it fell back to the main thread`,
        );
      if (workerHits < 1) throw new Error("the app's compress worker was never fetched");
      const dims = (xs: PhotoRun[]) =>
        [...new Set(xs.map((x) => `${x.width}×${x.height}`))].join(', ');
      const maxTask = (xs: PhotoRun[]) => Math.max(...xs.map((x) => x.longestTask));
      context.push(
        `Input: ${info.width}×${info.height} JPEG, ${info.bytes.toLocaleString('en-US')} B (${(info.bytes / 2 ** 20).toFixed(2)} MB), made in ${(info.makeMs / 1000).toFixed(1)} s. App limits: long edge ≤ ${info.maxEdge} px, ≤ ${info.targetBytes.toLocaleString('en-US')} B.`,
        `Output size: app ${dims(app)}; browser-image-compression ${dims(bic)}.`,
        `Main thread during compression: longest task ${maxTask(app).toFixed(0)} ms (app) and ${maxTask(bic).toFixed(0)} ms (browser-image-compression) — 0 means no task ≥ 50 ms.`,
        `Sanity: the app's worker script was fetched (${workerHits}×); browser-image-compression's worker fetched its library ${libHits}× (one per call, so it did not fall back to the main thread); no page errors.`,
      );
      const TARGET = 400 * 1024;
      return [
        ratioResult({
          module: MODULE,
          name: '12 MP JPEG → ≤ 400 KB: app worker vs browser-image-compression',
          unit: 'ms',
          subject: app.map((x) => x.ms),
          baseline: bic.map((x) => x.ms),
          baselineName: 'browser-image-compression (web worker)',
          goal: ratioAtMost(1),
        }),
        valueResult({
          module: MODULE,
          name: 'output bytes: app',
          unit: 'B',
          values: app.map((x) => x.bytes),
          goal: atMost(TARGET, 'B (400 KB)'),
        }),
        valueResult({
          module: MODULE,
          name: 'output bytes: browser-image-compression',
          unit: 'B',
          values: bic.map((x) => x.bytes),
          goal: null,
          note: 'its own limit: maxSizeMB 0.39 = 408,944 B',
        }),
      ];
    } finally {
      await s.close();
    }
  },
};

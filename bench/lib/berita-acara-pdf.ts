/**
 * 8. Berita acara PDF: the tablet's berita acara (src/app/routes/BeritaAcara.tsx) is printed
 * by the browser — "Cetak" calls window.print() and the verifier saves the PDF there; no PDF
 * library is involved, on the tablet or the server (the coordinator's unit report prints the
 * same way). So the real path is Chromium printing the rendered record page with the app's
 * print stylesheet: here the production build of the app, served by the real server with the
 * Cilegon demo, on a tablet profile enrolled and synced like a verifier's, a unit with all 47
 * indicators verified (level, notes, evidence checks) and the record filled and signed, then
 * `page.pdf()` in print media (as the e2e suite prints it). Baseline, same browser, same run:
 * the same text (the record's rendered text) on a bare page without the app's markup or
 * stylesheet, printed with the same options.
 */
import type { Page } from 'playwright-core';
import { checkField, listIndicators, spbe2020, verificationId } from '../../src/core';
import { kelurahanCode } from '../../src/server/seed';
import {
  BeritaAcaraScreen,
  TabletSync,
  VerifierApp,
} from '../../test/e2e/page-models/verifier-app';
import { api, assessmentIdFor, enrolmentCodeFor } from '../../test/e2e/support/api';
import { buildApp } from '../../test/e2e/support/app-builds';
import { startAppServer } from '../../test/e2e/support/app-server';
import { launchBrowser } from '../../test/e2e/support/browser';
import { pdfPages } from '../../test/e2e/support/pdf-text';
import { edit } from '../../test/helpers/raw-push';
import { type BenchModule, median, type Result, ratioResult, valueResult } from './result';

const MODULE = 'berita-acara';
const RUNS = Number(process.env.BENCH_BA_RUNS ?? 5);
const UNIT = kelurahanCode(0, 0); // Kelurahan Bulakan, assigned to verifier 1 in the demo
const NAME = 'berita acara PDF of a fully verified unit (47 indicators), Chromium print';
const PDF_OPTIONS = { preferCSSPageSize: true, printBackground: true, format: 'A4' } as const;

const note = (no: number) =>
  `Indikator ${no}: dokumen kebijakan dan bukti pelaksanaan diperiksa bersama sekretariat kelurahan; SK ada dan sudah ditandatangani.`;

const context: string[] = [];

/** Print the current page as Chromium does for "Save as PDF"; the time and the bytes. */
async function printPdf(page: Page): Promise<{ ms: number; pdf: Buffer }> {
  const t = performance.now();
  const pdf = await page.pdf(PDF_OPTIONS);
  return { ms: performance.now() - t, pdf };
}

export const beritaAcaraPdf: BenchModule = {
  name: MODULE,
  title: '8. Berita acara PDF',
  description: `How the berita acara becomes a PDF: the tablet's record page (src/app/routes/BeritaAcara.tsx, text from src/app/lib/berita-acara.ts) has a print stylesheet, and "Cetak" calls \`window.print()\` — the verifier saves the PDF in the browser's print dialog; neither the app nor the server has a PDF library (the coordinator's unit report prints the same way). Measured on that path: a production build of the app (vite build, into a scratch directory, not timed) served by the real server (createApp on SQLite with the Cilegon demo), opened in headless Chromium as a 1024×768 tablet (id-ID, Asia/Jakarta), enrolled and synced from the enrolment screen; the unit's 47 indicators verified (level, a note of ~130 characters, an evidence check with a note for every evidence item of each level up to the verified one) by a raw push from another tablet of the same verifier and pulled by this one; the record's place, both signatories and both signatures filled in on the page and the record signed. Timed: \`page.pdf()\` of the rendered record in print media (A4 from the app's @page rule, backgrounds printed — what the e2e suite checks as "the paper"). Baseline, same browser and run: a bare page holding the same text (the record's rendered text, \`innerText\` in print media) in one <pre>, printed with the same options (A4). ${RUNS} runs each, alternating order. Checked: both are PDFs (\`%PDF-\`), the record's pages say "Hal. N dari M" with M their count, and its text names all 47 indicators' notes.`,
  context,
  async run(): Promise<Result[]> {
    // The e2e server serves TELUSUR_E2E_DIST when set (a build of one's own); else build here.
    const given = process.env.TELUSUR_E2E_DIST;
    const t0 = performance.now();
    const built = given ? null : await buildApp('bench-berita-acara');
    const buildSeconds = (performance.now() - t0) / 1000;
    if (built) process.env.TELUSUR_E2E_DIST = built.dir;
    const server = await startAppServer();
    const browser = await launchBrowser();
    const subject: number[] = [];
    const baseline: number[] = [];
    let pages = 0;
    let bytes = 0;
    let baseBytes = 0;
    let basePages = 0;
    let signed = false;
    let renderMs = 0;
    let checks = 0;
    try {
      const url = server.url;
      const { code, token, verifierId } = await enrolmentCodeFor(url, 'verifikator1@cilegon.demo');
      const a = await assessmentIdFor(url, token, UNIT);
      // Another tablet of the same verifier verifies the whole unit (a raw push).
      const second = await api<{ code: string }>(url, `/api/verifiers/${verifierId}/enrolments`, {
        method: 'POST',
        token,
        body: {},
      });
      const other = await api<{ token: string; device: { id: string } }>(
        url,
        '/api/devices/enrol',
        { method: 'POST', body: { code: second.code, label: 'Tablet kedua' } },
      );
      const raw = { deviceId: other.device.id, token: other.token };
      const mutations = listIndicators(spbe2020).map((ind, k) => {
        const level = 1 + ((ind.no * 3) % 5);
        const changes: Record<string, unknown> = {
          assessmentId: a,
          indicatorNo: ind.no,
          verifiedLevel: level,
          notes: note(ind.no),
        };
        for (let l = 1; l <= level; l++)
          for (const [i] of (ind.spec.levels?.[l - 1]?.evidence ?? []).entries()) {
            changes[checkField(l, i)] = { state: 'present', note: `Ada (hal. ${i + 1})` };
            checks++;
          }
        return edit(raw, k + 1, 'verification', verificationId(a, ind.no), changes);
      });
      const pushed = await api<{ results: { outcome: string }[] }>(url, '/api/sync/push', {
        method: 'POST',
        token: raw.token,
        body: { deviceId: raw.deviceId, mutations },
      });
      if (pushed.results.length !== mutations.length)
        throw new Error(`push handled ${pushed.results.length} of ${mutations.length}`);
      const refused = pushed.results.filter((r) => r.outcome !== 'applied');
      if (refused.length > 0)
        throw new Error(`push refused: ${JSON.stringify(refused.slice(0, 3))}`);

      const ctx = await browser.newContext({
        viewport: { width: 1024, height: 768 },
        locale: 'id-ID',
        timezoneId: 'Asia/Jakarta',
      });
      const tablet = new VerifierApp(await ctx.newPage(), url);
      const page = tablet.page;
      const sync = new TabletSync(tablet);
      await sync.enrol(code, 'Tab Bulakan');
      await sync.syncNow();
      await tablet.open(`/kerja/a/${encodeURIComponent(a)}/berita-acara`);
      await page.getByTestId('ba-signing-state').waitFor();
      const ba = new BeritaAcaraScreen(page);
      await ba.fill('ba-place', 'Kantor Kelurahan Bulakan');
      await ba.fill('ba-verifier-name', 'Verifikator Satu');
      await ba.fill('ba-verifier-nip', '19800101 200501 2 001');
      await ba.fill('ba-verifier-role', 'Verifikator Diskominfo');
      await ba.fill('ba-rep-name', 'Lurah Bulakan');
      await ba.fill('ba-rep-nip', '19750505 199803 1 002');
      await ba.fill('ba-rep-role', 'Lurah');
      await ba.sign('sig-verifier');
      await ba.sign('sig-representative');
      const button = await ba.signButton();
      if (button?.enabled) {
        await ba.signRecord();
        signed = true;
      }
      // The record page as the verifier opens it (information): route → document drawn.
      const r0 = performance.now();
      await tablet.open(`/kerja/a/${encodeURIComponent(a)}/berita-acara`);
      await page.getByTestId('ba-document').waitFor({ state: 'attached' });
      renderMs = performance.now() - r0;

      await page.emulateMedia({ media: 'print' });
      // biome-ignore lint/performance/useDomNodeTextContent: the text as the print stylesheet renders it is what the paper says.
      const text = await page.getByTestId('ba-document').innerText();
      const missing = listIndicators(spbe2020).filter((ind) => !text.includes(note(ind.no)));
      if (missing.length > 0)
        throw new Error(
          `the record does not show the notes of ${missing.length} indicators (first: ${missing[0]?.no})`,
        );
      const bare = await ctx.newPage();
      const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      await bare.setContent(
        `<!doctype html><html lang="id"><meta charset="utf-8"><title>Berita acara</title><pre style="white-space:pre-wrap;font-family:sans-serif">${escaped}</pre></html>`,
      );
      await bare.emulateMedia({ media: 'print' });
      // Warm-up (fonts, the PDF backend) for both, then the timed runs.
      await printPdf(page);
      await printPdf(bare);
      let lastPdf: Buffer | null = null;
      let lastBare: Buffer | null = null;
      for (let r = 0; r < RUNS; r++) {
        const one = async () => {
          const s = await printPdf(page);
          subject.push(s.ms);
          lastPdf = s.pdf;
        };
        const two = async () => {
          const b = await printPdf(bare);
          baseline.push(b.ms);
          lastBare = b.pdf;
        };
        if (r % 2) {
          await two();
          await one();
        } else {
          await one();
          await two();
        }
      }
      const pdf = lastPdf as Buffer | null;
      const barePdf = lastBare as Buffer | null;
      if (!pdf || !barePdf) throw new Error('no PDF printed');
      for (const [what, b] of [
        ['record', pdf],
        ['baseline', barePdf],
      ] as const)
        if (b.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error(`${what}: not a PDF`);
      const texts = pdfPages(pdf);
      pages = texts.length;
      const last = /Hal\.\s*(\d+)\s*dari\s*(\d+)/.exec(texts[pages - 1] ?? '');
      if (!last || Number(last[1]) !== pages || Number(last[2]) !== pages)
        throw new Error(`the last of ${pages} pages says ${last?.[0] ?? 'no page number'}`);
      bytes = pdf.length;
      baseBytes = barePdf.length;
      basePages = pdfPages(barePdf).length;
      context.push(
        `The record: ${signed ? 'signed' : 'a draft (the sign button was not offered)'}, ${checks} evidence checks across the 47 indicators, ${text.length.toLocaleString('en-US')} characters of text; ${pages} A4 pages, ${Math.round(bytes / 1024)} KB (the signatures are PNG images); the bare page of the same text: ${basePages} pages, ${Math.round(baseBytes / 1024)} KB. Opening the record page (a navigation to its route, the app reloading from the browser's cache, until the record is in the page): ${renderMs.toFixed(0)} ms. ${built ? `App built for this benchmark in ${buildSeconds.toFixed(0)} s (not timed).` : `App build from TELUSUR_E2E_DIST (${given}).`}`,
        `Per run, record vs bare page: ${subject.map((s, i) => `${s.toFixed(0)} vs ${(baseline[i] ?? 0).toFixed(0)} ms`).join('; ')}.`,
      );
    } finally {
      await browser.close();
      await server.close();
      if (built) {
        built.dispose();
        delete process.env.TELUSUR_E2E_DIST;
      }
    }
    return [
      ratioResult({
        module: MODULE,
        name: NAME,
        unit: 'ms',
        subject,
        baseline,
        baselineName: 'the same text on a bare page (one <pre>), same print options',
        goal: null,
        note: `page.pdf() of the rendered, ${signed ? 'signed' : 'draft'} record in print media; ${pages} pages, ${median([bytes]).toLocaleString('en-US')} bytes`,
      }),
      valueResult({
        module: MODULE,
        name: `${NAME}: bytes`,
        unit: 'B',
        values: [bytes],
        goal: null,
        note: `${pages} A4 pages; the bare page of the same text ${baseBytes.toLocaleString('en-US')} B, ${basePages} pages`,
      }),
    ];
  },
};

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainingSelfLevels } from '../../src/app/training';
import { VerifierApp } from './page-models/verifier-app';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled, launchProfile } from './support/browser';
import { documentPhoto } from './support/photo';
import { serveStatic } from './support/static-server';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('a verifier works the "verifikasi dokumen" stage offline', () => {
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let profile: Awaited<ReturnType<typeof launchProfile>>;
  let context: BrowserContext;
  let app: VerifierApp;
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `stages-${name}.png`) });

  beforeAll(async () => {
    // TELUSUR_E2E_DIST: a build of one's own, when others rebuild dist/ during a run.
    server = await serveStatic(process.env.TELUSUR_E2E_DIST ?? join(process.cwd(), 'dist'));
    profile = await launchProfile();
    context = profile.context;
    app = new VerifierApp(context.pages()[0] ?? (await context.newPage()), server.url);
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await context?.close();
    profile?.dispose();
    await server?.close();
  });

  it('sets a value beside the mandiri value, writes rekomendasi from the library and a three-part penjelasan citing a photo; all of it survives an offline reload', {
    timeout: 180_000,
  }, async () => {
    await app.open('/');
    await app.waitForServiceWorker();
    await app.openTraining();
    const page = app.page;

    // Sector services are named on their indicators' rows.
    expect(await page.getByTestId('indicator-row-45').textContent()).toContain(
      'Layanan Publik Sektor 1 — Perizinan Berusaha',
    );

    const screen = await app.openIndicator(1);
    expect(await screen.stageLine()).toBe('Tahap: Verifikasi dokumen');
    const mandiri = trainingSelfLevels()[1]?.level as number;
    // The internal team's value, with who and when, beside the input.
    expect(await screen.stageValue('mandiri')).toMatch(
      new RegExp(`^Penilaian mandiri: ${mandiri} · Tim Asesor Internal \\(fiktif\\) · 2 Okt`),
    );

    // Butir in the evaluation's words; the suggestion is shown, never applied by itself.
    await screen.checkEvidence(2, 0, 'present');
    await screen.checkEvidence(2, 1, 'present');
    expect(await page.getByTestId('check-1-2-1-present').textContent()).toBe('Diterima');
    expect(await page.getByTestId('check-1-2-1-inadequate').textContent()).toBe('Perlu revisi');
    expect(await page.getByTestId('check-1-2-1-missing').textContent()).toBe('Ditolak');
    expect(await screen.text('butir-suggestion')).toContain('Saran level dari butir: 2');
    expect(await page.getByTestId('level-2').getAttribute('aria-pressed')).toBe('false');

    await screen.setVerifiedLevel(3);
    await expect
      .poll(() => screen.stageValue('dokumen'))
      .toMatch(/^Verifikasi dokumen \(tahap ini\): 3 · Verifikator latihan · /);
    // The mandiri value stays what the team gave.
    expect(await screen.stageValue('mandiri')).toMatch(new RegExp(`: ${mandiri} · `));

    await screen.addPhoto('sk-arsitektur.jpg', await documentPhoto(page, 'SK Arsitektur SPBE'));
    await screen.writeOutput('notes', 'Dokumen lengkap untuk level 3.');
    // The standard recommendation aiming at the next level (4), then the verifier's own words.
    const standard = await screen.insertStandardRecommendation(4);
    expect(standard).toMatch(/^Untuk mencapai level 4/);
    expect(await screen.output('rekomendasi').inputValue()).toBe(standard);
    const rekomendasi = `${standard}\nTarget: akhir 2027.`;
    await screen.writeOutput('rekomendasi', rekomendasi);
    const fakta =
      'Perwal 12/2024 tentang Arsitektur SPBE, pasal 4 ayat (2), halaman 3; berkas sk-arsitektur.jpg.';
    const analisis = 'Pasal 4 mengatur referensi arsitektur dan seluruh domain.';
    const justifikasi = 'Ketentuan sudah utuh, reviu belum ada: level 3.';
    await screen.writeOutput('fakta', fakta);
    await screen.writeOutput('analisis', analisis);
    await screen.writeOutput('justifikasi', justifikasi);
    await screen.citeFile('sk-arsitektur.jpg');
    expect(await screen.citedFiles()).toEqual(['sk-arsitektur.jpg']);

    // At tablet width, landscape and portrait: nothing wider than the screen, readable.
    for (const [width, height] of [
      [1024, 768],
      [768, 1024],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const part of [
        'stage-line',
        'butir-suggestion',
        'rekomendasi',
        'penjelasan',
        'cited-files',
      ]) {
        await page.getByTestId(part).scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(SHOTS, `stages-${width}x${height}-${part}.png`) });
      }
      expect(await app.scrollsHorizontally()).toBe(false);
    }
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.setViewportSize({ width: 1024, height: 768 });

    // Offline, reloaded: everything is still there.
    await context.setOffline(true);
    await app.reload();
    expect(await app.connectivityLabel()).toMatch(/Luring/);
    const again = await app.indicatorShown(1);
    expect(await again.stageLine()).toBe('Tahap: Verifikasi dokumen');
    expect(await page.getByTestId('level-3').getAttribute('aria-pressed')).toBe('true');
    expect(await again.stageValue('dokumen')).toMatch(/: 3 · Verifikator latihan · /);
    expect(await again.stageValue('mandiri')).toMatch(new RegExp(`: ${mandiri} · Tim Asesor`));
    await again.output('rekomendasi').waitFor();
    expect(await again.output('notes').inputValue()).toBe('Dokumen lengkap untuk level 3.');
    expect(await again.output('rekomendasi').inputValue()).toBe(rekomendasi);
    expect(await again.output('fakta').inputValue()).toBe(fakta);
    expect(await again.output('analisis').inputValue()).toBe(analisis);
    expect(await again.output('justifikasi').inputValue()).toBe(justifikasi);
    await expect.poll(() => again.citedFiles()).toEqual(['sk-arsitektur.jpg']);
    expect(await again.photoCount()).toBe(1);

    // The summary carries the rekomendasi.
    await app.openTab(/Ringkasan/);
    await expect
      .poll(() => page.getByTestId('summary-rec-1').textContent())
      .toContain('Target: akhir 2027.');
    await shot(page, 'summary');

    // The sector service heads its indicator.
    await app.openTab(/Daftar indikator/);
    await page.getByTestId('indicator-row-45').waitFor();
    await app.openIndicator(45);
    expect(await page.getByRole('heading', { level: 1, name: /^45\. / }).textContent()).toBe(
      '45. Layanan Publik Sektor 1 — Perizinan Berusaha',
    );
    await context.setOffline(false);
  });
});

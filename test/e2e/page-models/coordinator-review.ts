import type { Locator, Page } from 'playwright-core';

/**
 * The coordinator's dashboard, review and report pages, driven the way a
 * Kepala Bidang uses them: by menu, visible buttons and the unit codes in the tables.
 */
export class CoordinatorReviewPages {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  /** Open a section through the coordinator menu. */
  async nav(section: 'dasbor' | 'rencana' | 'laporan'): Promise<void> {
    await this.page.getByTestId(`cnav-${section}`).click();
    await this.page.waitForURL(`**/koordinator/${section}**`);
  }

  menuEntries(): Promise<string[]> {
    return this.page
      .locator('[data-testid^="cnav-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
  }

  async openDashboard(): Promise<void> {
    await this.nav('dasbor');
    await this.page.getByTestId('city-consolidated').waitFor();
  }

  /**
   * Choose a period in the page's period picker by its name (the dashboard, plan and
   * reports open on the first active period) and wait for the page to show it.
   */
  async choosePeriod(name: string): Promise<void> {
    const select = this.page.getByTestId('period-select');
    const option = select.locator('option').filter({ hasText: name });
    const id = (await option.getAttribute('value')) ?? '';
    await select.selectOption(id);
    await this.page.locator(`[data-period="${id}"]`).first().waitFor();
  }

  async cityIndex(): Promise<{ index: string; predicate: string }> {
    return {
      index: (await this.page.getByTestId('city-consolidated').textContent())?.trim() ?? '',
      predicate: (await this.page.getByTestId('city-predicate').textContent())?.trim() ?? '',
    };
  }

  /** The exact-value note beside the city index ("1,495 — predikat dari nilai tepat"), or ''. */
  async cityIndexNote(): Promise<string> {
    const note = this.page.getByTestId('city-consolidated-exact');
    return (await note.count()) ? ((await note.textContent())?.trim() ?? '') : '';
  }

  /** A heatmap cell as a coordinator sees it: the value, the evidence-gap flag and its tooltip. */
  async heatCell(
    code: string,
    no: number,
  ): Promise<{ text: string; flagged: boolean; title: string; label: string }> {
    const cell = this.page.getByTestId(`heat-${code}-${no}`);
    await cell.waitFor();
    return {
      text: (await cell.textContent())?.trim() ?? '',
      flagged: (await cell.getAttribute('class'))?.split(' ').includes('r-gap') ?? false,
      title: (await cell.getAttribute('title')) ?? '',
      label: (await cell.getAttribute('aria-label')) ?? '',
    };
  }

  /** The heatmap's legend line for the evidence-gap mark. */
  async heatLegend(): Promise<string> {
    return (await this.page.getByTestId('heat-legend').textContent())?.trim() ?? '';
  }

  /** A unit's official verified index as its heatmap row names it. */
  async heatRowIndex(code: string): Promise<string> {
    const row = this.page.locator(`[data-testid="heatmap-row"][data-code="${code}"]`);
    return (await row.getByTestId('heat-row-index').textContent())?.trim() ?? '';
  }

  /** "Rencana" through the menu, once a plan is shown. */
  async openPlan(): Promise<void> {
    await this.nav('rencana');
    await this.page.getByTestId('plan-result').waitFor();
  }

  /**
   * Type a target on the plan page and wait for the plan computed for it; returns what the
   * plan comes to (its outcome line).
   */
  async planFor(target: string): Promise<string> {
    const answered = this.page.waitForResponse(
      (r) =>
        r.url().includes('/plan?') &&
        new URL(r.url()).searchParams.get('target') === target.replace(',', '.'),
    );
    await this.page.getByTestId('plan-target').fill(target);
    await answered;
    const outcome = this.page.getByTestId('plan-outcome');
    await this.page.waitForFunction(
      (t) =>
        document
          .querySelector('[data-testid="plan-result"]')
          ?.parentElement?.textContent?.includes(t),
      target,
    );
    return (await outcome.textContent())?.trim() ?? '';
  }

  /** The cap line of the plan page. */
  async planCap(): Promise<string> {
    return (await this.page.getByTestId('plan-cap').textContent())?.trim() ?? '';
  }

  /** The plan's rows: indicator number, the value now and the level it must reach. */
  async planItems(): Promise<{ no: number; from: string; to: string }[]> {
    return this.page.getByTestId('plan-item').evaluateAll((rows) =>
      rows.map((r) => {
        const chips = r.querySelectorAll('.r-lv');
        return {
          no: Number(r.getAttribute('data-no')),
          from: chips[0]?.textContent?.trim() ?? '',
          to: chips[1]?.textContent?.trim() ?? '',
        };
      }),
    );
  }

  progressRow(code: string): Locator {
    return this.page.locator(`[data-testid="progress-row"][data-code="${code}"]`);
  }

  /** The unit's status on the dashboard (belum … dikembalikan). */
  async progressStatus(code: string): Promise<string> {
    return (await this.progressRow(code).getAttribute('data-status')) ?? '';
  }

  /** Click a heatmap cell and wait for its evidence and audit panel. */
  async openCell(code: string, no: number): Promise<Locator> {
    await this.page.getByTestId(`heat-${code}-${no}`).click();
    const panel = this.page.getByTestId('cell-panel');
    await panel.getByTestId('audit-list').locator('li').first().waitFor();
    return panel;
  }

  async openReview(code: string): Promise<void> {
    await this.progressRow(code).getByTestId('open-review').click();
    await this.page.getByTestId('review-page').waitFor();
    await this.page.getByTestId('review-actions').waitFor();
  }

  /**
   * What the review shows of indicator `no` besides its level: the values per stage line,
   * rekomendasi, the three parts of the penjelasan and the cited files ('' when absent).
   */
  async indicatorOutputs(no: number): Promise<{
    stages: string;
    rekomendasi: string;
    fakta: string;
    analisis: string;
    justifikasi: string;
    citedFiles: string;
  }> {
    const box = this.page.getByTestId(`review-outputs-${no}`);
    await box.waitFor();
    const text = async (id: string) => {
      const l = box.getByTestId(id);
      return (await l.count()) > 0 ? ((await l.textContent()) ?? '').trim() : '';
    };
    return {
      stages: await text('review-stage-values'),
      rekomendasi: await text('review-rekomendasi'),
      fakta: await text('review-penjelasanFakta'),
      analisis: await text('review-penjelasanAnalisis'),
      justifikasi: await text('review-penjelasanJustifikasi'),
      citedFiles: await text('review-cited-files'),
    };
  }

  async commentOn(no: number, text: string): Promise<void> {
    const input = this.page.getByTestId(`review-comment-input-${no}`);
    await input.scrollIntoViewIfNeeded();
    await input.fill(text);
  }

  /** The overall comment of the next decision (the box starts empty for each decision). */
  async overallComment(text: string): Promise<void> {
    await this.page.getByTestId('review-overall-comment').fill(text);
  }

  /** What is in the comment boxes now: the overall one and indicator `no`'s. */
  async commentBoxes(no: number): Promise<{ overall: string; indicator: string }> {
    return {
      overall: await this.page.getByTestId('review-overall-comment').inputValue(),
      indicator: await this.page.getByTestId(`review-comment-input-${no}`).inputValue(),
    };
  }

  /**
   * Press "Setujui" or "Kembalikan dengan catatan" and return the confirmation shown. A
   * unit already decided asks first whether to change the decision: `confirm` answers it.
   */
  async decide(decision: 'approve' | 'return', confirm = false): Promise<string> {
    await this.page
      .getByTestId(decision === 'approve' ? 'review-approve' : 'review-return')
      .click();
    if (confirm) await this.page.getByTestId('review-confirm-yes').click();
    const ok = this.page.getByTestId('review-actions').getByTestId('success');
    await ok.waitFor();
    return (await ok.textContent())?.trim() ?? '';
  }

  /** Press a decision on a decided unit and return the question asked (nothing is sent yet). */
  async askToChange(decision: 'approve' | 'return'): Promise<string> {
    await this.page
      .getByTestId(decision === 'approve' ? 'review-approve' : 'review-return')
      .click();
    const q = this.page.getByTestId('review-confirm');
    await q.waitFor();
    return (await q.textContent())?.trim() ?? '';
  }

  /** Answer "Batal" to the question of askToChange. */
  async cancelChange(): Promise<void> {
    await this.page.getByTestId('review-confirm').getByRole('button', { name: 'Batal' }).click();
    await this.page.getByTestId('review-confirm').waitFor({ state: 'detached' });
  }

  /** Reopen an approved unit with a written reason; returns the confirmation shown. */
  async reopen(reason: string): Promise<string> {
    await this.page.getByTestId('review-reopen-reason').fill(reason);
    await this.page.getByTestId('review-reopen').click();
    const ok = this.page.getByTestId('review-actions').getByTestId('success');
    await ok.waitFor();
    return (await ok.textContent())?.trim() ?? '';
  }

  /** The berita acara's signing as the review shows it: state and the lines of the block. */
  async signing(): Promise<{ state: string; text: string }> {
    const block = this.page.getByTestId('review-signing');
    return {
      state: (await block.getAttribute('data-state')) ?? '',
      text: (await block.textContent())?.trim() ?? '',
    };
  }

  async reviewStatus(): Promise<string> {
    return (await this.page.getByTestId('review-page').getAttribute('data-status')) ?? '';
  }

  /** Images that finished loading and decoded (natural width > 0). */
  decodedImages(testId: 'evidence-thumb' | 'signature-image'): Promise<number> {
    return this.page.evaluate((id) => {
      const imgs =
        id === 'signature-image'
          ? [...document.querySelectorAll('img[data-testid="signature-image"]')]
          : [...document.querySelectorAll('[data-testid="evidence-thumb"] img')];
      return imgs.filter(
        (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0,
      ).length;
    }, testId);
  }

  async waitForDecodedImages(
    testId: 'evidence-thumb' | 'signature-image',
    n: number,
  ): Promise<void> {
    await this.page.waitForFunction(
      ([id, count]) => {
        const sel =
          id === 'signature-image'
            ? 'img[data-testid="signature-image"]'
            : '[data-testid="evidence-thumb"] img';
        return (
          [...document.querySelectorAll(sel)].filter(
            (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0,
          ).length >= (count as number)
        );
      },
      [testId, n] as const,
      { timeout: 20_000 },
    );
  }

  /** On the reports page: press an export button and return the file the browser saved. */
  async download(format: 'csv' | 'xlsx'): Promise<{ name: string; bytes: Buffer }> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByTestId(`export-${format}`).click(),
    ]);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    return { name: download.suggestedFilename(), bytes: readFileSync(path) };
  }

  /** "Laporan" through the menu, once its list of unit reports is shown. */
  async openReports(): Promise<void> {
    await this.nav('laporan');
    await this.page.getByTestId('unit-reports').waitFor();
  }

  /** Reports: open the printable report of the unit named. */
  async openUnitReport(unitName: string): Promise<Locator> {
    await this.page.getByTestId('unit-report-link').filter({ hasText: unitName }).click();
    const report = this.page.getByTestId('unit-report');
    await report.waitFor();
    return report;
  }

  /** The unit report's value per stage of indicator `no`: stage heading → value as shown. */
  async unitReportStages(no: number): Promise<Record<string, string>> {
    const table = this.page.getByTestId('unit-report-stages');
    await table.waitFor();
    const headings = (await table.locator('thead th').allTextContents()).map((s) => s.trim());
    const row = table.locator('tbody tr').filter({ hasText: new RegExp(`^\\s*${no}\\. `) });
    const cells = (await row.locator('td').allTextContents()).map((s) => s.trim());
    return Object.fromEntries(headings.slice(1).map((h, i) => [h, cells[i + 1] ?? '']));
  }

  /** The unit report's outputs of indicator `no`: each part's heading → its text. */
  async unitReportOutputs(no: number): Promise<Record<string, string>> {
    const section = this.page.getByTestId('unit-report-outputs').filter({
      has: this.page.getByRole('heading', { level: 3, name: new RegExp(`^${no}\\. `) }),
    });
    await section.waitFor();
    return section.locator('dl').evaluate((dl) => {
      const out: Record<string, string> = {};
      for (const dt of dl.querySelectorAll('dt'))
        out[(dt.textContent ?? '').trim()] = (dt.nextElementSibling?.textContent ?? '').trim();
      return out;
    });
  }

  /**
   * Bring a part of the reports to the top of the view, e.g. before a screenshot: the list
   * of unit reports, or a unit report's outputs (once its evidence images have decoded).
   */
  async show(part: 'unit-reports' | 'unit-report-outputs'): Promise<void> {
    const el = this.page.getByTestId(part).first();
    await el.waitFor();
    await el.evaluate((e) => e.scrollIntoView({ block: 'start' }));
  }

  /** Reports: download the national evidence package of the Pemda, or of the unit named. */
  async downloadNationalPackage(unitName?: string): Promise<{ name: string; bytes: Buffer }> {
    const button = unitName
      ? this.page.getByTestId('national-package-unit').filter({ hasText: unitName })
      : this.page.getByTestId('national-package-pemda');
    const [download] = await Promise.all([this.page.waitForEvent('download'), button.click()]);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    return { name: download.suggestedFilename(), bytes: readFileSync(path) };
  }
}

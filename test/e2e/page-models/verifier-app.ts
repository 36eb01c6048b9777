import type { Locator, Page } from 'playwright-core';
import { pdfPages } from '../support/pdf-text';
import { AppTab } from './app-tab';

/** The verifier PWA, driven the way a verifier uses it (roles, labels, visible text). */
export class VerifierApp extends AppTab {
  async reload(): Promise<void> {
    await this.page.reload();
    await this.page.locator('header.header').waitFor();
  }

  /** The home screen's list of screens holding text the page did not live to save. */
  unsavedDrafts() {
    return this.page.getByTestId('unsaved-drafts');
  }

  /** Follow the home screen's link to unsaved text named `label` (unit — indicator). */
  async openUnsavedDraft(label: string): Promise<void> {
    await this.unsavedDrafts().getByTestId('unsaved-draft-link').filter({ hasText: label }).click();
  }

  async openTraining(): Promise<void> {
    await this.page.getByTestId('open-training').click();
    await this.page.getByTestId('indicator-row-1').waitFor();
  }

  async openIndicator(no: number): Promise<IndicatorScreen> {
    await this.page.getByTestId(`indicator-row-${no}`).click();
    await this.page.getByRole('heading', { level: 1, name: new RegExp(`^${no}\\. `) }).waitFor();
    return new IndicatorScreen(this.page, no);
  }

  /** The indicator screen already open (e.g. after a reload on its address). */
  async indicatorShown(no: number): Promise<IndicatorScreen> {
    await this.page.getByRole('heading', { level: 1, name: new RegExp(`^${no}\\. `) }).waitFor();
    return new IndicatorScreen(this.page, no);
  }

  async openTab(name: RegExp): Promise<void> {
    await this.page.getByRole('navigation').getByRole('link', { name }).click();
  }

  async connectivityLabel(): Promise<string> {
    return (await this.page.getByTestId('connectivity').textContent())?.trim() ?? '';
  }

  /** True when the page is wider than the viewport (horizontal scrolling). */
  async scrollsHorizontally(): Promise<boolean> {
    return this.page.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1,
    );
  }
}

export class IndicatorScreen {
  constructor(
    readonly page: Page,
    readonly no: number,
  ) {}

  async setVerifiedLevel(level: number): Promise<void> {
    await this.page.getByTestId(`level-${level}`).click();
    await this.page.waitForFunction(
      (l) =>
        document.querySelector(`[data-testid="level-${l}"]`)?.getAttribute('aria-pressed') ===
        'true',
      level,
    );
  }

  /** Whether the level button `level` is the chosen one (pressed). */
  async levelChosen(level: number): Promise<boolean> {
    return (await this.page.getByTestId(`level-${level}`).getAttribute('aria-pressed')) === 'true';
  }

  /** The decision shown on a butir (level, 0-based index): 'present', … or null when none. */
  async butirState(level: number, index: number): Promise<string | null> {
    for (const state of ['present', 'inadequate', 'missing'] as const) {
      const button = this.page.getByTestId(`check-${this.no}-${level}-${index}-${state}`);
      if ((await button.getAttribute('aria-pressed')) === 'true') return state;
    }
    return null;
  }

  /**
   * Bring a part of the screen to the middle of the view (clear of the sticky header and
   * the bottom bar), e.g. before a screenshot: the stage values, evidence or penjelasan.
   */
  async show(part: 'stage-values' | 'photos' | 'penjelasan' | 'cited-files'): Promise<void> {
    const el = this.page.getByTestId(part);
    await el.waitFor();
    await el.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  }

  /** Mark the indicator not applicable to the unit, with the reason, and wait until saved. */
  async markNotApplicable(reason: string): Promise<void> {
    await this.page.getByTestId('not-applicable').check();
    const field = this.page.locator(`#na-${this.no}`);
    await field.fill(reason);
    await field.blur();
    await this.page.waitForFunction(
      (no) =>
        document
          .querySelector(`#na-${no}`)
          ?.parentElement?.querySelector('[data-save-state]')
          ?.getAttribute('data-save-state') === 'saved',
      this.no,
    );
  }

  async addPhoto(name: string, bytes: Buffer, mimeType = 'image/jpeg'): Promise<void> {
    const before = await this.page.getByTestId('thumb').count();
    await this.page.getByTestId('photo-pick').setInputFiles({ name, mimeType, buffer: bytes });
    await this.page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="thumb"]').length > n,
      before,
      { timeout: 20_000 },
    );
  }

  async pickFileExpectingError(name: string, bytes: Buffer, mimeType: string): Promise<string> {
    await this.page.getByTestId('photo-pick').setInputFiles({ name, mimeType, buffer: bytes });
    const error = this.page.getByTestId('photo-error');
    await error.waitFor({ timeout: 20_000 });
    return (await error.textContent()) ?? '';
  }

  /** Photos shown on the indicator, once its photo section (a lazy chunk) has loaded. */
  async photoCount(): Promise<number> {
    await this.page.getByTestId('photos').waitFor();
    return this.page.getByTestId('thumb').count();
  }

  notes() {
    return this.page.locator(`#notes-${this.no}`);
  }

  /**
   * Type `text` at the end of the note key by key, as a verifier does, and return at once
   * (the note is not saved yet: its save waits for typing to stop).
   */
  async typeNotes(text: string): Promise<void> {
    await this.notes().pressSequentially(text);
  }

  /** What the note's save line says: 'idle', 'dirty', 'saving', 'saved' or 'error'. */
  async notesSaveState(): Promise<string | null> {
    return this.page
      .locator(`#notes-${this.no}`)
      .locator('xpath=..')
      .locator('[data-save-state]')
      .getAttribute('data-save-state');
  }

  /** Type a note and wait until the screen says it is saved. */
  async writeNotes(text: string): Promise<void> {
    await this.notes().fill(text);
    await this.notes().blur();
    await this.page.waitForFunction(
      (no) =>
        document
          .querySelector(`#notes-${no}`)
          ?.parentElement?.querySelector('[data-save-state]')
          ?.getAttribute('data-save-state') === 'saved',
      this.no,
    );
  }

  async checkEvidence(
    level: number,
    index: number,
    state: 'present' | 'missing' | 'inadequate',
  ): Promise<void> {
    await this.page
      .locator('details.level')
      .nth(level - 1)
      .evaluate((d) => {
        (d as HTMLDetailsElement).open = true;
      });
    const button = this.page.getByTestId(`check-${this.no}-${level}-${index}-${state}`);
    await button.click();
    await this.page.waitForFunction(
      (id) =>
        document.querySelector(`[data-testid="${id}"]`)?.getAttribute('aria-pressed') === 'true',
      `check-${this.no}-${level}-${index}-${state}`,
    );
  }

  /**
   * Type a value into a number field — the decimal value (1,00–5,00) or the published outside
   * index — and commit it with Enter, as the on-screen keyboard's "Go" does. Resolves once
   * the field has answered: null when saved, else the reason shown at the field.
   */
  async enterValue(
    text: string,
    field: 'decimal-value' | 'source-value' = 'decimal-value',
  ): Promise<string | null> {
    const input = this.page.getByTestId(field);
    const state = (s: readonly string[]) =>
      this.page.waitForFunction(
        ([id, wanted]) =>
          (wanted as string[]).includes(
            document
              .querySelector(`[data-testid="${id}"]`)
              ?.closest('form')
              ?.querySelector('[data-save-state]')
              ?.getAttribute('data-save-state') ?? '',
          ),
        [field, s] as const,
      );
    await input.fill(text);
    await state(['dirty']);
    await input.press('Enter');
    await state(['saved', 'error']);
    const problem = this.page.getByTestId(`${field}-problem`);
    return (await problem.count()) > 0 ? ((await problem.textContent()) ?? '') : null;
  }

  /** What a number field shows now (the saved value as formatted, or what is typed). */
  async fieldValue(field: 'decimal-value' | 'source-value' = 'decimal-value'): Promise<string> {
    return this.page.getByTestId(field).inputValue();
  }

  /** A line of the screen by its test id, as read ('' when absent). */
  async text(testId: string): Promise<string> {
    const el = this.page.getByTestId(testId);
    return (await el.count()) > 0 ? ((await el.textContent()) ?? '').trim() : '';
  }

  /** "Tahap: Verifikasi dokumen" — the stage the tablet works in. */
  async stageLine(): Promise<string> {
    return this.text('stage-line');
  }

  /** The line of one stage's value beside the input ('' when not shown). */
  async stageValue(stage: string): Promise<string> {
    return (await this.text(`stage-value-${stage}`)).replace(/\s+/g, ' ');
  }

  /** Write one of the indicator's text outputs (`rekomendasi`, `fakta`, …) and wait until saved. */
  async writeOutput(
    field: 'notes' | 'rekomendasi' | 'fakta' | 'analisis' | 'justifikasi',
    text: string,
  ): Promise<void> {
    const input = this.output(field);
    await input.fill(text);
    await input.blur();
    await this.savedOutput(field);
  }

  /** The text field of an output, once the outputs' chunk has loaded. */
  output(field: 'notes' | 'rekomendasi' | 'fakta' | 'analisis' | 'justifikasi'): Locator {
    return this.page.locator(`#${field}-${this.no}`);
  }

  private async savedOutput(field: string): Promise<void> {
    await this.page.waitForFunction(
      (id) =>
        document
          .querySelector(`#${id}`)
          ?.parentElement?.querySelector('[data-save-state]')
          ?.getAttribute('data-save-state') === 'saved',
      `${field}-${this.no}`,
    );
  }

  /** Open "Rekomendasi standar" and insert the one aiming at `level`; wait until saved. */
  async insertStandardRecommendation(level: number): Promise<string> {
    const library = this.page.getByTestId('rec-library');
    if ((await library.getAttribute('open')) === null) await library.locator('summary').click();
    const text =
      (await library.getByTestId(`rec-${level}`).locator('.rec-text').textContent()) ?? '';
    await this.page.getByTestId(`rec-insert-${level}`).click();
    await this.savedOutput('rekomendasi');
    return text;
  }

  /** Tick "dirujuk" on the evidence file named `name` and wait until the tick is saved. */
  async citeFile(name: string): Promise<void> {
    const box = this.page.locator(`[data-testid="cite-file"][data-name="${name}"]`);
    await box.check();
    await this.page.waitForFunction(
      (n) =>
        (
          document.querySelector(
            `[data-testid="cite-file"][data-name="${n}"]`,
          ) as HTMLInputElement | null
        )?.checked === true,
      name,
    );
  }

  /** Names of the files the penjelasan cites (ticked "dirujuk"). */
  async citedFiles(): Promise<string[]> {
    await this.page.getByTestId('cited-files').waitFor();
    return this.page
      .locator('[data-testid="cite-file"]:checked')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
  }

  async next(): Promise<IndicatorScreen> {
    await this.page.getByTestId('next-indicator').click();
    await this.page
      .getByRole('heading', { level: 1, name: new RegExp(`^${this.no + 1}\\. `) })
      .waitFor();
    return new IndicatorScreen(this.page, this.no + 1);
  }
}

export class BeritaAcaraScreen {
  constructor(readonly page: Page) {}

  async fill(
    field:
      | 'ba-place'
      | 'ba-verifier-name'
      | 'ba-verifier-role'
      | 'ba-verifier-nip'
      | 'ba-rep-name'
      | 'ba-rep-role'
      | 'ba-rep-nip',
    text: string,
  ) {
    await this.page.locator(`#${field}`).fill(text);
    await this.page.locator(`#${field}`).blur();
    await this.page.waitForFunction(
      (id) =>
        document
          .querySelector(`#${id}`)
          ?.parentElement?.querySelector('[data-save-state]')
          ?.getAttribute('data-save-state') === 'saved',
      field,
    );
  }

  /**
   * Choose "verifikasi sebagian": sign a record whose indicators are not all verified
   * (signing is refused otherwise).
   */
  async choosePartial(): Promise<void> {
    await this.page.getByTestId('ba-partial').check();
    // Saved, not just ticked: the screen marks the choice once the store holds it.
    await this.page.locator('.partial-choice.chosen [data-testid="ba-partial"]').waitFor();
  }

  /** Whether the signatures hold: 'unsigned', 'signed' or 'void' (once computed). */
  async signingState(): Promise<string> {
    const cell = this.page.getByTestId('ba-signing-state');
    await this.page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="ba-signing-state"]')?.getAttribute('data-state') ??
          '') !== '',
    );
    return (await cell.getAttribute('data-state')) ?? '';
  }

  /** The sign button's label, or null when the screen offers no signing. */
  async signButton(): Promise<{ label: string; enabled: boolean } | null> {
    const button = this.page.getByTestId('ba-sign');
    if ((await button.count()) === 0) return null;
    return {
      label: ((await button.textContent()) ?? '').trim(),
      enabled: await button.isEnabled(),
    };
  }

  /**
   * The record as printed: the print stylesheet's text of the berita acara, and the PDF
   * Chromium makes of the page (A4, the page's own margin boxes) with its pages' text.
   */
  async printed(): Promise<{ dom: string; pdf: Buffer; pages: string[] }> {
    await this.page.emulateMedia({ media: 'print' });
    try {
      const doc = this.page.getByTestId('ba-document');
      await doc.waitFor();
      // biome-ignore lint/performance/useDomNodeTextContent: the text as the print stylesheet renders it is what the paper says.
      const dom = await doc.innerText();
      const pdf = await this.page.pdf({ preferCSSPageSize: true, printBackground: true });
      return { dom, pdf, pages: pdfPages(pdf) };
    } finally {
      await this.page.emulateMedia({ media: 'screen' });
    }
  }

  /** Draw a signature with the mouse (a finger on a tablet) and save it. */
  async sign(pad: 'sig-verifier' | 'sig-representative'): Promise<void> {
    const canvas = this.page.getByTestId(pad);
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (!box) throw new Error(`no ${pad}`);
    await this.page.mouse.move(box.x + 20, box.y + box.height / 2);
    await this.page.mouse.down();
    for (let i = 1; i <= 12; i++)
      await this.page.mouse.move(box.x + 20 + i * 18, box.y + box.height / 2 + (i % 2 ? -25 : 25));
    await this.page.mouse.up();
    await this.page.getByTestId(`${pad}-save`).click();
    await this.page.getByTestId(`${pad}-image`).waitFor();
  }

  /**
   * The pads whose stored signature was drawn over other results than today's: shown as
   * void, asking that person to sign again (`sig-verifier`, `sig-representative`).
   */
  async staleSignatures(): Promise<string[]> {
    const out: string[] = [];
    for (const pad of ['sig-verifier', 'sig-representative'])
      if ((await this.page.getByTestId(`${pad}-stale`).count()) > 0) out.push(pad);
    return out;
  }

  /** What the screen lists as still missing before signing ("Belum diisi: …"), or ''. */
  async signerGaps(): Promise<string> {
    const gaps = this.page.getByTestId('ba-signer-gaps');
    return (await gaps.count()) > 0 ? ((await gaps.textContent()) ?? '').trim() : '';
  }

  /** The saved signature image of a pad (its data URL), or null when none is shown. */
  async signatureImage(pad: 'sig-verifier' | 'sig-representative'): Promise<string | null> {
    const img = this.page.getByTestId(`${pad}-image`);
    return (await img.count()) > 0 ? img.getAttribute('src') : null;
  }

  async signRecord(): Promise<void> {
    await this.page.getByTestId('ba-sign').click();
    await this.page.getByTestId('ba-signed').waitFor();
  }
}

/** A unit's checklist (`/kerja/a/<id>`): what the record's state asks, filters and rows. */
export class ChecklistScreen {
  constructor(readonly app: VerifierApp) {}

  async open(assessmentId: string, ws: 'kerja' | 'latihan' = 'kerja'): Promise<void> {
    await this.app.open(`/${ws}/a/${encodeURIComponent(assessmentId)}`);
    await this.app.page.getByTestId('indicator-row-1').waitFor();
  }

  /** A notice above the list (`signing-void`, `returned-notice`, `approved-notice`, …). */
  notice(testId: string): Locator {
    return this.app.page.getByTestId(testId);
  }

  /** Numbers of the indicator rows shown now. */
  async rowNumbers(): Promise<number[]> {
    return this.app.page
      .locator('[data-testid^="indicator-row-"]')
      .evaluateAll((rows) =>
        rows.map((r) => Number(r.getAttribute('data-testid')?.replace('indicator-row-', ''))),
      );
  }

  /** Numbers of the rows that carry the coordinator's comment badge. */
  async badgedRows(): Promise<number[]> {
    return this.app.page
      .locator('[data-testid^="indicator-row-"]:has([data-testid="returned-badge"])')
      .evaluateAll((rows) =>
        rows.map((r) => Number(r.getAttribute('data-testid')?.replace('indicator-row-', ''))),
      );
  }

  /** Numbers of the rows that carry the "Tindak lanjut" badge. */
  async actionRows(): Promise<number[]> {
    return this.app.page
      .locator('[data-testid^="indicator-row-"]:has([data-testid="action-badge"])')
      .evaluateAll((rows) =>
        rows.map((r) => Number(r.getAttribute('data-testid')?.replace('indicator-row-', ''))),
      );
  }

  /** The unit's actions on other instruments, opened; null when the checklist shows none. */
  async otherInstrumentActions(): Promise<ActionsPanel | null> {
    const box = this.app.page.getByTestId('other-actions');
    if ((await box.count()) === 0) return null;
    if ((await box.getAttribute('open')) === null) await box.locator('summary').first().click();
    return new ActionsPanel(box);
  }

  /** Press "Tampilkan indikator dengan catatan" in the returned-work notice. */
  async showReturned(): Promise<void> {
    await this.app.page.getByTestId('show-returned').click();
    await this.app.page.waitForFunction(
      () =>
        document.querySelector('[data-testid="filter-returned"]')?.getAttribute('aria-pressed') ===
        'true',
    );
  }
}

/** A unit's summary (`…/ringkasan`): the official index as shown, its notes and the plan. */
export class SummaryScreen {
  constructor(readonly app: VerifierApp) {}

  async open(assessmentId: string, ws: 'kerja' | 'latihan' = 'kerja'): Promise<void> {
    await this.app.open(`/${ws}/a/${encodeURIComponent(assessmentId)}/ringkasan`);
    await this.app.page.getByTestId('summary-index').waitFor();
  }

  /** The text of a part of the summary by its test id ('' when the screen does not show it). */
  async text(testId: string): Promise<string> {
    const el = this.app.page.getByTestId(testId);
    return (await el.count()) > 0 ? ((await el.textContent()) ?? '').trim() : '';
  }

  /** The headline as a verifier reads it: index, level name, predicate. */
  async headline(): Promise<{ index: string; level: string; predicate: string }> {
    return {
      index: await this.text('summary-index'),
      level: (await this.text('summary-level-name')).replace(/^·\s*/, ''),
      predicate: await this.text('summary-predicate'),
    };
  }
}

/** The tablet's enrolment and sync screens. */
export class TabletSync {
  constructor(readonly app: VerifierApp) {}

  async enrol(code: string, label: string): Promise<void> {
    const page = this.app.page;
    await this.app.open('/masuk');
    await page.locator('#enrol-code').fill(code);
    await page.locator('#enrol-label').fill(label);
    await page.getByTestId('enrol-submit').click();
    await page.waitForURL(`${this.app.baseUrl}/`);
  }

  /** Submit an enrolment code the server refuses; returns the error the screen shows. */
  async enrolExpectingError(code: string, label: string): Promise<string> {
    const page = this.app.page;
    await this.app.open('/masuk');
    await page.locator('#enrol-code').fill(code);
    await page.locator('#enrol-label').fill(label);
    await page.getByTestId('enrol-submit').click();
    const error = page.getByTestId('enrol-error');
    await error.waitFor({ timeout: 30_000 });
    return (await error.textContent())?.trim() ?? '';
  }

  /** Open the storage & sync screen, press "Sinkronkan sekarang" and wait for a successful run. */
  async syncNow(): Promise<void> {
    const page = this.app.page;
    await this.app.open('/penyimpanan');
    const at = (id: string) =>
      page.evaluate(
        (testId) =>
          Number(document.querySelector(`[data-testid="${testId}"]`)?.getAttribute('data-at') ?? 0),
        id,
      );
    // The sync started by opening the page must finish first, then ours runs after the click.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="sync-state"]')?.textContent !== 'menyinkronkan…',
    );
    // The page's own clock, not the last outcome shown: right after a reload the panel may not
    // have read the earlier outcome yet, and that one appearing would pass for ours. A run the
    // button joins (already going) began after this page opened, so it holds every change made
    // before syncNow was called, and ends after this moment too.
    const before = await page.evaluate(() => Date.now());
    await page.getByTestId('sync-now').click();
    try {
      await page.waitForFunction(
        (prev) =>
          ['sync-last-success', 'sync-last-error'].some(
            (id) =>
              Number(
                document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-at') ?? 0,
              ) > prev,
          ),
        before,
        { timeout: 30_000 },
      );
    } catch (e) {
      throw new Error(
        `${(e as Error).message}; sync panel: ${await page.getByTestId('sync-panel').textContent()}`,
      );
    }
    if ((await at('sync-last-success')) <= before) {
      throw new Error(`sync failed: ${await page.getByTestId('sync-panel').textContent()}`);
    }
  }

  async unsyncedChanges(): Promise<number> {
    await this.app.open('/penyimpanan');
    return Number(await this.app.page.getByTestId('unsynced-changes').textContent());
  }
}

/**
 * The unit list on the home screen, as a verifier reads it: units still assigned, units
 * withdrawn from this tablet (listed apart, with their unsent work), and badges per card.
 */
export class HomeScreen {
  constructor(readonly app: VerifierApp) {}

  async open(): Promise<void> {
    await this.app.open('/');
    await this.app.page.locator('[data-testid="unit-card"], .notice').first().waitFor();
  }

  /** Tap the card of an assigned unit by its name; the unit's checklist opens. */
  async openUnit(name: string): Promise<ChecklistScreen> {
    await this.assignedCards().filter({ hasText: name }).first().click();
    await this.app.page.getByTestId('indicator-row-1').waitFor();
    return new ChecklistScreen(this.app);
  }

  /** Unit cards of the normal list (still assigned). */
  assignedCards(): Locator {
    return this.app.page.locator(
      'main > section:not([data-testid="withdrawn-section"]) [data-testid="unit-card"]',
    );
  }

  withdrawnSection(): Locator {
    return this.app.page.getByTestId('withdrawn-section');
  }

  /** The card of one assessment, wherever it is listed. */
  card(assessmentId: string): Locator {
    return this.app.page.locator(
      `[data-testid="unit-card"][href="/kerja/a/${encodeURIComponent(assessmentId)}"]`,
    );
  }

  /**
   * Headings of the groups of assigned units, top to bottom ("Pemerintah Daerah",
   * "Kelurahan", …); training mode's own list is not counted.
   */
  async groupHeadings(): Promise<string[]> {
    await this.app.page.locator('main > [data-testid="unit-group"]').first().waitFor();
    return (
      await this.app.page.locator('main > [data-testid="unit-group"] > h3').allTextContents()
    ).map((h) => h.trim());
  }

  /** Unit names listed under one group heading. */
  async unitsUnder(heading: string): Promise<string[]> {
    const group = this.app.page.locator('main > [data-testid="unit-group"]').filter({
      has: this.app.page.getByRole('heading', { level: 3, name: heading, exact: true }),
    });
    return (await group.getByTestId('unit-name').allTextContents()).map((n) => n.trim());
  }

  /**
   * What a card says waits to be sent ("N perubahan, F berkas belum terkirim"), as numbers;
   * zeros when the card shows no such badge.
   */
  async unsent(assessmentId: string): Promise<{ changes: number; files: number; text: string }> {
    await this.card(assessmentId).waitFor();
    const badge = this.card(assessmentId).getByTestId('unsent-badge');
    if ((await badge.count()) === 0) return { changes: 0, files: 0, text: '' };
    return {
      changes: Number(await badge.getAttribute('data-changes')),
      files: Number(await badge.getAttribute('data-files')),
      text: ((await badge.textContent()) ?? '').trim(),
    };
  }

  /** The "N ditolak server" badge of a card as a number (0 when the card has none). */
  async rejectedBadge(assessmentId: string): Promise<number> {
    const badge = this.card(assessmentId).getByTestId('rejected-badge');
    if ((await badge.count()) === 0) return 0;
    return Number(/\d+/.exec((await badge.textContent()) ?? '')?.[0] ?? Number.NaN);
  }
}

/** The "Ditolak server" page (/ditolak). */
export class RejectedScreen {
  constructor(readonly app: VerifierApp) {}

  async open(): Promise<void> {
    await this.app.open('/ditolak');
    await this.app.page
      .locator('[data-testid="rejected-item"], [data-testid="rejected-empty"]')
      .first()
      .waitFor();
  }

  items(): Locator {
    return this.app.page.getByTestId('rejected-item');
  }

  /** Press "Buang" on an item; resolves to the confirmation dialog (still open). */
  async askDiscard(item: Locator): Promise<Locator> {
    await item.getByTestId('rejected-discard').click();
    const dialog = this.app.page.getByTestId('discard-dialog');
    await dialog.waitFor();
    return dialog;
  }
}

/** The storage & sync page (/penyimpanan) beyond syncing: counts and "Lepas tablet". */
export class StorageScreen {
  constructor(readonly app: VerifierApp) {}

  async open(): Promise<void> {
    await this.app.open('/penyimpanan');
    await this.app.page.getByTestId('rejected-count').waitFor();
  }

  async rejectedCount(): Promise<number> {
    return Number(await this.app.page.getByTestId('rejected-count').textContent());
  }

  /** "Berkas belum terkirim": the number of files, and the row as read ("2 (12 KB)"). */
  async unsentFiles(): Promise<{ files: number; text: string }> {
    const text = ((await this.app.page.getByTestId('unsynced-files').textContent()) ?? '').trim();
    return { files: Number(/^\d+/.exec(text)?.[0] ?? Number.NaN), text };
  }

  /** A progress bar of the sync panel: its label and whether it shows everything sent. */
  async progress(
    which: 'changes-progress' | 'files-progress',
  ): Promise<{ label: string; complete: boolean }> {
    const bar = this.app.page.getByTestId(which);
    return {
      label: (await bar.getAttribute('aria-label')) ?? '',
      complete: (await bar.getAttribute('data-complete')) === 'true',
    };
  }

  /** "Terakhir berhasil" as the page shows it, and its time (0 when never). */
  async lastSuccess(): Promise<{ text: string; at: number }> {
    const cell = this.app.page.getByTestId('sync-last-success');
    await cell.waitFor();
    return {
      text: ((await cell.textContent()) ?? '').trim(),
      at: Number((await cell.getAttribute('data-at')) ?? 0),
    };
  }

  /** The sync history, newest first: each run's outcome and its line as read. */
  async history(): Promise<{ outcome: string; text: string }[]> {
    const entries = this.app.page.getByTestId('sync-history-entry');
    const out: { outcome: string; text: string }[] = [];
    for (const e of await entries.all())
      out.push({
        outcome: (await e.getAttribute('data-outcome')) ?? '',
        text: ((await e.textContent()) ?? '').replace(/\s+/g, ' ').trim(),
      });
    return out;
  }

  /** "Penyimpanan permanen": `granted`, `refused` or `not-asked`, and the row as read. */
  async persistence(): Promise<{ state: string; text: string }> {
    const cell = this.app.page.getByTestId('persisted');
    return {
      state: (await cell.getAttribute('data-state')) ?? '',
      text: ((await cell.textContent()) ?? '').trim(),
    };
  }

  /**
   * The sync state once no sync is running. Opening the page starts one a moment later, so
   * read it with `expect.poll` when a particular state is expected.
   */
  async syncState(): Promise<string> {
    const state = this.app.page.getByTestId('sync-state');
    await this.app.page.waitForFunction(
      () =>
        !['menyinkronkan…', 'menunggu tab lain selesai menyinkronkan tablet ini…'].includes(
          document.querySelector('[data-testid="sync-state"]')?.textContent ?? '',
        ),
    );
    return (await state.textContent())?.trim() ?? '';
  }

  /** The sync state as it reads now (while a sync runs or waits too). */
  async syncStateNow(): Promise<string> {
    return ((await this.app.page.getByTestId('sync-state').textContent()) ?? '').trim();
  }

  /** Press "Lepas tablet" and wait for the answer: the refusal, or the confirmation dialog. */
  async startRelease(): Promise<{ refused: string | null; dialog: Locator | null }> {
    const page = this.app.page;
    await page.getByTestId('release-start').click();
    const refused = page.getByTestId('release-refused');
    const dialog = page.getByTestId('release-dialog');
    await refused.or(dialog).first().waitFor({ timeout: 30_000 });
    if (await refused.isVisible())
      return { refused: (await refused.textContent()) ?? '', dialog: null };
    return { refused: null, dialog };
  }
}

/** Paste text into a field as the browser does (a paste event carrying the clipboard text). */
export async function pasteInto(field: Locator, text: string): Promise<void> {
  await field.focus();
  await field.evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    const event = new ClipboardEvent('paste', {
      clipboardData: data,
      bubbles: true,
      cancelable: true,
    });
    // Without a handler that takes over, a paste inserts the text (as Chromium would).
    if (el.dispatchEvent(event)) {
      const input = el as HTMLTextAreaElement;
      input.setRangeText(t, input.selectionStart ?? 0, input.selectionEnd ?? 0, 'end');
      input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    }
  }, text);
}

/** One improvement action as the tablet shows it (read-only), in words a verifier reads. */
export interface ShownAction {
  /** The one-line promise: "Unit ini berjanji: level 3 sebelum 30 Jun 2026". */
  promise: string;
  /** On the other-instrument list: "<instrument>, indikator <no>"; else null. */
  where: string | null;
  status: string;
  title: string;
  period: string;
  due: string;
  owner: string;
  evidence: string[];
  closingNote: string | null;
  links: { text: string; href: string | null }[];
  files: string[];
  /** "Perlu koneksi untuk membuka berkas." and the like, when shown. */
  fileMessage: string | null;
}

/** The "Tindak lanjut" box of an indicator, or the other-instrument list of a checklist. */
export class ActionsPanel {
  constructor(readonly root: Locator) {}

  /** The box on the indicator screen now shown, waiting for its chunk; null when there is none. */
  static async onIndicator(page: Page): Promise<ActionsPanel | null> {
    // The list is a live query: give it the moment it takes to answer.
    await page
      .getByRole('heading', { name: /^Level dan kriteria$|^Levels and criteria$/ })
      .waitFor();
    const box = page.getByTestId('indicator-actions');
    try {
      await box.waitFor({ timeout: 3000 });
    } catch {
      return null;
    }
    return new ActionsPanel(box);
  }

  /** Every action, each opened first (details), read as shown. */
  async actions(): Promise<ShownAction[]> {
    const items = this.root.getByTestId('action-item');
    const out: ShownAction[] = [];
    for (let i = 0; i < (await items.count()); i++) {
      const item = items.nth(i);
      if ((await item.getAttribute('open')) === null) await item.locator('summary').click();
      const text = async (testId: string) =>
        (await item.getByTestId(testId).count()) > 0
          ? ((await item.getByTestId(testId).first().textContent()) ?? '').trim()
          : null;
      out.push({
        promise: (await text('action-promise')) ?? '',
        where: await text('action-where'),
        status: (await text('action-status')) ?? '',
        title: (await text('action-title')) ?? '',
        period: (await text('action-period')) ?? '',
        due: (await text('action-due')) ?? '',
        owner: (await text('action-owner')) ?? '',
        evidence: await item.getByTestId('action-evidence').locator('li').allInnerTexts(),
        closingNote: await text('action-closing-note'),
        links: await item
          .getByTestId('action-links')
          .locator('li > *')
          .evaluateAll((els) =>
            els.map((e) => ({
              text: e.textContent ?? '',
              href: e instanceof HTMLAnchorElement ? e.getAttribute('href') : null,
            })),
          ),
        files: await item.getByTestId('action-files').locator('li > span').allInnerTexts(),
        fileMessage: await text('action-file-message'),
      });
    }
    return out;
  }
}

import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';

/** What the import form said: the success line, or the error message and its rows. */
export interface OfficialImportOutcome {
  ok: boolean;
  message: string;
  /** `<row number>: <text of the row>` per problem row of a refusal. */
  rows: string[];
}

/**
 * The official result page (/koordinator/hasil-resmi) as a coordinator or viewer uses it:
 * choose the period, download the template, upload a file, read the comparison.
 */
export class OfficialResultPage {
  constructor(readonly page: Page) {}

  async choosePeriod(name: string): Promise<void> {
    const select = this.page.getByTestId('period-select');
    const option = select.locator('option').filter({ hasText: name });
    const id = (await option.getAttribute('value')) ?? '';
    await select.selectOption(id);
    await this.page.locator(`[data-period="${id}"]`).first().waitFor();
    await this.page.getByTestId('official-table').waitFor();
  }

  importForm(): Locator {
    return this.page.getByTestId('official-import');
  }

  /** "Unduh templat CSV": the downloaded file's name and text. */
  async downloadTemplate(): Promise<{ name: string; text: string }> {
    const [dl] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByTestId('official-template').click(),
    ]);
    const path = await dl.path();
    return { name: dl.suggestedFilename(), text: readFileSync(path, 'utf8') };
  }

  /** Choose a file and press "Impor"; returns what the form says. */
  async upload(file: {
    name: string;
    mimeType: string;
    buffer: Buffer;
  }): Promise<OfficialImportOutcome> {
    const form = this.importForm();
    await this.page.locator('#official-file').setInputFiles(file);
    await form.getByRole('button', { name: /^(Impor|Import)$/ }).click();
    const error = form.getByTestId('official-import-error');
    const ok = form.getByTestId('success');
    await error.or(ok).first().waitFor();
    if (await ok.isVisible())
      return { ok: true, message: (await ok.textContent()) ?? '', rows: [] };
    const rows = await error
      .locator('[data-testid="csv-problems"] tbody tr')
      .evaluateAll((trs) => trs.map((r) => `${r.getAttribute('data-line')}: ${r.textContent}`));
    return {
      ok: false,
      message: (await error.locator('.c-error-message').textContent()) ?? '',
      rows,
    };
  }

  async text(testId: string): Promise<string> {
    return ((await this.page.getByTestId(testId).first().textContent()) ?? '').trim();
  }

  row(no: number): Locator {
    return this.page.getByTestId(`official-row-${no}`);
  }

  /** The highlights of an indicator's row: more generous than official, fell since before. */
  async rowMarks(no: number): Promise<{ higher: boolean; fell: boolean }> {
    const cls = (await this.row(no).getAttribute('class')) ?? '';
    return { higher: cls.includes('o-higher'), fell: cls.includes('o-fell') };
  }
}

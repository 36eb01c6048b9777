import type { Locator, Page } from 'playwright-core';

/** What a form or a row action said back: the success line, or the error and its message. */
export interface Said {
  ok: boolean;
  message: string;
}

/**
 * Run `act`, then wait for a new success line (not the one shown before) or the error box
 * `errorSelector`; return what it says.
 */
async function said(page: Page, errorSelector: string, act: () => Promise<void>): Promise<Said> {
  const ok = page.getByTestId('success');
  const before = (await ok.isVisible()) ? await ok.textContent() : null;
  await act();
  await page.waitForFunction(
    ([sel, prev]) => {
      const shown = document.querySelector('[data-testid="success"]');
      return (
        document.querySelector(sel as string) !== null ||
        (shown !== null && shown.textContent !== prev)
      );
    },
    [errorSelector, before],
  );
  const error = page.locator(errorSelector);
  if (await error.count()) {
    const message = error.first().locator('.c-error-message');
    return { ok: false, message: (await message.textContent())?.trim() ?? '' };
  }
  return { ok: true, message: (await ok.textContent())?.trim() ?? '' };
}

/**
 * The units page (/koordinator/unit) as a coordinator uses it: the tree, each row's "Ubah"
 * (name, code, parent) and "Hapus" with its in-place question.
 */
export class UnitsPage {
  constructor(readonly page: Page) {}

  row(code: string): Locator {
    return this.page.locator(
      `[data-testid="unit-tree"] [data-testid="unit-row"][data-code="${code}"]`,
    );
  }

  async rowName(code: string): Promise<string> {
    return (
      (await this.row(code).locator('td').first().textContent())?.replace('└', '').trim() ?? ''
    );
  }

  /** The code of the unit the tree shows `code` under (the nearest shallower row above). */
  async parentCode(code: string): Promise<string | null> {
    return this.page
      .locator('[data-testid="unit-tree"] [data-testid="unit-row"]')
      .evaluateAll((rows, wanted) => {
        const at = rows.findIndex((r) => r.getAttribute('data-code') === wanted);
        const depth = Number(rows[at]?.getAttribute('data-depth'));
        for (let i = at - 1; i >= 0; i--)
          if (Number(rows[i]?.getAttribute('data-depth')) < depth)
            return rows[i]?.getAttribute('data-code') ?? null;
        return null;
      }, code);
  }

  /**
   * "Ubah" on a unit's row, change what is given (the parent by its name as the list shows
   * it), "Simpan"; returns what the page says.
   */
  async edit(
    code: string,
    change: { name?: string; code?: string; parent?: string },
  ): Promise<Said> {
    await this.row(code).getByTestId('unit-edit').click();
    const form = this.page.getByTestId('unit-edit-form');
    await form.waitFor();
    if (change.name !== undefined) await form.getByLabel('Nama', { exact: true }).fill(change.name);
    if (change.code !== undefined) await form.getByLabel('Kode', { exact: true }).fill(change.code);
    if (change.parent !== undefined) {
      const select = form.getByLabel('Induk (pindahkan ke)');
      const option = select.locator('option').filter({ hasText: change.parent });
      await select.selectOption((await option.getAttribute('value')) ?? '');
    }
    return said(this.page, '[data-testid="unit-edit-form"] [data-testid="error"]', () =>
      form.getByRole('button', { name: 'Simpan' }).click(),
    );
  }

  /** "Hapus" on a unit's row, then "Ya, hapus"; returns the success line or the refusal. */
  async delete(code: string): Promise<Said> {
    await this.row(code).getByTestId('unit-delete').click();
    return said(this.page, '[data-testid="unit-row-error"]', () =>
      this.row(code).getByTestId('unit-delete-yes').click(),
    );
  }

  /** "Unit baru": kind (as the list names it), parent by name, code and name. */
  async create(unit: { kind: string; parent: string; code: string; name: string }): Promise<Said> {
    const form = this.page.getByTestId('unit-create-form');
    await form.locator('#un-kind').selectOption({ label: unit.kind });
    const option = form.locator('#un-parentId option').filter({ hasText: unit.parent });
    await form.locator('#un-parentId').selectOption((await option.getAttribute('value')) ?? '');
    await form.locator('#un-code').fill(unit.code);
    await form.locator('#un-name').fill(unit.name);
    return said(this.page, '[data-testid="unit-create-form"] [data-testid="error"]', () =>
      form.getByRole('button', { name: 'Tambah' }).click(),
    );
  }

  /** Row buttons a viewer must not get. */
  editButtons(): Locator {
    return this.page.locator('[data-testid="unit-edit"], [data-testid="unit-delete"]');
  }
}

/** The assignments page (/koordinator/penugasan): the period, the list, and moving units. */
export class AssignmentsPage {
  constructor(readonly page: Page) {}

  /** Choose the period (by its name) whose assignments are listed. */
  async choosePeriod(name: string): Promise<void> {
    const select = this.page.locator('#as-period');
    const option = select.locator('option').filter({ hasText: name });
    await select.selectOption((await option.getAttribute('value')) ?? '');
    await this.page.getByTestId('assignment-row').first().waitFor();
  }

  /** Choose a period that may have no assignments yet (a new one). */
  async selectPeriod(name: string): Promise<void> {
    const select = this.page.locator('#as-period');
    const option = select.locator('option').filter({ hasText: name });
    await select.selectOption((await option.getAttribute('value')) ?? '');
  }

  /** Show one verifier's assignments only (by name), or everyone's with ''. */
  async showVerifier(name: string): Promise<void> {
    const select = this.page.locator('#as-verifier');
    const value = name
      ? ((await select.locator('option').filter({ hasText: name }).getAttribute('value')) ?? '')
      : '';
    await select.selectOption(value);
  }

  /** The listed assignments as "unit code → verifier name". */
  async listed(): Promise<string[]> {
    return this.page
      .getByTestId('assignment-row')
      .evaluateAll((rows) =>
        rows.map(
          (r) =>
            `${r.getAttribute('data-unit')} → ${r.querySelectorAll('td')[2]?.textContent?.trim()}`,
        ),
      );
  }

  /** Tick the listed assignments of these units, choose the verifier, "Pindahkan". */
  async move(unitCodes: string[], toVerifier: string): Promise<Said> {
    for (const code of unitCodes)
      await this.page
        .locator(`[data-testid="assignment-row"][data-unit="${code}"] [data-testid="move-pick"]`)
        .check();
    const select = this.page.locator('#move-to');
    const option = select.locator('option').filter({ hasText: toVerifier });
    await select.selectOption((await option.getAttribute('value')) ?? '');
    return said(this.page, '[data-testid="move-error"]', () =>
      this.page.getByTestId('move-submit').click(),
    );
  }
}

/** Where things sit on a page, as a person at the laptop sees them. */
export class Layout {
  constructor(readonly page: Page) {}

  /** The heatmap table's right edge, the window's width and how wide the page scrolls. */
  async heatmapFit(): Promise<{
    right: number;
    viewport: number;
    pageWidth: number;
    columns: number;
  }> {
    const table = this.page.locator('table.r-heat');
    await table.waitFor();
    const box = await table.boundingBox();
    return {
      right: box ? box.x + box.width : Number.POSITIVE_INFINITY,
      viewport: this.page.viewportSize()?.width ?? 0,
      pageWidth: await this.page.evaluate(() => document.documentElement.scrollWidth),
      columns: (await table.locator('thead th').count()) - 1,
    };
  }

  /** How many lines the coordinator menu takes (distinct tops of its entries). */
  async menuLines(): Promise<number> {
    const entries = this.page.locator('[data-testid^="cnav-"]');
    const tops = new Set<number>();
    for (const box of await Promise.all((await entries.all()).map((e) => e.boundingBox())))
      if (box) tops.add(Math.round(box.y));
    return tops.size;
  }
}

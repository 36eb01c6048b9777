import type { Locator, Page } from 'playwright-core';

/** One row of the Tindak lanjut table as a reader sees it. */
export interface ActionRow {
  id: string;
  no: number;
  title: string;
  owner: string;
  levels: string;
  due: string;
  status: string;
  statusText: string;
}

/**
 * The tindak lanjut pages (/koordinator/tindak-lanjut…) and the places actions are made
 * from (the plan's "Jadikan tindak lanjut", the review's rekomendasi button, the
 * dashboard's panel), driven by menu, visible buttons and labels.
 */
export class ActionsPages {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  /** "Tindak lanjut" through the menu, once the list (or its empty line) is shown. */
  async open(): Promise<void> {
    await this.page.getByTestId('cnav-tindak-lanjut').click();
    await this.page.waitForURL('**/koordinator/tindak-lanjut**');
    await this.loaded();
  }

  async loaded(): Promise<void> {
    await this.page
      .getByTestId('action-counts')
      .or(this.page.getByTestId('actions-empty'))
      .first()
      .waitFor();
  }

  /** Choose a period in the page's picker and wait for its list. */
  async choosePeriod(name: string): Promise<void> {
    const select = this.page.getByTestId('period-select');
    const id =
      (await select.locator('option').filter({ hasText: name }).getAttribute('value')) ?? '';
    await select.selectOption(id);
    await this.page.locator(`[data-period="${id}"]`).first().waitFor();
    await this.loaded();
  }

  menuEntries(): Promise<string[]> {
    return this.page
      .locator('[data-testid^="cnav-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
  }

  async rows(): Promise<ActionRow[]> {
    return this.page.getByTestId('action-row').evaluateAll((trs) =>
      trs.map((tr) => {
        const q = (id: string) =>
          tr.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? '';
        const cells = tr.querySelectorAll('td');
        return {
          id: tr.getAttribute('data-id') ?? '',
          no: Number(tr.getAttribute('data-no')),
          title: cells[1]?.textContent?.trim() ?? '',
          owner: cells[3]?.textContent?.trim() ?? '',
          levels: q('action-levels'),
          due: q('action-due'),
          status:
            tr.querySelector('[data-testid="action-status"]')?.getAttribute('data-status') ?? '',
          statusText: q('action-status'),
        };
      }),
    );
  }

  /** The counts per status line: { rencana: n, … }. */
  async counts(): Promise<Record<string, number>> {
    return this.page
      .getByTestId('action-counts')
      .first()
      .locator('[data-count]')
      .evaluateAll((els) =>
        Object.fromEntries(
          els.map((e) => [
            e.getAttribute('data-status') ?? '',
            Number(e.getAttribute('data-count')),
          ]),
        ),
      );
  }

  async filterStatus(status: string): Promise<void> {
    await this.page.getByTestId('action-filter-status').selectOption(status);
  }

  /** Open an action from its row (by indicator number) and wait for its page. */
  async openAction(no: number): Promise<ActionDetailPage> {
    await this.page
      .locator(`[data-testid="action-row"][data-no="${no}"]`)
      .getByTestId('action-open')
      .click();
    await this.page.getByTestId('action-title').waitFor();
    return new ActionDetailPage(this.page);
  }

  /** "Cetak daftar OPD" from the list: the printable page's heading, letterhead and rows. */
  async openOwnerList(): Promise<{ heading: string; letterhead: string; rows: number }> {
    await this.page.goto(
      this.page.url().replace(/\/koordinator\/tindak-lanjut.*$/, '/koordinator/tindak-lanjut'),
    );
    await this.loaded();
    await this.page.getByTestId('action-print-owner').click();
    const list = this.page.getByTestId('owner-action-list');
    await list.getByTestId('actions-table').waitFor();
    return {
      heading: (await list.locator('h1').textContent())?.trim() ?? '',
      letterhead: (await list.getByTestId('letterhead').textContent())?.trim() ?? '',
      rows: await list.getByTestId('action-row').count(),
    };
  }

  // --- the plan ---

  /**
   * "Jadikan tindak lanjut" on the plan page: opens the form, optionally gives indicator
   * `owner.no` to the unit named `owner.unit`, sends, and returns the success line.
   */
  async planToActions(owner?: { no: number; unit: string; person: string }): Promise<string> {
    await this.openPlanForm();
    await this.page.getByTestId('plan-action-row').first().waitFor();
    if (owner) {
      const select = this.page.getByTestId(`pa-owner-${owner.no}`);
      const value = await select
        .locator('option')
        .filter({ hasText: owner.unit })
        .first()
        .getAttribute('value');
      await select.selectOption(value ?? '');
      await this.page
        .locator(
          `[data-testid="plan-action-row"][data-no="${owner.no}"] input[data-testid^="pa-person-"]`,
        )
        .fill(owner.person);
    }
    await this.page.getByTestId('plan-actions-send').click();
    const done = this.page.getByTestId('plan-actions-done');
    const error = this.page.getByTestId('plan-actions-error');
    await done.or(error).first().waitFor();
    if (await error.isVisible())
      throw new Error(`plan → actions refused: ${await error.textContent()}`);
    return (await done.textContent())?.trim() ?? '';
  }

  /** Open the plan's "Jadikan tindak lanjut" form (when it is not open yet). */
  async openPlanForm(): Promise<void> {
    const open = this.page.getByTestId('plan-actions-open');
    if (await open.isVisible()) await open.click();
  }

  /** The plan form's rows: indicator and whether it is ticked / marked as already an action. */
  async planActionRows(): Promise<{ no: number; ticked: boolean; exists: boolean }[]> {
    await this.openPlanForm();
    await this.page.getByTestId('plan-action-row').first().waitFor();
    return this.page.getByTestId('plan-action-row').evaluateAll((trs) =>
      trs.map((tr) => ({
        no: Number(tr.getAttribute('data-no')),
        ticked:
          (tr.querySelector('input[type="checkbox"]') as HTMLInputElement | null)?.checked ?? false,
        exists: !!tr.querySelector('[data-testid="pa-exists"]'),
      })),
    );
  }

  /**
   * The plan form with one indicator ticked and its due date set to `due`: press send and
   * return the message under the date field, the field's `min` and whether anything was made
   * (nothing may be sent when the date is refused).
   */
  async planDueRefused(
    due: string,
  ): Promise<{ message: string; min: string; invalid: boolean; made: boolean }> {
    await this.openPlanForm();
    await this.page.getByTestId('plan-action-row').first().waitFor();
    await this.page
      .locator('[data-testid="plan-action-row"] input[type="checkbox"]')
      .first()
      .check();
    const field = this.page.getByTestId('pa-due');
    await field.fill(due);
    await this.page.getByTestId('plan-actions-send').click();
    const message = this.page.locator('#pa-due-err');
    await message.waitFor();
    return {
      message: (await message.textContent())?.trim() ?? '',
      min: (await field.getAttribute('min')) ?? '',
      invalid: (await field.getAttribute('aria-invalid')) === 'true',
      made: await this.page.getByTestId('plan-actions-done').isVisible(),
    };
  }

  /** The add-by-hand form with a due date: returns the message under the date and its `min`. */
  async addByHandDueRefused(
    no: number,
    target: number,
    due: string,
  ): Promise<{ message: string; min: string }> {
    await this.page.getByTestId('action-add').click();
    await this.page.getByTestId('aa-indicator').selectOption(String(no));
    await this.page.getByTestId('aa-target').selectOption(String(target));
    const field = this.page.getByTestId('aa-due');
    await field.fill(due);
    await this.page.getByTestId('aa-save').click();
    const message = this.page.locator('#aa-due-err');
    await message.waitFor();
    return {
      message: (await message.textContent())?.trim() ?? '',
      min: (await field.getAttribute('min')) ?? '',
    };
  }

  /** Open a printable per-OPD list by its address: its heading, or 'no-access' when refused. */
  async openOwnerListOf(unitId: string): Promise<string> {
    await this.page.goto(
      `${this.baseUrl}/koordinator/tindak-lanjut/opd/${encodeURIComponent(unitId)}`,
    );
    const list = this.page.getByTestId('owner-action-list');
    const refused = this.page.getByTestId('no-access');
    await list.locator('[data-testid="action-counts"]').or(refused).first().waitFor();
    if (await refused.isVisible())
      return `no-access: ${(await refused.textContent())?.trim() ?? ''}`;
    return (await list.locator('h1').textContent())?.trim() ?? '';
  }

  // --- owner accounts ---

  /** Create an owner account for a unit; returns the password shown once. */
  async createOwner(unit: string, name: string, email: string): Promise<string> {
    const section = this.page.getByTestId('owner-accounts');
    const select = section.getByTestId('ow-unit');
    const value = await select
      .locator('option')
      .filter({ hasText: unit })
      .first()
      .getAttribute('value');
    await select.selectOption(value ?? '');
    await section.locator('#ow-name').fill(name);
    await section.locator('#ow-email').fill(email);
    await section.getByTestId('ow-create').click();
    const pw = section.getByTestId('owner-password');
    const error = section.getByTestId('owner-error');
    await pw.or(error).first().waitFor();
    if (await error.isVisible()) throw new Error(`owner refused: ${await error.textContent()}`);
    return (await pw.textContent())?.trim() ?? '';
  }

  /** "Atur ulang kata sandi" on an owner's row; returns the new password shown once. */
  async resetOwnerPassword(email: string): Promise<string> {
    await this.ownerRow(email).getByTestId('owner-reset').click();
    const pw = this.page.getByTestId('owner-accounts').getByTestId('owner-password');
    await this.page.getByTestId('owner-password-once').filter({ hasText: email }).waitFor();
    return (await pw.textContent())?.trim() ?? '';
  }

  /** "Nonaktifkan" on an owner's row; returns the row's state afterwards. */
  async deactivateOwner(email: string): Promise<string> {
    const row = this.ownerRow(email);
    await row.getByTestId('owner-toggle').click();
    await row.getByRole('button', { name: 'Aktifkan', exact: true }).waitFor();
    return (await row.locator('td').nth(4).textContent())?.trim() ?? '';
  }

  /**
   * "Tambah tindak lanjut" by hand on the Pemda unit: indicator and target chosen, the
   * evidence prefilled from the instrument; returns the prefilled evidence and the notice.
   */
  async addByHand(no: number, target: number): Promise<{ evidence: string; notice: string }> {
    await this.page.getByTestId('action-add').click();
    await this.page.getByTestId('aa-indicator').selectOption(String(no));
    await this.page.getByTestId('aa-target').selectOption(String(target));
    const evidence = this.page.getByTestId('aa-evidence');
    await expectFilled(evidence);
    const text = await evidence.inputValue();
    await this.page.getByTestId('aa-save').click();
    const ok = this.page.getByTestId('success');
    await ok.waitFor();
    return { evidence: text, notice: (await ok.textContent())?.trim() ?? '' };
  }

  ownerRow(email: string): Locator {
    return this.page.locator(`[data-testid="owner-row"][data-email="${email}"]`);
  }

  // --- dashboard ---

  /** The dashboard's promised index ("Indeks jika semua tindak lanjut berhasil"). */
  async dashboardPromised(): Promise<{ now: string; promised: string; predicate: string }> {
    const panel = this.page.getByTestId('actions-panel');
    await panel.getByTestId('actions-index-promised').waitFor();
    const text = async (id: string) => (await panel.getByTestId(id).textContent())?.trim() ?? '';
    return {
      now: await text('actions-index-now'),
      promised: await text('actions-index-promised'),
      predicate: await text('actions-promised-predicate'),
    };
  }

  // --- review ---

  /** Press "Jadikan tindak lanjut" under indicator `no` of the review page; returns its line. */
  async rekomendasiToAction(no: number): Promise<string> {
    const block = this.page.getByTestId(`rekomendasi-action-${no}`);
    await block.getByTestId('rekomendasi-action-make').click();
    await block.getByTestId('rekomendasi-action-link').waitFor();
    return (await block.textContent())?.trim() ?? '';
  }
}

/** Wait until a text field holds something (filled by the page after a choice). */
async function expectFilled(field: Locator): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await field.inputValue()).trim() !== '') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the field stayed empty');
}

/** One action's page. */
export class ActionDetailPage {
  constructor(readonly page: Page) {}

  async status(): Promise<string> {
    return (await this.page.getByTestId('action-status').first().getAttribute('data-status')) ?? '';
  }

  async markStarted(): Promise<void> {
    await this.page.getByTestId('action-start').click();
    await this.page
      .locator('[data-testid="action-status"][data-status="berjalan"]')
      .first()
      .waitFor();
  }

  async upload(file: { name: string; mimeType: string; buffer: Buffer }): Promise<string[]> {
    const before = await this.page.getByTestId('action-file').count();
    await this.page.getByTestId('action-file-input').setInputFiles(file);
    await this.page.getByTestId('action-file-upload').click();
    const error = this.page.getByTestId('action-file-error');
    const more = this.page.getByTestId('action-file').nth(before);
    await more.or(error).first().waitFor();
    if (await error.isVisible()) throw new Error(`upload refused: ${await error.textContent()}`);
    return this.page
      .getByTestId('action-file')
      .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
  }

  async comment(text: string): Promise<void> {
    const n = await this.page.getByTestId('action-comment').count();
    await this.page.getByTestId('action-comment-input').fill(text);
    await this.page.getByTestId('action-comment-send').click();
    await this.page.getByTestId('action-comment').nth(n).waitFor();
  }

  /** Fill the closing note and press close; returns the warning line shown before sending, if any. */
  async closeWith(note: string): Promise<void> {
    await this.page.getByTestId('action-close-note').fill(note);
    await this.page.getByTestId('action-close').click();
    const error = this.page.getByTestId('action-close-error');
    const done = this.page.getByTestId('action-closing-note');
    await done.or(error).first().waitFor();
    if (await error.isVisible()) throw new Error(`close refused: ${await error.textContent()}`);
  }

  /**
   * Press close with a note but no evidence: the form refuses it (the evidence line turns red,
   * nothing is sent). Returns that line.
   */
  async closeRefused(note: string): Promise<string> {
    await this.page.getByTestId('action-close-note').fill(note);
    await this.page.getByTestId('action-close').click();
    const refused = this.page.locator('[data-testid="action-close-needs"].bad');
    await refused.waitFor();
    return (await refused.textContent())?.trim() ?? '';
  }

  /** What the close form says about evidence before anything is sent ('' when nothing). */
  async closeNeeds(): Promise<string> {
    const n = this.page.getByTestId('action-close-needs');
    return (await n.count()) ? ((await n.textContent())?.trim() ?? '') : '';
  }

  /**
   * Change the title in the coordinator's edit form and save; returns the conflict line when
   * the server refused it as changed by someone else ('' when it was saved).
   */
  async editTitle(title: string): Promise<string> {
    const form = this.page.getByTestId('action-edit');
    if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
    await this.page.locator('#ae-title').fill(title);
    await this.page.getByTestId('action-edit-save').click();
    const conflict = this.page.getByTestId('action-edit-conflict');
    const ok = this.page.getByTestId('success');
    await conflict.or(ok).first().waitFor();
    return (await conflict.count()) ? ((await conflict.textContent())?.trim() ?? '') : '';
  }

  /** Whether any form or write button is on the page. */
  async writeControls(): Promise<number> {
    return this.page
      .locator(
        '[data-testid="action-start"], [data-testid="action-close"], [data-testid="action-file-upload"], [data-testid="action-comment-send"], [data-testid="action-edit"], [data-testid="action-delete"]',
      )
      .count();
  }

  /** "Kembalikan ke Rencana" on a Berjalan action; waits for the Rencana chip. */
  async backToPlan(): Promise<void> {
    await this.page.getByTestId('action-back-to-plan').click();
    await this.page
      .locator('[data-testid="action-status"][data-status="rencana"]')
      .first()
      .waitFor();
  }

  /**
   * The edit form sent with `title` and `due` (empty clears them): the messages under the
   * fields (by field id, with their aria-invalid) and the form's notice ('' when none).
   */
  async editRefused(
    title: string,
    due: string,
  ): Promise<{ fields: Record<string, string>; invalid: string[]; notice: string }> {
    const form = this.page.getByTestId('action-edit');
    if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
    await this.page.locator('#ae-title').fill(title);
    await this.page.locator('#ae-due').fill(due);
    await this.page.getByTestId('action-edit-save').click();
    await form.locator('.c-field-error').first().waitFor();
    const fields = Object.fromEntries(
      await form
        .locator('.c-field-error')
        .evaluateAll((ps) => ps.map((p) => [p.id, p.textContent?.trim() ?? ''])),
    ) as Record<string, string>;
    const invalid = await form
      .locator('[aria-invalid="true"]')
      .evaluateAll((els) => els.map((e) => e.id));
    const n = this.page.getByTestId('action-edit-error');
    const notice = (await n.count()) ? ((await n.textContent())?.trim() ?? '') : '';
    return { fields, invalid, notice };
  }

  /** Whether "Selesaikan" can be pressed now. */
  closeEnabled(): Promise<boolean> {
    return this.page.getByTestId('action-close').isEnabled();
  }

  /** Close with a note and links: the message under the links field (nothing is sent). */
  async closeLinkRefused(note: string, links: string): Promise<string> {
    await this.page.getByTestId('action-close-note').fill(note);
    await this.page.getByTestId('action-close-links').fill(links);
    await this.page.getByTestId('action-close').click();
    const m = this.page.locator('#action-close-links-err');
    await m.waitFor();
    return (await m.textContent())?.trim() ?? '';
  }

  /** Whether the page scrolls sideways (its content wider than the window). */
  scrollsSideways(): Promise<boolean> {
    return this.page.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
  }

  async ownerOnlyControls(): Promise<number> {
    return this.page.locator('[data-testid="action-edit"], [data-testid="action-delete"]').count();
  }
}

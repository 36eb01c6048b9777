import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';
import { switchLanguage } from '../support/language';

/**
 * The coordinator pages (/koordinator/*), driven the way a coordinator uses them, and the
 * tablet's enrol screen (/masuk) as the coordinator's counterpart in the enrolment story.
 */
export class CoordinatorApp {
  /** Console reports of Content-Security-Policy violations (the CSP forbids inline scripts). */
  readonly cspViolations: string[] = [];

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) this.cspViolations.push(m.text());
    });
  }

  async open(path = '/koordinator'): Promise<void> {
    await this.page.goto(`${this.baseUrl}${path}`);
    await this.page.locator('header.header').waitFor();
  }

  /** Open the login page and submit the form; does not wait for the outcome. */
  async submitLogin(email: string, password: string): Promise<void> {
    await this.open('/koordinator/masuk');
    await this.page.locator('#c-email').fill(email);
    await this.page.locator('#c-password').fill(password);
    await this.page.getByTestId('coordinator-login-submit').click();
  }

  /** Sign in and wait for the coordinator menu. */
  async login(email: string, password: string): Promise<void> {
    await this.submitLogin(email, password);
    await this.page.getByTestId('coordinator-account').waitFor();
  }

  /** Sign in with bad credentials; returns the error the page shows. */
  async loginExpectingError(email: string, password: string): Promise<string> {
    await this.submitLogin(email, password);
    const error = this.page.getByTestId('login-error');
    await error.waitFor();
    return (await error.textContent())?.trim() ?? '';
  }

  async logout(): Promise<void> {
    await this.page.getByTestId('coordinator-logout').click();
    await this.page.locator('#c-email').waitFor();
  }

  /** Go to a section through the coordinator menu (in-app navigation). */
  async nav(
    section:
      | 'periode'
      | 'unit'
      | 'verifikator'
      | 'penugasan'
      | 'sinkronisasi'
      | 'hasil-resmi'
      | 'riwayat',
  ): Promise<void> {
    await this.page.getByTestId(`cnav-${section}`).click();
    await this.page.waitForURL((u) => u.pathname === `/koordinator/${section}`);
  }

  async openVerifiers(): Promise<VerifiersPage> {
    await this.nav('verifikator');
    await this.page.getByTestId('verifier-row').first().waitFor();
    return new VerifiersPage(this.page);
  }

  /** "Sinkronisasi" through the menu, once the refused-changes list has loaded. */
  async openSync(): Promise<SyncPage> {
    await this.nav('sinkronisasi');
    const sync = new SyncPage(this.page);
    await sync.rejectionsLoaded();
    return sync;
  }

  /** Press the header's language button ("English" / "Bahasa Indonesia"). */
  async switchLanguage(to: 'English' | 'Bahasa Indonesia'): Promise<void> {
    await switchLanguage(this.page, to);
  }

  async openPeriods(): Promise<Locator> {
    await this.nav('periode');
    await this.page.getByTestId('period-row').first().waitFor();
    return this.page.getByTestId('period-row');
  }

  /** "Periode & instrumen" through the menu, once the list has loaded. */
  async openPeriodsPage(): Promise<PeriodsPage> {
    await this.openPeriods();
    return new PeriodsPage(this.page);
  }

  async openUnits(): Promise<Locator> {
    await this.nav('unit');
    await this.page.getByTestId('unit-row').first().waitFor();
    return this.page.getByTestId('unit-row');
  }

  async openAssignments(): Promise<Locator> {
    await this.nav('penugasan');
    await this.page.getByTestId('assignment-row').first().waitFor();
    return this.page.getByTestId('assignment-row');
  }

  /** Choose an instrument file on the periods page and import it; returns what the page says. */
  async importFramework(file: { name: string; buffer: Buffer }): Promise<ImportOutcome> {
    await this.page
      .locator('#framework-file')
      .setInputFiles({ ...file, mimeType: 'application/json' });
    const form = this.page.getByTestId('framework-import');
    await form.getByRole('button', { name: 'Impor' }).click();
    return this.outcome(this.page, 'framework-error');
  }

  /** Import a units CSV on the units page; returns the message and the lines of the error table. */
  async importUnitsCsv(csv: string | Buffer): Promise<ImportOutcome> {
    const form = this.page.getByTestId('unit-import');
    const buffer = typeof csv === 'string' ? Buffer.from(csv) : csv;
    await this.page
      .locator('#unit-import-file')
      .setInputFiles({ name: 'unit.csv', mimeType: 'text/csv', buffer });
    await form.getByRole('button', { name: 'Impor' }).click();
    return this.outcome(form, 'unit-import-error');
  }

  private async outcome(scope: Page | Locator, errorId: string): Promise<ImportOutcome> {
    const error = scope.getByTestId(errorId);
    const ok = scope.getByTestId('success');
    await error.or(ok).first().waitFor();
    if (await ok.isVisible())
      return { ok: true, message: (await ok.textContent()) ?? '', items: [] };
    const problems = await error.locator('[data-testid="framework-problems"] li').allTextContents();
    const lines = await error
      .locator('[data-testid="csv-problems"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-line')}: ${r.textContent}`));
    return {
      ok: false,
      message: (await error.locator('.c-error-message').textContent()) ?? '',
      items: problems.length ? problems : lines,
    };
  }

  async createVerifier(name: string, email: string): Promise<void> {
    const form = this.page.getByTestId('verifier-create-form');
    await form.locator('#vn-name').fill(name);
    await form.locator('#vn-email').fill(email);
    await form.getByRole('button', { name: 'Tambah' }).click();
    await this.page.locator(`[data-testid="verifier-row"][data-email="${email}"]`).waitFor();
  }

  /** On the assignments page: choose the verifier, tick units by code, assign. */
  async assignUnits(verifierEmail: string, unitCodes: string[]): Promise<string> {
    const option = this.page.locator('#as-verifier option', { hasText: verifierEmail });
    await this.page
      .locator('#as-verifier')
      .selectOption((await option.getAttribute('value')) ?? '');
    for (const code of unitCodes)
      await this.page
        .locator(`[data-testid="assign-tree"] [data-testid="unit-row"][data-code="${code}"] label`)
        .click();
    await this.page.getByTestId('assign-submit').click();
    const ok = this.page.getByTestId('success');
    await ok.waitFor();
    return (await ok.textContent())?.trim() ?? '';
  }

  offlineNotice(): Locator {
    return this.page.getByTestId('coordinator-offline');
  }

  /** Serious and critical axe-core violations on the current page. */
  async accessibilityViolations(): Promise<string[]> {
    // Evaluated over the DevTools protocol: the page's CSP (rightly) refuses injected <script>s.
    const require = createRequire(import.meta.url);
    await this.page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    return this.page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run(
              ctx: Document,
            ): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }>;
          };
        }
      ).axe;
      const r = await axe.run(document);
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`);
    });
  }
}

/** A new period as the coordinator types it into the "Periode baru" form. */
export interface NewPeriod {
  name: string;
  year: number;
  /** The instrument's code as the option shows it ("pemdi-2026"). */
  frameworkId: string;
  /** As typed: "3,50" or "3.50" (either mark, in either language). */
  target: string;
  /** Text of the status option ("draf" also finds the English "draft"). */
  status: 'draf' | 'aktif' | 'ditutup';
  /** The plan's step cap per indicator as typed; left as the form offers it when absent. */
  stepCap?: string;
}

/** The periods page (/koordinator/periode): the list and the new-period form. */
export class PeriodsPage {
  constructor(readonly page: Page) {}

  form(): Locator {
    return this.page.getByTestId('period-create-form');
  }

  /** Choose an instrument in the new-period form by its code; returns what the form says of it. */
  async chooseInstrument(frameworkId: string): Promise<string> {
    const select = this.form().locator('#pn-frameworkId');
    const option = select.locator('option').filter({ hasText: frameworkId });
    await select.selectOption((await option.getAttribute('value')) ?? '');
    const facts = this.form().getByTestId('instrument-facts');
    await facts.locator('ul').waitFor();
    return (await facts.textContent())?.trim() ?? '';
  }

  /** The target index the new-period form offers now, as the field shows it. */
  target(): Promise<string> {
    return this.form().locator('#pn-targetIndex').inputValue();
  }

  /** The step cap the form offers now. */
  stepCap(): Promise<string> {
    return this.form().locator('#pn-planStepCap').inputValue();
  }

  /** Fill and send the form; returns the confirmation shown. */
  async create(p: NewPeriod): Promise<string> {
    const form = this.form();
    await form.locator('#pn-name').fill(p.name);
    await form.locator('#pn-year').fill(String(p.year));
    await form.locator('#pn-targetIndex').fill(p.target);
    await this.chooseInstrument(p.frameworkId);
    const status = form.locator('#pn-status');
    const option = status.locator('option').filter({ hasText: p.status });
    // The option's value property: Preact leaves out the attribute when the value equals
    // the option's text (English "draft").
    await status.selectOption(await option.evaluate((o: HTMLOptionElement) => o.value));
    if (p.stepCap !== undefined) await form.locator('#pn-planStepCap').fill(p.stepCap);
    // "Tambah" or "Add": the form's one submit button, in either language.
    await form.locator('button[type="submit"]').click();
    // This period's confirmation, not the one a previous period left on the page.
    const ok = this.page.getByTestId('success').filter({ hasText: p.name });
    await ok.waitFor();
    return (await ok.textContent())?.trim() ?? '';
  }

  /** The row of a period in the list. */
  periodRow(name: string): Locator {
    return this.page.getByTestId('period-row').filter({ hasText: name });
  }

  /** Where a period stands, as its row says ("Verifikasi dokumen (2 dari 4)"). */
  async stageOf(name: string): Promise<string> {
    return ((await this.periodRow(name).getByTestId('period-stage').textContent()) ?? '').trim();
  }

  /**
   * Press "Lanjutkan ke tahap …" on a period, answer the question with yes, and wait for
   * the confirmation. Returns the question asked and the confirmation shown.
   */
  async advanceStage(name: string): Promise<{ question: string; confirmation: string }> {
    const row = this.periodRow(name);
    await row.getByTestId('advance-stage').click();
    const question = ((await row.locator('.c-confirm-q').textContent()) ?? '').trim();
    await row.getByTestId('advance-stage-yes').click();
    const ok = this.page.getByTestId('success').filter({ hasText: `Periode "${name}" sekarang` });
    await ok.waitFor();
    return { question, confirmation: ((await ok.textContent()) ?? '').trim() };
  }

  /** Open a period's stage history: each move's cells (move, by whom, when), oldest first. */
  async stageHistory(name: string, expected: number): Promise<string[][]> {
    const rows = this.page.getByTestId('stage-history-row');
    if ((await rows.count()) === 0)
      await this.periodRow(name).getByTestId('stage-history-toggle').click();
    await this.page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="stage-history-row"]').length >= n,
      expected,
    );
    const out: string[][] = [];
    for (const r of await rows.all())
      out.push((await r.locator('td').allTextContents()).map((s) => s.trim()));
    return out;
  }

  /** Bring the stage history (opened by stageHistory) into view, e.g. for a screenshot. */
  async showHistory(): Promise<void> {
    await this.page.getByTestId('stage-history').scrollIntoViewIfNeeded();
  }

  /** The list's row of a period, its cells as text. */
  async row(name: string): Promise<string[]> {
    const row = this.page.getByTestId('period-row').filter({ hasText: name });
    await row.waitFor();
    return (await row.locator('td').allTextContents()).map((s) => s.trim());
  }
}

export interface ImportOutcome {
  ok: boolean;
  message: string;
  /** Every listed problem: instrument problems, or CSV rows as "line: column problem". */
  items: string[];
}

export class VerifiersPage {
  constructor(readonly page: Page) {}

  rows(): Locator {
    return this.page.getByTestId('verifier-row');
  }

  /** The "Tablet aktif" cell of a verifier, once the per-tablet count has loaded. */
  async tabletCount(email: string): Promise<string> {
    const cell = this.page
      .locator(`[data-testid="verifier-row"][data-email="${email}"]`)
      .getByTestId('verifier-tablets');
    await this.page.waitForFunction(
      (el) => !!el && el.textContent?.trim() !== '…',
      await cell.elementHandle(),
    );
    return (await cell.textContent())?.trim() ?? '';
  }

  /**
   * Where a verifier's row reads: the top of the first line of text in each cell (the name
   * link first), and the height of the name link, the row's tap target.
   */
  async rowLayout(email: string): Promise<{ textTops: number[]; linkHeight: number }> {
    const row = this.page.locator(`[data-testid="verifier-row"][data-email="${email}"]`);
    return row.evaluate((tr) => {
      const textTop = (el: Element) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return Math.round(range.getClientRects()[0]?.top ?? Number.NaN);
      };
      const link = tr.querySelector('[data-testid="verifier-open"]') as HTMLElement;
      const others = [...tr.querySelectorAll('td')].slice(1);
      return {
        textTops: [textTop(link), ...others.map(textTop)],
        linkHeight: link.getBoundingClientRect().height,
      };
    });
  }

  createForm(): Locator {
    return this.page.getByTestId('verifier-create-form');
  }

  async open(email: string): Promise<VerifierDetailPage> {
    await this.page
      .locator(`[data-testid="verifier-row"][data-email="${email}"]`)
      .getByTestId('verifier-open')
      .click();
    await this.page.getByTestId('verifier-name').waitFor();
    await this.page.getByRole('heading', { level: 2 }).first().waitFor();
    return new VerifierDetailPage(this.page);
  }
}

export interface ShownEnrolment {
  displayCode: string;
  expiry: string;
  /** Natural width of the QR image: > 0 when the browser decoded the SVG. */
  qrWidth: number;
}

export class VerifierDetailPage {
  constructor(readonly page: Page) {}

  enrolButton(): Locator {
    return this.page.getByTestId('enrol-create');
  }

  revokeButtons(): Locator {
    return this.page.getByTestId('device-revoke');
  }

  device(label: string): Locator {
    return this.page.locator(`[data-testid="device-row"][data-label="${label}"]`);
  }

  /** One identity's row (a tablet that rotated its identity has several rows with its label). */
  identity(deviceId: string): Locator {
    return this.page.locator(`[data-testid="device-row"][data-device-id="${deviceId}"]`);
  }

  /** What the row says about an identity: its state, origin, status text and rotation note. */
  async identityState(deviceId: string): Promise<{
    state: string | null;
    origin: string | null;
    status: string;
    rotated: string;
  }> {
    const row = this.identity(deviceId);
    await row.waitFor();
    const rotated = row.getByTestId('device-rotated');
    return {
      state: await row.getAttribute('data-state'),
      origin: await row.getAttribute('data-origin'),
      status: (await row.locator('.pill').first().textContent())?.trim() ?? '',
      rotated: (await rotated.count()) ? ((await rotated.textContent())?.trim() ?? '') : '',
    };
  }

  /** "1 tablet aktif · 2 identitas aktif" above the list. */
  async counts(): Promise<string> {
    return (await this.page.getByTestId('device-counts').textContent())?.trim() ?? '';
  }

  /** Press "Daftarkan tablet" and read what the coordinator would read out to the verifier. */
  async enrolTablet(): Promise<ShownEnrolment> {
    await this.enrolButton().click();
    const code = this.page.getByTestId('enrol-display-code');
    await code.waitFor();
    const qr = this.page.getByTestId('enrol-qr');
    await this.page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="enrol-qr"]') as HTMLImageElement | null)
          ?.complete === true,
    );
    return {
      displayCode: (await code.textContent())?.trim() ?? '',
      expiry: (await this.page.getByTestId('enrolment-expiry').textContent())?.trim() ?? '',
      qrWidth: await qr.evaluate((img) => (img as HTMLImageElement).naturalWidth),
    };
  }

  /** Wait until the tablet shows up in the list (the page watches while a code is shown). */
  async waitForDevice(label: string): Promise<Locator> {
    const row = this.device(label);
    await row.waitFor({ timeout: 20_000 });
    return row;
  }

  async lastSeen(label: string): Promise<string> {
    return (await this.device(label).getByTestId('device-last-seen').textContent())?.trim() ?? '';
  }

  /** "Cabut" → confirm → wait until the row says revoked. */
  async revoke(label: string): Promise<void> {
    const row = this.device(label);
    await row.getByTestId('device-revoke').click();
    await row.getByTestId('device-revoke-yes').click();
    await this.page
      .locator(`[data-testid="device-row"][data-label="${label}"][data-revoked="true"]`)
      .waitFor();
  }
}

/** One refused change as the sync page lists it. */
export interface ShownRejection {
  code: string | null;
  source: string | null;
  unit: string;
  indicator: string;
  field: string;
  value: string;
  tablet: string;
  reason: string;
  sourceText: string;
}

/** What the page says after an export file was chosen. */
export type BundleOutcome =
  | {
      ok: true;
      counts: Record<'applied' | 'duplicates' | 'rejected' | 'conflicts', number>;
      rejections: { code: string | null; text: string }[];
      text: string;
    }
  | { ok: false; code: string | null; title: string; message: string; text: string };

/** The coordinator's sync page (/koordinator/sinkronisasi): conflicts, refused changes, import. */
export class SyncPage {
  constructor(readonly page: Page) {}

  /** Wait until the refused-changes list shows its rows or its empty state. */
  async rejectionsLoaded(): Promise<void> {
    const section = this.page.getByTestId('rejections');
    await section
      .getByTestId('rejections-empty')
      .or(section.getByTestId('rejection-table'))
      .first()
      .waitFor();
  }

  emptyState(): Locator {
    return this.page.getByTestId('rejections-empty');
  }

  async refreshRejections(): Promise<void> {
    // The list keeps showing its previous rows (or empty state) while it reloads: wait for the
    // server's answer and for the section to stop being busy, not just for a list to be there.
    const answered = this.page.waitForResponse((r) => r.url().includes('/api/sync/rejections'));
    await this.page.getByTestId('rejections-refresh').click();
    await answered;
    await this.page.locator('[data-testid="rejections"][aria-busy="false"]').waitFor();
    await this.rejectionsLoaded();
  }

  /** The rows of the refused-changes list as a coordinator reads them. */
  async rejections(): Promise<ShownRejection[]> {
    const rows = this.page.getByTestId('rejections').getByTestId('rejection-row');
    const out: ShownRejection[] = [];
    for (const row of await rows.all()) {
      const text = async (id: string) => {
        const el = row.getByTestId(id);
        return (await el.count()) ? ((await el.first().textContent())?.trim() ?? '') : '';
      };
      out.push({
        code: await row.getAttribute('data-code'),
        source: await row.getAttribute('data-source'),
        unit: await text('rejection-unit'),
        indicator: await text('rejection-indicator'),
        field: await text('rejection-field'),
        value: await text('rejection-value'),
        tablet: await text('rejection-tablet'),
        reason: await text('rejection-reason'),
        sourceText: await text('rejection-source'),
      });
    }
    return out;
  }

  /** Choose a unit in the filter by its visible name ('' = all units). */
  async filterUnit(name: string): Promise<void> {
    const select = this.page.getByTestId('rejections-unit');
    if (!name) {
      await select.selectOption('');
      return;
    }
    const option = select.locator('option').filter({ hasText: name });
    await select.selectOption((await option.getAttribute('value')) ?? '');
  }

  async unitOptions(): Promise<string[]> {
    return (await this.page.getByTestId('rejections-unit').locator('option').allTextContents()).map(
      (s) => s.trim(),
    );
  }

  async countText(): Promise<string> {
    return (await this.page.getByTestId('rejections-count').textContent())?.trim() ?? '';
  }

  /** Choose an export file and wait for the page's answer (result or refusal). */
  async importBundle(file: { name: string; buffer: Buffer }): Promise<BundleOutcome> {
    // The previous answer stays until the new one arrives: wait for the one naming this file.
    await this.page
      .getByTestId('bundle-input')
      .setInputFiles({ ...file, mimeType: 'application/zip' });
    const result = this.page.getByTestId('bundle-result').filter({ hasText: file.name });
    const refused = this.page.getByTestId('bundle-refused').filter({ hasText: file.name });
    await result.or(refused).first().waitFor();
    if (await refused.count()) {
      return {
        ok: false,
        code: await refused.getAttribute('data-code'),
        title: (await refused.locator('.c-error-message').textContent())?.trim() ?? '',
        message: (await refused.getByTestId('bundle-refused-message').textContent())?.trim() ?? '',
        text: (await refused.textContent()) ?? '',
      };
    }
    const count = async (key: string) =>
      Number(await result.getByTestId(`bundle-${key}`).getAttribute('data-count'));
    const rejections = [];
    for (const row of await result.getByTestId('bundle-rejection').all())
      rejections.push({
        code: await row.getAttribute('data-code'),
        text: (await row.textContent()) ?? '',
      });
    return {
      ok: true,
      counts: {
        applied: await count('applied'),
        duplicates: await count('duplicates'),
        rejected: await count('rejected'),
        conflicts: await count('conflicts'),
      },
      rejections,
      text: (await result.textContent()) ?? '',
    };
  }
}

const WORK_CARDS = '[data-testid="unit-card"][href^="/kerja/"]';

/** The tablet's side: the enrol screen and the home list that sync fills. */
export class TabletEnrolScreen {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(): Promise<void> {
    await this.page.goto(`${this.baseUrl}/masuk`);
    await this.page.locator('#enrol-code').waitFor();
  }

  /** Type the code and a tablet name, submit, and wait to land on the home screen. */
  async enrol(code: string, label: string): Promise<void> {
    await this.page.locator('#enrol-code').fill(code);
    await this.page.locator('#enrol-label').fill(label);
    await this.page.getByTestId('enrol-submit').click();
    await this.page.waitForURL((u) => u.pathname === '/', { timeout: 20_000 });
  }

  /** Cards of real assigned units (the home screen also shows the training unit's card). */
  unitCards(): Locator {
    return this.page.locator(WORK_CARDS);
  }

  /** Wait until sync has put exactly `count` assigned units on the home screen. */
  async waitForUnitCards(count: number, timeout = 30_000): Promise<void> {
    await this.page.waitForFunction(
      ([sel, n]) => document.querySelectorAll(sel as string).length === n,
      [WORK_CARDS, count] as const,
      { timeout },
    );
  }

  /** Open "Penyimpanan & sinkronisasi", press "Sinkronkan sekarang", return the alert shown. */
  async syncNow(): Promise<string> {
    await this.page
      .getByRole('navigation')
      .getByRole('link', { name: /Penyimpanan/ })
      .click();
    await this.page.getByTestId('sync-now').click();
    const alert = this.page.getByTestId('sync-panel').getByRole('alert');
    await alert.first().waitFor({ timeout: 20_000 });
    return (await alert.allTextContents()).join('\n');
  }

  async goHome(): Promise<void> {
    await this.page.getByRole('navigation').getByRole('link', { name: 'Beranda' }).click();
    await this.page.waitForURL((u) => u.pathname === '/');
    await this.unitCards().first().waitFor();
  }

  async unitNames(): Promise<string[]> {
    return this.unitCards().locator('strong').allTextContents();
  }
}

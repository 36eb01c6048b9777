import type { Locator, Page } from 'playwright-core';

/** One period row of the history table, as read on the screen. */
export interface HistoryRow {
  name: string;
  instrument: string;
  self: string;
  verified: string;
  official: string;
  predicate: string;
  actions: string;
}

/** One indicator that rose or fell, as its row reads. */
export interface HistoryChangeRow {
  no: number;
  name: string;
  fromTo: string;
  change: string;
}

/** One step between consecutive periods. */
export interface HistoryStepView {
  title: string;
  sameInstrument: boolean;
  change: string;
  /** The cross-instrument sentence ('' on one instrument). */
  cross: string;
  basis: string;
  rose: HistoryChangeRow[];
  fell: HistoryChangeRow[];
  unchanged: string;
  groupRows: number;
}

/**
 * The index history page (/koordinator/riwayat) as a coordinator or viewer reads it: the
 * chart of the index per period, the table of periods and, per pair of periods, what changed.
 */
export class HistoryPage {
  constructor(readonly page: Page) {}

  /** Wait until the history has loaded (the periods table is there). */
  async ready(): Promise<void> {
    await this.page.getByTestId('history-table').waitFor();
  }

  private async cell(row: Locator, testId: string): Promise<string> {
    return ((await row.getByTestId(testId).textContent()) ?? '').trim();
  }

  async rows(): Promise<HistoryRow[]> {
    const out: HistoryRow[] = [];
    for (const r of await this.page.getByTestId('history-period').all()) {
      const tds = r.locator('td');
      out.push({
        name: ((await tds.nth(0).textContent()) ?? '').trim(),
        instrument: ((await tds.nth(1).textContent()) ?? '').trim(),
        self: await this.cell(r, 'history-self'),
        verified: await this.cell(r, 'history-verified'),
        official: await this.cell(r, 'history-official'),
        predicate: await this.cell(r, 'history-predicate'),
        actions: await this.cell(r, 'history-actions'),
      });
    }
    return out;
  }

  /** The chart: its column labels and, per series (legend label), the points it draws. */
  async chart(): Promise<{ columns: string[]; points: Record<string, number>; values: string[] }> {
    const chart = this.page.getByTestId('history-chart');
    const columns = (await chart.getByTestId('history-chart-column').allTextContents()).map((s) =>
      s.trim(),
    );
    const series = await chart
      .locator('circle[data-series]')
      .evaluateAll((cs) => cs.map((c) => c.getAttribute('data-series') ?? ''));
    const points: Record<string, number> = {};
    for (const s of series) points[s] = (points[s] ?? 0) + 1;
    const values = (await chart.getByTestId('history-chart-value').allTextContents()).map((s) =>
      s.trim(),
    );
    return { columns, points, values };
  }

  private async changes(table: Locator): Promise<HistoryChangeRow[]> {
    if ((await table.count()) === 0) return [];
    return table.locator('[data-testid="history-change"]').evaluateAll((trs) =>
      trs.map((tr) => {
        const td = [...tr.querySelectorAll('td')].map((c) => (c.textContent ?? '').trim());
        return {
          no: Number(td[0]),
          name: td[1] ?? '',
          fromTo: td[2] ?? '',
          change: td[3] ?? '',
        };
      }),
    );
  }

  async steps(): Promise<HistoryStepView[]> {
    const out: HistoryStepView[] = [];
    for (const s of await this.page.getByTestId('history-step').all()) {
      const text = async (id: string) =>
        (await s.getByTestId(id).count())
          ? ((await s.getByTestId(id).textContent()) ?? '').trim()
          : '';
      out.push({
        title: ((await s.locator('h2').textContent()) ?? '').trim(),
        sameInstrument: (await s.locator('[data-step-same="true"]').count()) > 0,
        change: await text('history-step-change'),
        cross: await text('history-cross'),
        basis: await text('history-basis'),
        rose: await this.changes(s.getByTestId('history-rose')),
        fell: await this.changes(s.getByTestId('history-fell')),
        unchanged: await text('history-unchanged'),
        groupRows: await s.getByTestId('history-group').count(),
      });
    }
    return out;
  }
}

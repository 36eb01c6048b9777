import type { Locator, Page } from 'playwright-core';
import type { VerifierApp } from './verifier-app';

/** Text of a locator, trimmed ('' when absent). */
async function text(l: Locator): Promise<string> {
  return (await l.count()) ? ((await l.first().textContent())?.trim() ?? '') : '';
}

/** A conflict on the tablet's indicator page; `newer` names the side edited later. */
export interface ShownTabletConflict {
  role: string;
  mine: string;
  other: string;
  mineWhen: string;
  otherWhen: string;
  newer: 'mine' | 'other' | '';
}

/**
 * Open conflicts and the clock notice as the verifier meets them on the tablet: the unit's
 * card on the home screen, its checklist row, the storage page's list and the indicator's
 * own page.
 */
export class TabletConflicts {
  constructor(readonly app: VerifierApp) {}

  /** The home screen's card of a unit: its conflict badge and its sync words. */
  async homeCard(unitName: string): Promise<{ card: Locator; badge: string; text: string }> {
    await this.app.open('/');
    const card = this.app.page.locator(`[data-testid="unit-card"][data-unit="${unitName}"]`);
    await card.waitFor();
    return {
      card,
      badge: await text(card.getByTestId('conflict-count-badge')),
      text: (await card.textContent()) ?? '',
    };
  }

  /** The checklist row of an indicator: its text (levels shown) and its conflict mark. */
  async checklistRow(
    assessmentPath: string,
    no: number,
  ): Promise<{ row: Locator; mark: string; text: string }> {
    await this.app.open(assessmentPath);
    const row = this.app.page.getByTestId(`indicator-row-${no}`);
    await row.waitFor();
    // The conflicts load after the record: wait for the mark before reading the row.
    await row
      .getByTestId('conflict-badge')
      .waitFor({ timeout: 10_000 })
      .catch(() => undefined);
    return {
      row,
      mark: await text(row.getByTestId('conflict-badge')),
      text: (await row.textContent()) ?? '',
    };
  }

  /** The storage page's list of open conflicts: unit/indicator/field and both values. */
  async storageList(): Promise<{ where: string; mine: string; other: string; role: string }[]> {
    await this.app.open('/penyimpanan');
    await this.app.page.getByTestId('conflict-count').waitFor();
    const rows = this.app.page.getByTestId('open-conflict');
    const out = [];
    for (const r of await rows.all()) {
      out.push({
        // biome-ignore lint/performance/useDomNodeTextContent: the unit and the indicator line are separate blocks; rendered text keeps them apart.
        where: (await r.locator('th').innerText()).replace(/\s+/g, ' ').trim(),
        mine: await text(r.getByTestId('open-conflict-mine')),
        other: await text(r.getByTestId('open-conflict-other')),
        role: (await r.getAttribute('data-role')) ?? '',
      });
    }
    return out;
  }

  /** The conflicts on an indicator's page: role, this tablet's value, the other, the times. */
  async onIndicator(path: string): Promise<ShownTabletConflict[]> {
    await this.app.open(path);
    const cards = this.app.page.getByTestId('conflict');
    await cards.first().waitFor();
    const out: ShownTabletConflict[] = [];
    for (const c of await cards.all()) {
      out.push({
        role: (await c.getAttribute('data-role')) ?? '',
        mine: await text(c.getByTestId('conflict-mine')),
        other: await text(c.getByTestId('conflict-other')),
        mineWhen: await text(c.getByTestId('conflict-mine-when')),
        otherWhen: await text(c.getByTestId('conflict-other-when')),
        newer: (await c
          .locator('tr', { has: this.app.page.getByTestId('conflict-mine') })
          .getByTestId('conflict-newer')
          .count())
          ? 'mine'
          : (await c.getByTestId('conflict-newer').count())
            ? 'other'
            : '',
      });
    }
    return out;
  }

  /** "Jam tablet tidak tepat" on the page now ('' when not shown). */
  async clockNotice(): Promise<string> {
    return text(this.app.page.getByTestId('clock-notice'));
  }
}

/** One row of the coordinator's conflict list as a person reads it. */
export interface ShownConflict {
  unit: string;
  indicator: string;
  field: string;
  local: string;
  server: string;
  row: string;
}

/** The coordinator's conflict list (Sinkronisasi) and an audit trail (dashboard cell). */
export class CoordinatorConflicts {
  constructor(readonly page: Page) {}

  async list(): Promise<ShownConflict[]> {
    const rows = this.page.getByTestId('conflict-row');
    await rows.first().waitFor();
    const out: ShownConflict[] = [];
    for (const r of await rows.all()) {
      out.push({
        unit: await text(r.getByTestId('conflict-unit')),
        indicator: await text(r.getByTestId('conflict-indicator')),
        field: await text(r.getByTestId('conflict-field')),
        local: (await text(r.getByTestId('conflict-local'))).replace(/\s+/g, ' '),
        server: (await text(r.getByTestId('conflict-server'))).replace(/\s+/g, ' '),
        row: (await r.textContent()) ?? '',
      });
    }
    return out;
  }

  /** The lines of an audit trail shown in `within` (one per event), and which are doubtful. */
  async auditLines(within: Locator): Promise<{ text: string; doubtful: boolean }[]> {
    const lines = within.getByTestId('audit-line');
    await lines.first().waitFor();
    const out = [];
    for (const l of await lines.all()) {
      const what = await text(l.getByTestId('audit-what'));
      const who = await text(l.getByTestId('audit-who'));
      const when = await text(l.getByTestId('audit-when'));
      out.push({
        text: [what, who.replace(/\s*·$/, ''), when]
          .filter(Boolean)
          .join(' · ')
          .replace(/\s+/g, ' '),
        doubtful: (await l.getAttribute('data-doubtful')) === 'true',
      });
    }
    return out;
  }
}

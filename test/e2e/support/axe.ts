import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { type ContrastAllowance, contrastReport } from './contrast';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** What axe found on a page, its undecided colour results settled by the computed check. */
export interface AxeOutcome {
  /** Serious and critical violations: `id (impact, nodes): targets`. */
  violations: string[];
  /**
   * Colour contrasts axe filed under "incomplete" (it could not decide them: text over a
   * sticky bar, a pseudo-element, a partly covered box…) that the computed check found too
   * low or could not decide either. An undecided contrast is never a pass.
   */
  contrast: string[];
}

/**
 * axe-core on the current page, loaded over the DevTools protocol (the app's CSP rightly
 * refuses injected <script>s). Run `contrastReport` first on the same page: each colour
 * contrast axe leaves undecided is settled by the computed check's verdict on that element.
 */
export async function runAxe(page: Page): Promise<AxeOutcome> {
  // Once per loaded document: a screen checked again after a resize keeps it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    interface Node {
      target: string[];
      any?: { data?: { messageKey?: string } | null }[];
    }
    interface Result {
      id: string;
      impact: string | null;
      nodes: Node[];
    }
    const w = window as unknown as {
      axe: {
        run(
          ctx: Document,
          options: { resultTypes: string[]; preload: boolean },
        ): Promise<{ violations: Result[]; incomplete: Result[] }>;
      };
      __contrastDecided?: WeakMap<Element, string | null>;
    };
    // Passes and inapplicable rules are not needed: axe then keeps only one node of each.
    // No preload: it refetches every stylesheet for one rule (CSS orientation lock), and
    // the app locks no orientation.
    const r = await w.axe.run(document, {
      resultTypes: ['violations', 'incomplete'],
      preload: false,
    });
    window.scrollTo(0, 0);
    const violations = r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
    const contrast: string[] = [];
    for (const i of r.incomplete.filter((x) => x.id === 'color-contrast'))
      for (const n of i.nodes) {
        const target = n.target.join(' ');
        const el = document.querySelector(target);
        const verdict = el ? w.__contrastDecided?.get(el) : undefined;
        if (verdict === null) continue;
        contrast.push(
          verdict === undefined
            ? `color-contrast undecided: ${target} (${n.any?.[0]?.data?.messageKey ?? '?'})`
            : `color-contrast (computed) ${verdict}: ${target}`,
        );
      }
    return { violations, contrast };
  });
}

/**
 * Accessibility problems of the current page, one line each: axe's serious and critical
 * violations, and every colour contrast axe could not decide unless the computed check
 * (`contrastReport`) decided it and found it sufficient. Before, only violations counted,
 * so a white-on-white button that axe filed under "incomplete" passed. Scrolls while
 * checking and returns to the top; take screenshots first.
 *
 * @param _strictIn once limited the undecided check to these elements; every element is
 *   checked now, the parameter stays so older calls compile.
 * @param allow undecidable colours accepted on this page, each with its reason.
 * @returns `[]` when the page is fine.
 */
export async function accessibilityProblems(
  page: Page,
  _strictIn: string[] = [],
  allow: readonly ContrastAllowance[] = [],
): Promise<string[]> {
  await contrastReport(page, allow);
  const axe = await runAxe(page);
  return [...axe.violations, ...axe.contrast];
}

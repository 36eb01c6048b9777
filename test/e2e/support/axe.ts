import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * axe-core on the current page: serious and critical violations anywhere, plus — inside the
 * elements matched by `strictIn` — every color-contrast result axe could not decide
 * ("incomplete", e.g. text over a background it cannot compute), counted as failures too.
 * Loaded over the DevTools protocol: the app's CSP (rightly) refuses injected <script>s.
 *
 * @returns one line per problem, `id (impact, nodes)` or `color-contrast incomplete: <target>`.
 */
export async function accessibilityProblems(
  page: Page,
  strictIn: string[] = [],
): Promise<string[]> {
  const require = createRequire(import.meta.url);
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async (strict) => {
    interface Node {
      target: string[];
      any?: { data?: { messageKey?: string } | null }[];
    }
    interface Result {
      id: string;
      impact: string | null;
      nodes: Node[];
    }
    const axe = (
      window as unknown as {
        axe: { run(ctx: Document): Promise<{ violations: Result[]; incomplete: Result[] }> };
      }
    ).axe;
    const r = await axe.run(document);
    const out = r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
    const inStrict = (n: Node) => {
      const el = document.querySelector(n.target.join(' '));
      return !!el && strict.some((sel) => el.closest(sel) !== null);
    };
    for (const i of r.incomplete.filter((x) => x.id === 'color-contrast'))
      for (const n of i.nodes.filter(inStrict))
        out.push(
          `color-contrast incomplete: ${n.target.join(' ')} (${n.any?.[0]?.data?.messageKey ?? '?'})`,
        );
    return out;
  }, strictIn);
}

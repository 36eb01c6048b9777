import type { PlanItem, PlanView } from '../types';

/** The plan's raised indicators under one aspect (its group path, domain › aspect). */
export interface PlanGroup {
  path: string;
  items: PlanItem[];
}

/**
 * The plan's items in the instrument's order (aspect, then indicator number), grouped by
 * aspect. Every step of the plan is needed to reach the target (it is the fewest), so the
 * order states no priority: the instrument's is the one the tablet's checklist and the
 * coordinator's other pages use, where an indicator is found by its number.
 */
export function planByAspect(plan: Pick<PlanView, 'items' | 'indicators'>): PlanGroup[] {
  const rank = new Map(plan.indicators.map((i, k) => [i.no, k]));
  const sorted = [...plan.items].sort(
    (a, b) => (rank.get(a.no) ?? a.no) - (rank.get(b.no) ?? b.no) || a.no - b.no,
  );
  const groups: PlanGroup[] = [];
  for (const item of sorted) {
    const path = item.groups.join(' › ');
    const last = groups[groups.length - 1];
    if (last && last.path === path) last.items.push(item);
    else groups.push({ path, items: [item] });
  }
  return groups;
}

/** A table row naming the aspect of the rows under it, across `columns` columns. */
export function PlanGroupRow({ path, columns }: { path: string; columns: number }) {
  return (
    <tr class="r-plan-group" data-testid="plan-group">
      <th scope="colgroup" colSpan={columns}>
        {path}
      </th>
    </tr>
  );
}

import { type ComponentChildren, Fragment } from 'preact';
import { useT } from './i18n';
import type { UnitNode } from './types';

/**
 * Units that match `query` (name or code, case-insensitive) plus their ancestors, so a hit
 * is still shown in its place in the tree. Empty query → every unit.
 */
export function filterTree(units: readonly UnitNode[], query: string): UnitNode[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...units];
  const byId = new Map(units.map((u) => [u.id, u]));
  const keep = new Set<string>();
  for (const u of units) {
    if (!u.name.toLowerCase().includes(q) && !u.code.toLowerCase().includes(q)) continue;
    let cur: UnitNode | undefined = u;
    while (cur && !keep.has(cur.id)) {
      keep.add(cur.id);
      cur = cur.parentId ? byId.get(cur.parentId) : undefined;
    }
  }
  return units.filter((u) => keep.has(u.id));
}

/**
 * The unit hierarchy as an indented table (server order: parents first). With `selection`
 * every row gets a checkbox; `extra` adds a cell per row (pills, actions).
 */
export function UnitTreeTable(props: {
  units: readonly UnitNode[];
  selection?: {
    selected: ReadonlySet<string>;
    disabled?: ReadonlySet<string>;
    toggle(id: string, on: boolean): void;
  };
  extra?: (u: UnitNode) => ComponentChildren;
  extraHeader?: string;
  /** Rows shown right under a unit's row (its edit form, why it was refused). */
  after?: (u: UnitNode) => ComponentChildren;
  testId?: string;
}) {
  const t = useT();
  const sel = props.selection;
  return (
    // Scrolls on its own, so keyboard users must be able to focus it (WCAG 2.1.1).
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region needs focus for keyboard scrolling
    <section class="table-wrap c-tree-wrap" tabIndex={0} aria-label={t('unitTreeLabel')}>
      <table class="c-tree" data-testid={props.testId ?? 'unit-tree'}>
        <thead>
          <tr>
            {sel ? (
              <th scope="col" class="c-check-col">
                <span class="sr-only">✓</span>
              </th>
            ) : null}
            <th scope="col">{t('name')}</th>
            <th scope="col">{t('code')}</th>
            <th scope="col">{t('kind')}</th>
            {props.extra ? <th scope="col">{props.extraHeader ?? ''}</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.units.map((u) => {
            const inputId = `unit-pick-${u.id}`;
            const disabled = sel?.disabled?.has(u.id) ?? false;
            return (
              <Fragment key={u.id}>
                <tr
                  data-testid="unit-row"
                  data-code={u.code}
                  data-depth={u.depth}
                  class={`c-kind-${u.kind}`}
                >
                  {sel ? (
                    <td class="c-check-col">
                      <input
                        id={inputId}
                        type="checkbox"
                        checked={disabled || sel.selected.has(u.id)}
                        disabled={disabled}
                        onChange={(e) => sel.toggle(u.id, e.currentTarget.checked)}
                      />
                    </td>
                  ) : null}
                  <td>
                    <span class="c-indent" style={{ paddingLeft: `${u.depth * 1.4}rem` }}>
                      {u.depth > 0 ? (
                        <span class="c-branch" aria-hidden="true">
                          └
                        </span>
                      ) : null}
                      {sel ? (
                        <label for={inputId} class="c-tree-label">
                          {u.name}
                        </label>
                      ) : (
                        <span>{u.name}</span>
                      )}
                    </span>
                  </td>
                  <td>
                    <code>{u.code}</code>
                  </td>
                  <td class="small">{t(`kind_${u.kind}`)}</td>
                  {props.extra ? <td>{props.extra(u)}</td> : null}
                </tr>
                {props.after?.(u)}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

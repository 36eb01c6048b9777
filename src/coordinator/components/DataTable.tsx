import { type ComponentChildren, createContext } from 'preact';
import { useContext, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n';

/**
 * The title of the card a table sits in (Section provides it): what a scrolling table's
 * region is called when its DataTable names none.
 */
export const TableTitle = createContext<string | undefined>(undefined);

/** Whether an element's content is wider or taller than the element (it scrolls). */
function overflows(el: HTMLElement): boolean {
  return el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
}

/**
 * A box that scrolls a wide (or long) table. Only while its content does not fit is it a
 * focusable, named region, so a keyboard user can reach it and scroll it with the arrow
 * keys (WCAG 2.1.1, axe "scrollable-region-focusable"); a table that fits adds no tab stop
 * and no landmark. Re-measured when the box or the table changes size (a window turned to
 * portrait, rows loaded).
 */
export function ScrollRegion(props: {
  label: string;
  class?: string;
  children: ComponentChildren;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // Until measured (and where ResizeObserver is missing) it is focusable: reachable is safe.
  const [scrolls, setScrolls] = useState(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => setScrolls(overflows(el));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    for (const child of Array.from(el.children)) observer.observe(child);
    return () => observer.disconnect();
  }, []);
  // A named region with a tab stop while it scrolls, a plain box otherwise.
  const region = scrolls ? { tabIndex: 0, role: 'region' as const, 'aria-label': props.label } : {};
  return (
    <div
      ref={ref}
      class={props.class ?? 'table-wrap'}
      data-testid={props.testId}
      data-scrolls={scrolls ? 'true' : 'false'}
      {...region}
    >
      {props.children}
    </div>
  );
}

/**
 * A table of rows under column headings. On screen it scrolls sideways inside a
 * ScrollRegion of class `wrap` (default `table-wrap`; `false` for printed reports, which
 * flow onto the page), named `label` or else the title of the Section it sits in. A
 * heading that is null is left out (a column only some users see); `actions` adds the
 * "actions" column the rows fill with ActionsCell.
 */
export function DataTable(props: {
  headings: ComponentChildren[];
  /** The rows (<tr>). */
  children: ComponentChildren;
  actions?: boolean;
  testId?: string;
  class?: string;
  wrap?: string | false;
  /** What the table is, for its scrolling region (default: the Section's title). */
  label?: string;
}) {
  const t = useT();
  const title = useContext(TableTitle);
  const headings = props.actions ? [...props.headings, t('actions')] : props.headings;
  const table = (
    <table class={props.class} data-testid={props.testId}>
      <thead>
        <tr>
          {headings.map((h, i) =>
            h === null ? null : (
              <th key={i} scope="col">
                {h}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
  if (props.wrap === false) return table;
  // Without a label or a Section, the column headings say what the table is.
  const named = headings.filter((h): h is string => typeof h === 'string').join(', ');
  return (
    <ScrollRegion label={props.label ?? title ?? named} class={props.wrap}>
      {table}
    </ScrollRegion>
  );
}

/**
 * A row's buttons in the "actions" column; nothing when `show` is false (a viewer, or a
 * closed period), matching a DataTable whose `actions` is the same condition.
 */
export function ActionsCell(props: { show: boolean; children: ComponentChildren }) {
  return props.show ? <td class="c-cell-actions">{props.children}</td> : null;
}

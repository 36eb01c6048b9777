import type { ComponentChildren } from 'preact';
import { isProvisional } from '../../core';
import type { AssessmentDetail } from '../types';

/**
 * The large "SEMENTARA" mark after a predikat (`text`: the word in the page's language, or
 * Indonesian on printed reports); nothing when `text` is empty.
 */
export function ProvisionalMark({ text }: { text: string | null | undefined }) {
  if (!text) return null;
  return (
    <>
      {' '}
      <span class="r-provisional r-provisional-mark" data-testid="provisional-mark">
        {text}
      </span>
    </>
  );
}

/**
 * Whether a unit's verified predikat must carry the SEMENTARA mark (review page and unit
 * report alike): it has a predikat, and the verification is partial or incomplete.
 */
export function verifiedIsProvisional(d: Pick<AssessmentDetail, 'indices' | 'signing'>): boolean {
  return (
    !!d.indices.verified.predicate &&
    isProvisional({ partial: d.signing.partial, complete: d.signing.completeness.complete })
  );
}

/**
 * One index box of the dashboard, plan, review and reports: what it is, the number (as
 * formatIndex writes it) and, when it has one, its predicate line; `children` go under it.
 */
export function IndexBox(props: {
  label: string;
  value: string;
  /** The predicate line; left out when undefined (a target has none). */
  predicate?: ComponentChildren;
  /** The page's headline figure, drawn larger. */
  main?: boolean;
  testId?: string;
  predicateTestId?: string;
  /**
   * The large "SEMENTARA" mark beside the predikat (core `isProvisional`: a partial
   * verification or an index not covering every applicable indicator); its text is given
   * in the page's language, or Indonesian on printed reports.
   */
  provisional?: string | null;
  children?: ComponentChildren;
}) {
  return (
    <div class={props.main ? 'r-kpi r-main' : 'r-kpi'}>
      <span class="small">{props.label}</span>
      <strong data-testid={props.testId}>{props.value}</strong>
      {props.predicate === undefined ? null : (
        <span data-testid={props.predicateTestId}>
          {props.predicate}
          <ProvisionalMark text={props.provisional} />
        </span>
      )}
      {props.children}
    </div>
  );
}

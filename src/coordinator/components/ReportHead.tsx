import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api';
import type { usePeriod } from '../period';
import { ErrorNotice } from '../ui';
import { PeriodSelect } from './PeriodSelect';
import { PrintButton } from './PrintButton';

/**
 * The head of a printable page of one period (plan, reports): title and print button, what
 * the page is for (not printed), why loading failed, and the period picker with `children`
 * (more filters) beside it.
 */
export function ReportHead(props: {
  title: string;
  intro: string;
  /** False when the printed document has a title of its own (the city summary). */
  printTitle: boolean;
  period: ReturnType<typeof usePeriod>;
  error: ApiError | null;
  children?: ComponentChildren;
}) {
  const { periods, periodId, setPeriodId, error } = props.period;
  return (
    <>
      <div class={props.printTitle ? 'r-doc-head' : 'r-doc-head no-print'}>
        <h1>{props.title}</h1>
        <PrintButton />
      </div>
      <p class="r-note no-print">{props.intro}</p>
      <ErrorNotice error={error ?? props.error} />
      <div class="r-filters">
        <PeriodSelect periods={periods} value={periodId} onChange={setPeriodId} />
        {props.children}
      </div>
    </>
  );
}

import { useT } from '../i18n';
import type { Period } from '../types';
import { SelectField } from './FormField';

/** The period picker of the dashboard, plan and reports (pair it with `usePeriod`). */
export function PeriodSelect(props: {
  periods: Period[];
  value: string;
  onChange(id: string): void;
}) {
  const t = useT();
  return (
    <SelectField
      id="r-period"
      label={t('period')}
      testId="period-select"
      value={props.value}
      onValue={props.onChange}
    >
      {props.periods.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name} ({p.year})
        </option>
      ))}
    </SelectField>
  );
}

/** The options of a set-up form's period <select>: "choose", then each period and its status. */
export function PeriodOptions({ periods }: { periods: Period[] }) {
  const t = useT();
  return (
    <>
      <option value="">{t('choosePeriod')}</option>
      {periods.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name} ({t(`status_${p.status}`)})
        </option>
      ))}
    </>
  );
}

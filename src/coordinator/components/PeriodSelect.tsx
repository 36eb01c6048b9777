import { useT } from '../i18n';
import type { Period } from '../types';

/** The period picker of the dashboard, plan and reports (pair it with `usePeriod`). */
export function PeriodSelect(props: {
  periods: Period[];
  value: string;
  onChange(id: string): void;
}) {
  const t = useT();
  return (
    <div>
      <label for="r-period">{t('period')}</label>
      <select
        id="r-period"
        data-testid="period-select"
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {props.periods.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} ({p.year})
          </option>
        ))}
      </select>
    </div>
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

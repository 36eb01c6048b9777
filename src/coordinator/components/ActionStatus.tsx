import { ACTION_DISPLAY_STATUSES, type ActionDisplayStatus } from '../../core/actions';
import { type Translator, useT } from '../i18n';
import type { ActionCounts } from '../types';

/** A tindak lanjut's display status as a chip; Terlambat says by how many days. */
export function ActionStatusChip(props: { status: ActionDisplayStatus; daysOverdue?: number }) {
  const t = useT();
  return (
    <span
      class={`pill a-status a-status-${props.status}`}
      data-status={props.status}
      data-testid="action-status"
    >
      {t(`actionStatus_${props.status}`)}
      {props.status === 'terlambat' && props.daysOverdue
        ? ` · ${t('actionDaysLate', { n: props.daysOverdue })}`
        : ''}
    </span>
  );
}

/** The counts per status as chips with numbers, and a stacked bar of them. */
export function ActionCountsLine({ counts, t }: { counts: ActionCounts; t: Translator }) {
  return (
    <>
      <div class="r-counts" data-testid="action-counts">
        {ACTION_DISPLAY_STATUSES.map((s) => (
          <span key={s} data-status={s} data-count={counts[s]}>
            <ActionStatusChip status={s} /> {counts[s]}
          </span>
        ))}
        <span class="small muted">{t('actionTotal', { n: counts.total })}</span>
      </div>
      {counts.total > 0 ? (
        <div class="a-bar" role="img" aria-label={t('actionBarLabel')} data-testid="action-bar">
          {ACTION_DISPLAY_STATUSES.filter((s) => counts[s] > 0).map((s) => (
            <span
              key={s}
              class={`a-bar-${s}`}
              style={{ width: `${(counts[s] / counts.total) * 100}%` }}
            />
          ))}
        </div>
      ) : null}
    </>
  );
}

import { useT } from '../i18n';
import { PROGRESS_STATUSES, type ProgressStatus } from '../types';

/** A unit's progress status as a coloured pill; an unknown status shows as sent. */
export function StatusPill({ status }: { status: ProgressStatus | string }) {
  const t = useT();
  const known = (PROGRESS_STATUSES as readonly string[]).includes(status);
  return (
    <span class={`pill r-status r-status-${known ? status : 'belum'}`} data-status={status}>
      {known ? t(`status_${status as ProgressStatus}`) : status}
    </span>
  );
}

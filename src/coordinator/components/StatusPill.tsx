import { type Translator, useT } from '../i18n';
import {
  PROGRESS_STATUSES,
  type ProgressCounts,
  type ProgressStatus,
  type UnitProgress,
} from '../types';

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

/**
 * "tanda tangan batal" beside a unit's status when its berita acara's signatures no longer
 * hold (a result or signature changed after signing): "terkirim" or "diperbaiki, menunggu
 * keputusan" alone would read as a record ready to decide. Nothing otherwise.
 */
export function SigningVoidPill({ signing }: { signing: UnitProgress['signing'] }) {
  const t = useT();
  if (signing !== 'void') return null;
  return (
    <>
      {' '}
      <span class="pill r-status r-signing-void" data-testid="signing-void">
        {t('signingVoidRow')}
      </span>
    </>
  );
}

/** How many units are assigned, and how many of them stand at each status. */
export function StatusCounts({ progress, t }: { progress: ProgressCounts; t: Translator }) {
  return (
    <>
      <p>{t('progressSummary', { assigned: progress.assigned, total: progress.total })}</p>
      <div class="r-counts" data-testid="status-counts">
        {PROGRESS_STATUSES.map((s) => (
          <span key={s} data-status={s}>
            <StatusPill status={s} /> {progress.byStatus[s]}
          </span>
        ))}
      </div>
    </>
  );
}

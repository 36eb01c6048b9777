import { linkClick } from '../../ui/router';
import { RecordNotices, useSigningState } from '../components/RecordNotices';
import { useT } from '../i18n';
import type { AssessmentView } from '../lib/assessment';
import type { WorkspaceKind } from '../state/workspace';

/**
 * Title of a unit's screens with tabs (checklist, summary, berita acara) and what the
 * record's state asks of the verifier (void signatures, returned work, approval).
 */
export function UnitHeader(props: {
  ws: WorkspaceKind;
  view: AssessmentView;
  active: 'checklist' | 'summary' | 'ba' | 'indicator';
  /** The checklist's own "show the indicators with a comment" filter. */
  onShowReturned?: () => void;
}) {
  const t = useT();
  const signing = useSigningState(props.view);
  const base = `/${props.ws}/a/${encodeURIComponent(props.view.assessment.id)}`;
  const tab = (key: typeof props.active, href: string, label: string) => (
    <a
      class={`button ${props.active === key ? 'primary' : ''}`}
      href={href}
      onClick={linkClick}
      aria-current={props.active === key ? 'page' : undefined}
    >
      {label}
    </a>
  );
  return (
    <div class="no-print">
      <h1>{props.view.unit?.name ?? props.view.assessment.unitId}</h1>
      <p class="small muted">
        {props.view.period?.name} · {props.view.framework.name} ·{' '}
        <span class="pill sync" data-testid="assessment-status">
          {t(`status_${props.view.assessment.status}`)}
        </span>
      </p>
      <nav class="row" aria-label={props.view.unit?.name ?? ''} style="margin-bottom:0.6rem">
        {tab('checklist', base, t('checklist'))}
        {tab('summary', `${base}/ringkasan`, t('summary'))}
        {tab('ba', `${base}/berita-acara`, t('beritaAcara'))}
      </nav>
      <RecordNotices
        ws={props.ws}
        view={props.view}
        signing={signing}
        active={props.active}
        onShowReturned={props.onShowReturned}
      />
    </div>
  );
}

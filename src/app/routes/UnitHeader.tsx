import { linkClick } from '../../ui/router';
import { useT } from '../i18n';
import type { AssessmentView } from '../lib/assessment';
import type { WorkspaceKind } from '../state/workspace';

/** Title of a unit's screens with tabs: checklist, summary, berita acara. */
export function UnitHeader(props: {
  ws: WorkspaceKind;
  view: AssessmentView;
  active: 'checklist' | 'summary' | 'ba' | 'indicator';
}) {
  const t = useT();
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
    </div>
  );
}

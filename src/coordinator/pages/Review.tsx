import { useEffect, useState } from 'preact/hooks';
import { formatIndex } from '../../core';
import { formatWib } from '../../ui/format';
import { useLocale } from '../../ui/i18n';
import { linkClick } from '../../ui/router';
import { api } from '../api';
import { BeritaAcaraSheet } from '../components/BeritaAcaraSheet';
import { EvidenceChecks } from '../components/EvidenceChecks';
import { EvidenceThumb } from '../components/EvidenceThumb';
import { IndexBox } from '../components/IndexBox';
import { Level } from '../components/Level';
import { Section } from '../components/Section';
import { StatusPill } from '../components/StatusPill';
import { type MessageKey, type Translator, useT } from '../i18n';
import type { AssessmentDetail, IndicatorReview } from '../types';
import {
  ErrorNotice,
  type PageProps,
  SuccessNotice,
  useAction,
  useDocumentTitle,
  useLoad,
} from '../ui';

/** An indicator worth opening: verified, marked, noted, evidenced, commented or conflicting. */
function hasData(i: IndicatorReview): boolean {
  return (
    i.verifiedLevel !== null ||
    i.notApplicable ||
    i.notes !== '' ||
    i.files.length > 0 ||
    i.checks.length > 0 ||
    i.reviewComment !== '' ||
    i.openConflicts > 0
  );
}

/**
 * Review of a submitted verification (coordinators): levels, evidence checks and photos,
 * notes, berita acara with signatures; approve, or return with comments per indicator.
 */
export function Review({ params }: PageProps) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const id = params.assessmentId ?? '';
  const detail = useLoad(() => api('GET /api/reports/assessments/:id', { params: { id } }), [id]);
  const d = detail.data;
  useDocumentTitle(d ? `${t('reviewTitle')}: ${d.unit.name}` : t('reviewTitle'));
  const [comments, setComments] = useState<Record<number, string>>({});
  const [onlyData, setOnlyData] = useState(true);
  const [ok, setOk] = useState<string | null>(null);
  const action = useAction();
  // Start from the comments already sent, so a second decision keeps or clears them knowingly.
  useEffect(() => {
    if (!d) return;
    setComments(Object.fromEntries(d.indicators.map((i) => [i.no, i.reviewComment])));
  }, [d?.assessment.id, d?.review.last?.at]);

  const decide = async (decision: 'approve' | 'return') => {
    if (!d) return;
    setOk(null);
    const sent = d.indicators
      .filter((i) => (comments[i.no] ?? '') !== i.reviewComment || (comments[i.no] ?? '') !== '')
      .map((i) => ({ indicatorNo: i.no, comment: comments[i.no] ?? '' }));
    const r = await action.run(() =>
      api('POST /api/assessments/:id/review', {
        params: { id: d.assessment.id },
        json: { decision, comments: sent },
      }),
    );
    if (r) {
      setOk(t(decision === 'approve' ? 'approved' : 'returned'));
      await detail.reload();
    }
  };

  if (!d) return detail.error ? <ErrorNotice error={detail.error} /> : <p class="muted">…</p>;
  const shown = d.indicators.filter((i) => !onlyData || hasData(i));
  return (
    <div class="r-review" data-testid="review-page">
      <p class="no-print">
        <a
          href={`/koordinator/dasbor?periode=${encodeURIComponent(d.period.id)}`}
          onClick={linkClick}
        >
          {t('backToDashboard')}
        </a>
      </p>
      <h1>
        {t('reviewTitle')}: {d.unit.name}
      </h1>
      <p>
        {d.period.name} · {d.framework.name} · <StatusPill status={d.assessment.progress} />{' '}
        <span class="small muted" data-testid="review-status">
          {d.assessment.status}
        </span>
      </p>
      <p class="r-note">{t('reviewIntro')}</p>
      <ErrorNotice error={detail.error} />
      <div class="r-kpis">
        <IndexBox
          label={t('selfIndex')}
          value={formatIndex(d.indices.self.index, locale)}
          predicate={d.indices.self.predicate ?? '–'}
        />
        <IndexBox
          label={t('verifiedIndex')}
          value={formatIndex(d.indices.verified.index, locale)}
          predicate={d.indices.verified.predicate ?? '–'}
          testId="review-verified-index"
        />
      </div>
      <p data-testid="review-files">
        {t('filesReceived', { held: d.files.held, total: d.files.total })}
      </p>
      {d.openConflicts > 0 ? (
        <p class="notice warn">{t('openConflicts', { n: d.openConflicts })}</p>
      ) : null}
      {d.review.last ? (
        <p class="notice" data-testid="review-last">
          {t('lastDecision', {
            status: t(`status_${d.review.last.status}` as MessageKey),
            by: d.review.last.by ?? '–',
            when: formatWib(d.review.last.at, locale),
          })}
        </p>
      ) : null}
      {d.review.changedSinceDecision ? <p class="notice warn">{t('changedSince')}</p> : null}

      <BeritaAcaraSheet d={d} t={t} />

      <Section title={t('indicatorsHeading')}>
        <label class="row">
          <input
            type="checkbox"
            checked={onlyData}
            onChange={(e) => setOnlyData(e.currentTarget.checked)}
          />
          {t('onlyWithData')}
        </label>
        {shown.map((i) => (
          <IndicatorBlock
            key={i.no}
            i={i}
            d={d}
            t={t}
            comment={comments[i.no] ?? ''}
            setComment={(v) => setComments((c) => ({ ...c, [i.no]: v }))}
            editable={d.review.decidable}
          />
        ))}
      </Section>

      <div class="card" data-testid="review-actions">
        {!d.review.decidable ? <p class="notice warn">{t('notDecidable')}</p> : null}
        <ErrorNotice error={action.error} testId="review-error" />
        <SuccessNotice text={ok} />
        <div class="row">
          <button
            type="button"
            class="primary"
            disabled={!d.review.decidable || action.busy}
            onClick={() => void decide('approve')}
            data-testid="review-approve"
          >
            {t('approve')}
          </button>
          <button
            type="button"
            class="danger"
            disabled={!d.review.decidable || action.busy}
            onClick={() => void decide('return')}
            data-testid="review-return"
          >
            {t('returnWithComments')}
          </button>
        </div>
      </div>
    </div>
  );
}

function IndicatorBlock(props: {
  i: IndicatorReview;
  d: AssessmentDetail;
  t: Translator;
  comment: string;
  setComment(v: string): void;
  editable: boolean;
}) {
  const { i, d, t } = props;
  const differs =
    !i.notApplicable &&
    i.verifiedLevel !== null &&
    i.selfLevel !== null &&
    i.verifiedLevel !== i.selfLevel;
  const tabletComments = d.comments.filter((c) => c.indicatorNo === i.no);
  return (
    <details class="r-ind" open={hasData(i)} data-testid="review-indicator" data-no={i.no}>
      <summary>
        <strong>
          {i.no}. {i.name}
        </strong>
        <span>
          {t('self')} <Level value={i.selfLevel} /> → {t('verified')}{' '}
          <Level value={i.verifiedLevel} na={i.notApplicable} />
        </span>
        {differs ? <span class="r-diff small">{t('differs')}</span> : null}
      </summary>
      <p class="small muted">{i.groups.join(' › ')}</p>
      {i.selfJustification ? (
        <p class="small">
          <strong>{t('selfJustification')}:</strong> {i.selfJustification}
        </p>
      ) : null}
      {i.notApplicable ? (
        <p>
          <strong>{t('notApplicable')}:</strong> {i.naReason || '–'}
        </p>
      ) : null}
      {i.notes ? (
        <p>
          <strong>{t('notes')}:</strong> {i.notes}
        </p>
      ) : null}
      {i.checks.length > 0 ? <EvidenceChecks checks={i.checks} t={t} class="small" /> : null}
      {i.files.length > 0 ? (
        <div class="r-thumbs">
          {i.files.map((f) => (
            <EvidenceThumb key={f.recordId} file={f} />
          ))}
        </div>
      ) : null}
      {tabletComments.length > 0 ? (
        <>
          <p class="small">
            <strong>{t('tabletComments')}</strong>
          </p>
          <ul class="small">
            {tabletComments.map((c) => (
              <li key={c.id}>
                {c.author ? `${c.author}: ` : ''}
                {c.body}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {i.openConflicts > 0 ? (
        <p class="notice warn small">{t('openConflicts', { n: i.openConflicts })}</p>
      ) : null}
      <label for={`rc-${i.no}`}>{t('commentFor', { no: i.no })}</label>
      <textarea
        id={`rc-${i.no}`}
        maxLength={5000}
        disabled={!props.editable}
        value={props.comment}
        onInput={(e) => props.setComment(e.currentTarget.value)}
        data-testid={`review-comment-input-${i.no}`}
      />
    </details>
  );
}

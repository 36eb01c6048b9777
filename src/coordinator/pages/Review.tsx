import { useEffect, useRef, useState } from 'preact/hooks';
import { decisionOf, formatValue, isProvisional, valueDomainOf } from '../../core';
import type { Framework } from '../../core/framework';
import { formatZoneTime } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import { linkClick } from '../../ui/router';
import { api } from '../api';
import { AuditTrail } from '../components/AuditTrail';
import { BeritaAcaraSheet } from '../components/BeritaAcaraSheet';
import { EvidenceChecks } from '../components/EvidenceChecks';
import { EvidenceThumb } from '../components/EvidenceThumb';
import {
  ExactNote,
  indexText,
  ProvisionalMark,
  showIndex,
  UnitIndexBoxes,
} from '../components/IndexBox';
import { IndicatorOutputs } from '../components/IndicatorOutputs';
import { IndicatorValues } from '../components/IndicatorValues';
import { InlineConfirm } from '../components/InlineConfirm';
import { RekomendasiAction } from '../components/RekomendasiAction';
import { Section } from '../components/Section';
import { SigningVoidPill, StatusPill } from '../components/StatusPill';
import { useFramework } from '../framework';
import { type MessageKey, type Translator, useT } from '../i18n';
import { useZone } from '../organisation';
import type { Action, AssessmentDetail, IndicatorReview, ReviewRequest } from '../types';
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
    (i.outputs?.rekomendasi ?? '') !== '' ||
    i.files.length > 0 ||
    i.checks.length > 0 ||
    i.reviewComment !== '' ||
    i.openConflicts > 0
  );
}

type Decision = ReviewRequest['decision'];

/**
 * Review of a submitted verification (coordinators): levels, evidence checks and photos,
 * notes, the berita acara as signed (its date and fingerprint, "Tanda tangan batal" when
 * results changed since); approve, return with an overall comment and comments per
 * indicator, or reopen an approved one with a reason.
 *
 * Decisions are deliberate: each carries the version of the record the page shows (the
 * server refuses it when the record changed since), the comment boxes start empty for each
 * decision, changing an earlier decision asks first, and nothing can be sent twice while a
 * decision is on its way (a double click once returned a unit twice).
 */
export function Review({ params }: PageProps) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = useZone();
  const id = params.assessmentId ?? '';
  const detail = useLoad(() => api('GET /api/reports/assessments/:id', { params: { id } }), [id]);
  const d = detail.data;
  const fw = useFramework(d?.framework.id);
  // The unit's actions of the period: which rekomendasi already became a tindak lanjut.
  const actions = useLoad(
    () =>
      d
        ? api('GET /api/actions', {
            query: { periodId: d.assessment.periodId, unitId: d.assessment.unitId },
          })
        : Promise.resolve(undefined),
    [d?.assessment.periodId, d?.assessment.unitId],
  );
  useDocumentTitle(d ? `${t('reviewTitle')}: ${d.unit.name}` : t('reviewTitle'));
  const [comments, setComments] = useState<Record<number, string>>({});
  const [overall, setOverall] = useState('');
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState<Decision | null>(null);
  const [onlyData, setOnlyData] = useState(true);
  const [ok, setOk] = useState<string | null>(null);
  const action = useAction();
  // Set synchronously on the first click: the busy state only disables the buttons at the
  // next render, after a fast second click has already gone through.
  const inFlight = useRef(false);
  const [sending, setSending] = useState(false);
  const clear = () => {
    setComments({});
    setOverall('');
    setReason('');
    setAsking(null);
  };
  useEffect(clear, [id]);

  /** Send a decision once; after it succeeded, empty the boxes and show the record again. */
  const send = async (run: () => Promise<unknown>, done: string) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setSending(true);
    setOk(null);
    setAsking(null);
    try {
      const r = await action.run(run);
      if (r) {
        clear();
        setOk(done);
      }
      // A refused decision (e.g. the record changed meanwhile) shows the record as it is now;
      // what the coordinator typed stays.
      await detail.reload();
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  };
  const decide = (decision: Decision) => {
    if (!d) return;
    const sent = Object.entries(comments)
      .map(([no, comment]) => ({ indicatorNo: Number(no), comment: comment.trim() }))
      .filter((c) => c.comment !== '');
    void send(
      () =>
        api('POST /api/assessments/:id/review', {
          params: { id: d.assessment.id },
          json: {
            decision,
            expectedVersion: d.review.expectedVersion,
            comment: overall.trim(),
            comments: sent,
          },
        }),
      t(decision === 'approve' ? 'approved' : 'returned'),
    );
  };
  const reopen = () => {
    if (!d) return;
    void send(
      () =>
        api('POST /api/assessments/:id/reopen', {
          params: { id: d.assessment.id },
          json: { reason: reason.trim(), expectedVersion: d.review.expectedVersion },
        }),
      t('reopened'),
    );
  };
  /** A decision on a record already decided changes that decision: ask first. */
  const choose = (decision: Decision) => {
    if (d && decisionOf(d.assessment.status) !== null) setAsking(decision);
    else decide(decision);
  };

  if (!d) return detail.error ? <ErrorNotice error={detail.error} /> : <p class="muted">…</p>;
  const shown = d.indicators.filter((i) => !onlyData || hasData(i));
  const busy = action.busy || sending;
  const signedLevels = new Map(
    (d.signing.results?.results ?? []).map((r) => [r.no, r.notApplicable ? null : r.verifiedLevel]),
  );
  const decisionComments = d.comments.filter((c) => c.kind !== 'verifier');
  return (
    // The record's own status (selesai while the pill says terkirim) is for tests and tools
    // only: written beside the pill it read "dikembalikan dikembalikan", and raw in English.
    <div class="r-review" data-testid="review-page" data-status={d.assessment.status}>
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
        {d.period.name} · {d.framework.name} · <StatusPill status={d.assessment.progress} />
        <SigningVoidPill signing={d.signing.state} />
      </p>
      <p class="r-note">{t('reviewIntro')}</p>
      <ErrorNotice error={detail.error} />
      <UnitIndexBoxes d={d} fw={fw} t={t} locale={locale} testIdPrefix="review" />
      <SigningBlock d={d} t={t} fw={fw} />
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
            when: formatZoneTime(d.review.last.at, locale, zone),
          })}
        </p>
      ) : null}
      {d.review.changedSinceDecision ? <p class="notice warn">{t('changedSince')}</p> : null}
      {decisionComments.length > 0 ? (
        <ul class="small" data-testid="review-decision-comments">
          {decisionComments.map((c) => (
            <li key={c.id}>
              <strong>{t(`comment_${c.kind}` as MessageKey)}</strong> ({c.author},{' '}
              {formatZoneTime(c.createdAt, locale, zone)}): {c.body}
            </li>
          ))}
        </ul>
      ) : null}

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
            editable={d.review.decidable && !busy}
            fw={fw}
            locale={locale}
            actions={actions.data?.actions}
            onActionMade={() => void actions.reload()}
            signedLevel={
              d.signing.state === 'void' && signedLevels.has(i.no)
                ? (signedLevels.get(i.no) ?? null)
                : undefined
            }
          />
        ))}
      </Section>

      <div class="card" data-testid="review-actions" aria-busy={busy}>
        {!d.review.decidable ? (
          <p class="notice warn" data-testid="review-not-decidable">
            {t(d.signing.state === 'void' ? 'notDecidableVoid' : 'notDecidable')}
          </p>
        ) : null}
        {d.review.decidable && d.signing.timeDoubtful ? (
          <p class="notice warn" data-testid="review-clock-doubtful">
            {t('signingTimeDoubtful')}
          </p>
        ) : null}
        <ErrorNotice error={action.error} testId="review-error" />
        <SuccessNotice text={ok} />
        {d.review.decidable ? (
          <>
            <p class="small muted">{t('commentsReplace')}</p>
            <label for="review-overall">{t('overallComment')}</label>
            <textarea
              id="review-overall"
              maxLength={5000}
              disabled={busy}
              value={overall}
              onInput={(e) => setOverall(e.currentTarget.value)}
              data-testid="review-overall-comment"
            />
          </>
        ) : null}
        {asking ? (
          <InlineConfirm
            question={t('confirmChange', {
              status: t(`status_${d.assessment.status}` as MessageKey),
              decision: t(asking === 'approve' ? 'approve' : 'returnWithComments'),
            })}
            yes={t('confirmChangeYes')}
            onYes={() => decide(asking)}
            onCancel={() => setAsking(null)}
            busy={busy}
            testId="review-confirm"
          />
        ) : (
          <div class="row">
            <button
              type="button"
              class="primary"
              disabled={!d.review.decidable || d.signing.timeDoubtful || busy}
              onClick={() => choose('approve')}
              data-testid="review-approve"
            >
              {t('approve')}
            </button>
            <button
              type="button"
              class="danger"
              disabled={!d.review.decidable || busy}
              onClick={() => choose('return')}
              data-testid="review-return"
            >
              {t('returnWithComments')}
            </button>
          </div>
        )}
        {d.review.reopenable ? (
          <div data-testid="review-reopen-box">
            <h3>{t('reopenHeading')}</h3>
            <p class="small muted">{t('reopenIntro')}</p>
            <label for="review-reopen-reason">{t('reopenReason')}</label>
            <textarea
              id="review-reopen-reason"
              maxLength={5000}
              disabled={busy}
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
              data-testid="review-reopen-reason"
            />
            <button
              type="button"
              disabled={busy || reason.trim() === ''}
              onClick={reopen}
              aria-describedby={reason.trim() === '' ? 'review-reopen-hint' : undefined}
              data-testid="review-reopen"
            >
              {t('reopen')}
            </button>
            {reason.trim() === '' ? (
              <p id="review-reopen-hint" class="small muted" data-testid="review-reopen-hint">
                {t('reopenReasonHint')}
              </p>
            ) : null}
          </div>
        ) : null}
      </div>
      <div class="card">
        <AuditTrail key={d.review.expectedVersion} assessmentId={d.assessment.id} />
      </div>
    </div>
  );
}

/**
 * The berita acara's signing: when it was signed ("⚠ jam tablet diragukan" when the
 * tablet's clock was off) and its fingerprint, the results as signed (index, predikat —
 * with the large "SEMENTARA" mark for a partial or incomplete one — and how many
 * indicators), and "Tanda tangan batal" when results changed since: its date is then only
 * named as the voided version's, never as a signing that holds.
 */
function SigningBlock({
  d,
  t,
  fw,
}: {
  d: AssessmentDetail;
  t: Translator;
  fw: Framework | undefined;
}) {
  const locale = useLocale((s) => s.locale);
  const zone = useZone();
  const s = d.signing;
  const when = formatZoneTime(s.signedAt, locale, zone);
  const r = s.results;
  const signed = r ? showIndex(fw, r.index, locale, r.predicate) : null;
  return (
    <div
      class={`card r-signing${s.state === 'void' ? ' warn' : ''}`}
      data-testid="review-signing"
      data-state={s.state}
    >
      <h3>{t('signingHeading')}</h3>
      {s.state === 'unsigned' ? (
        <p>{t('signingUnsigned')}</p>
      ) : (
        <>
          {s.state === 'void' ? (
            <p class="notice bad" data-testid="review-signing-void">
              {t('signingVoid', { when })}
            </p>
          ) : null}
          <p>
            {t(s.state === 'void' ? 'signingVoidedVersion' : 'signingSigned', { when })}
            {s.timeDoubtful ? (
              <>
                {' '}
                <span class="r-clock-doubtful" data-testid="review-signing-clock">
                  {t('clockDoubtfulMark')}
                </span>
              </>
            ) : null}
            {s.digest ? (
              <>
                {' · '}
                <code title={s.digest} data-testid="review-signing-digest">
                  {t('signingDigest', { digest: s.digest.slice(0, 12) })}
                </code>
              </>
            ) : null}
            {s.partial ? (
              <>
                {' · '}
                <strong>{t('partialSigned')}</strong>
              </>
            ) : null}
          </p>
          {r && signed ? (
            <p data-testid="review-signed-version">
              {t('signedVersion', {
                index: indexText(signed),
                predicate: r.predicate ?? '–',
                verified: r.verified,
                total: r.total,
              })}
              <ExactNote note={signed.exactNote} />
              <ProvisionalMark
                text={
                  r.predicate &&
                  isProvisional({ partial: s.partial, complete: r.verified >= r.total })
                    ? t('provisional')
                    : null
                }
              />
            </p>
          ) : null}
        </>
      )}
      <p class="small muted">
        {t('completenessNow', {
          done: s.completeness.verified + s.completeness.notApplicable,
          total: s.completeness.total,
        })}
      </p>
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
  fw: Framework | undefined;
  locale: Locale;
  /** The level as signed, when the signatures are void (undefined: nothing to show). */
  signedLevel?: number | null | undefined;
  /** The unit's tindak lanjut of the period (undefined while loading). */
  actions: Action[] | undefined;
  onActionMade(): void;
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
        <IndicatorValues i={i} fw={props.fw} t={t} locale={props.locale} />
        {differs ? <span class="r-diff small">{t('differs')}</span> : null}
        {props.signedLevel !== undefined && props.signedLevel !== i.verifiedLevel ? (
          <span class="r-diff small" data-testid="review-signed-level">
            {t('signedLevel', {
              level: formatValue(
                props.signedLevel,
                props.locale,
                props.fw ? valueDomainOf(props.fw, i.no) : undefined,
              ),
            })}
          </span>
        ) : null}
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
      <IndicatorOutputs i={i} fw={props.fw} t={t} locale={props.locale} />
      <RekomendasiAction
        i={i}
        d={d}
        fw={props.fw}
        t={t}
        actions={props.actions}
        onMade={props.onActionMade}
      />
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
      {i.reviewComment ? (
        <p class="small" data-testid={`review-previous-comment-${i.no}`}>
          {t('previousComment', { text: i.reviewComment })}
        </p>
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

import { useEffect, useState } from 'preact/hooks';
import { type SigningState, tabletMayEdit } from '../../core';
import { linkClick } from '../../ui/router';
import { useT } from '../i18n';
import type { AssessmentView } from '../lib/assessment';
import { commentedIndicators, latestCoordinatorComment } from '../lib/berita-acara';
import { currentSigningState } from '../lib/signing';
import type { WorkspaceKind } from '../state/workspace';

/**
 * Whether the berita acara's signatures still hold for the record as it is now: `undefined`
 * while the digest is being computed, then unsigned, signed or void. Recomputed whenever
 * the live view changes (a level, a note, a signatory, a signature).
 */
export function useSigningState(view: AssessmentView): SigningState | undefined {
  const [state, setState] = useState<SigningState | undefined>(undefined);
  useEffect(() => {
    let current = true;
    void currentSigningState(view.beritaAcara, view.verifications.values()).then((s) => {
      if (current) setState(s);
    });
    return () => {
      current = false;
    };
  }, [view]);
  return state;
}

/** False while the coordinator's approval locks the record on this tablet. */
export function mayEdit(view: AssessmentView): boolean {
  return tabletMayEdit(view.assessment.status);
}

/**
 * What the record's state asks of the verifier, above every screen of the unit: signatures
 * void after a change, work returned by the coordinator (how many indicators carry a
 * comment, the overall comment, a filter and the re-sign action), an approved record that
 * is read-only (and who can open it again), a reopened one with the coordinator's reason.
 */
export function RecordNotices(props: {
  ws: WorkspaceKind;
  view: AssessmentView;
  signing: SigningState | undefined;
  /** Where the verifier is: the berita acara screen leaves out links to itself. */
  active: 'checklist' | 'summary' | 'ba' | 'indicator';
  /** On the checklist: show only the indicators with a coordinator's comment. */
  onShowReturned?: () => void;
}) {
  const t = useT();
  const { view, ws } = props;
  const status = view.assessment.status;
  const base = `/${ws}/a/${encodeURIComponent(view.assessment.id)}`;
  const commented = commentedIndicators(view.verifications.values());
  const returned = latestCoordinatorComment(view.comments, 'return');
  const reopened = latestCoordinatorComment(view.comments, 'reopen');
  const toBa =
    props.active === 'ba' ? null : (
      <a class="button" href={`${base}/berita-acara`} onClick={linkClick}>
        {t('openBeritaAcara')}
      </a>
    );
  return (
    <>
      {props.signing === 'void' ? (
        <section class="notice bad record-notice" role="alert" data-testid="signing-void">
          <strong>{t('signingVoid')}</strong>
          {toBa ? <div class="row">{toBa}</div> : null}
        </section>
      ) : null}
      {!mayEdit(view) ? (
        <section class="notice ok record-notice" role="status" data-testid="approved-notice">
          <strong>{t('approvedTitle')}</strong>
          <p>{t('approvedReadOnly')}</p>
        </section>
      ) : null}
      {status === 'dibuka' ? (
        <section class="notice warn record-notice" role="status" data-testid="reopened-notice">
          <strong>{t('reopenedTitle')}</strong>
          {reopened?.body ? (
            <p data-testid="reopen-reason">
              {t('coordinatorReason')} <q>{reopened.body}</q>
            </p>
          ) : null}
          <p>{t('reopenedHint')}</p>
        </section>
      ) : null}
      {status === 'dikembalikan' || (status === 'diperbaiki' && commented.length > 0) ? (
        <section class="notice warn record-notice" role="status" data-testid="returned-notice">
          <strong data-testid="returned-count">
            {status === 'dikembalikan'
              ? t('returnedCount', { n: commented.length })
              : t('resignedCount', { n: commented.length })}
          </strong>
          {returned?.body ? (
            <p data-testid="return-comment">
              {t('coordinatorComment')} <q>{returned.body}</q>
            </p>
          ) : null}
          <div class="row">
            {commented.length > 0 ? (
              props.onShowReturned ? (
                <button type="button" onClick={props.onShowReturned} data-testid="show-returned">
                  {t('showReturned')}
                </button>
              ) : (
                <a
                  class="button"
                  href={`${base}?tampil=catatan`}
                  onClick={linkClick}
                  data-testid="show-returned"
                >
                  {t('showReturned')}
                </a>
              )
            ) : null}
            {status === 'dikembalikan' && props.active !== 'ba' ? (
              <a
                class="button primary"
                href={`${base}/berita-acara`}
                onClick={linkClick}
                data-testid="go-resign"
              >
                {t('resignAndSend')}
              </a>
            ) : null}
          </div>
        </section>
      ) : null}
    </>
  );
}

/**
 * The large "SEMENTARA" mark beside a predikat: a partial verification or an index that
 * does not cover every applicable indicator never shows its predikat without it. Nothing
 * when no mark is due or there is no predikat.
 */
export function ProvisionalMark(props: { due: boolean; predicate: string | null; doc?: boolean }) {
  const t = useT();
  if (!props.due || !props.predicate) return null;
  return (
    <>
      {' '}
      <span
        class={`provisional-mark ${props.doc ? 'doc-provisional' : ''}`}
        data-testid={props.doc ? undefined : 'provisional-mark'}
      >
        {t('provisionalMark')}
      </span>
    </>
  );
}

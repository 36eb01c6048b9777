import { useState } from 'preact/hooks';
import { StoreError } from '../../store';
import { useLocale } from '../../ui/i18n';
import { navigate } from '../../ui/router';
import { type MessageKey, useT } from '../i18n';
import { useClockText } from '../lib/clock';
import { downloadName } from '../lib/file-names';
import {
  downloadText,
  fixPath,
  fixTarget,
  loadRejected,
  type RejectedGroup,
  type RejectedView,
} from '../lib/rejected';
import { discardRejected, exportRejected, retryRejected, usePrintZone } from '../state/sync';
import { useUi } from '../state/ui.store';
import { useLive } from '../state/workspace';
import { ConfirmDialog } from './ConfirmDialog';

/** What kind of record a refused change without an indicator touched, in words. */
const ENTITY_KEYS: Record<string, MessageKey> = {
  assessment: 'rejectedEntity_assessment',
  beritaAcara: 'rejectedEntity_beritaAcara',
  evidenceFile: 'rejectedEntity_evidenceFile',
  comment: 'rejectedEntity_comment',
  verification: 'rejectedEntity_verification',
};

/** The label of the button that opens where a refused change is fixed. */
const OPEN_KEYS: Record<'indicator' | 'beritaAcara' | 'unit', MessageKey> = {
  indicator: 'rejectedOpen',
  beritaAcara: 'rejectedOpenBa',
  unit: 'rejectedOpenUnit',
};

/**
 * The "Ditolak server" list: changes the server refused, kept on this tablet until the
 * verifier sends them again, exports or discards them — never dropped silently, since a
 * refused change no longer holds back the others and would otherwise vanish unseen.
 * Each shows what (unit, indicator, field in words, the value sent), why (the server's
 * reason in the app's language) and when. Renders nothing when there is nothing to show.
 *
 * @param only  one unit's (assessmentId), one indicator's or one entity's entries.
 * @param heading  `page`: the full list with unit headings (route /ditolak); `section`: a
 *   boxed part of a unit's screen with its own title.
 */
export function RejectedList(props: {
  only?: { assessmentId?: string; indicatorNo?: number; entity?: string };
  heading: 'page' | 'section';
}) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = usePrintZone();
  const only = props.only ?? {};
  const { value: groups } = useLive('kerja', (s) => loadRejected(s, locale, only, zone), [
    locale,
    zone,
    only.assessmentId,
    only.indicatorNo,
    only.entity,
  ]);
  if (!groups) return props.heading === 'page' ? <p class="muted">{t('loading')}</p> : null;
  const total = groups.reduce((n, g) => n + g.items.length, 0);
  if (total === 0)
    return props.heading === 'page' ? (
      <p class="notice" data-testid="rejected-empty">
        {t('rejectedNone')}
      </p>
    ) : null;
  if (props.heading === 'section') {
    return (
      <section class="rejected-box" aria-labelledby="rejected-title" data-testid="rejected-section">
        <h2 id="rejected-title">
          {t('rejectedTitle')} <span class="pill bad">{t('rejectedBadge', { n: total })}</span>
        </h2>
        <p class="small">{t('rejectedIntro')}</p>
        {groups.map((g) => (
          <RejectedItems key={g.assessmentId ?? ''} group={g} />
        ))}
      </section>
    );
  }
  return (
    <>
      {groups.map((g) => (
        <section
          key={g.assessmentId ?? ''}
          class="card rejected-unit"
          data-testid="rejected-unit"
          aria-labelledby={`rejected-unit-${g.assessmentId ?? 'none'}`}
        >
          <div class="row">
            <h2 id={`rejected-unit-${g.assessmentId ?? 'none'}`} style="margin:0">
              {g.unitName ?? t('rejectedUnknownUnit')}
            </h2>
            <span class="pill bad" data-testid="rejected-unit-count">
              {t('rejectedBadge', { n: g.items.length })}
            </span>
            <span class="spacer" />
            {g.assessmentId ? (
              <ExportButton assessmentId={g.assessmentId} unitName={g.unitName} />
            ) : null}
          </div>
          <RejectedItems group={g} />
        </section>
      ))}
    </>
  );
}

/** Download the refused changes (one unit's, or all) as a JSON file for the coordinator. */
export function ExportButton(props: {
  assessmentId?: string;
  unitName?: string | null;
  label?: string;
}) {
  const t = useT();
  const onExport = async () => {
    try {
      const json = await exportRejected(props.assessmentId);
      downloadText(json, downloadName([props.unitName ?? 'semua'], Date.now(), 'json', 'ditolak'));
      useUi.getState().say('info', t('rejectedExported'));
    } catch (e) {
      useUi.getState().say('error', errorText(e, useLocale.getState().locale));
    }
  };
  return (
    <button type="button" onClick={() => void onExport()} data-testid="rejected-export">
      {props.label ?? t('rejectedExport')}
    </button>
  );
}

function RejectedItems(props: { group: RejectedGroup }) {
  return (
    <ul class="rejected-list">
      {props.group.items.map((v) => (
        <RejectedItem key={v.entry.id} view={v} />
      ))}
    </ul>
  );
}

function errorText(e: unknown, locale: string): string {
  if (e instanceof StoreError) return locale === 'en' ? e.messageEn : e.message;
  return e instanceof Error ? e.message : String(e);
}

function RejectedItem({ view }: { view: RejectedView }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const when = useClockText();
  // No "open" button that would open the screen the verifier is already on.
  const target = fixPath(view);
  const path = target && target !== location.pathname ? target : null;
  const openLabel = t(OPEN_KEYS[fixTarget(view)]);
  const what =
    view.indicatorNo !== null
      ? `${t('indicatorNo', { no: view.indicatorNo })}${view.indicatorName ? ` · ${view.indicatorName}` : ''}`
      : t(ENTITY_KEYS[view.entry.mutation.entity] ?? 'rejectedEntity_other');

  const retry = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const queued = await retryRejected(view.entry.id);
      useUi.getState().say('info', queued ? t('rejectedRetried') : t('rejectedNothingToSend'));
    } catch (e) {
      // A value still refused (e.g. an invisible character) is named here, with a way to fix it.
      setProblem(errorText(e, locale));
    } finally {
      setBusy(false);
    }
  };
  const discard = async () => {
    setBusy(true);
    try {
      await discardRejected(view.entry.id);
      setConfirming(false);
      useUi.getState().say('info', t('rejectedDiscarded'));
    } catch (e) {
      setProblem(errorText(e, locale));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li class="rejected-item" data-testid="rejected-item" data-code={view.entry.rejection.code}>
      <div class="rejected-what">
        <strong data-testid="rejected-what">{what}</strong>
      </div>
      <dl class="rejected-fields">
        {view.fields.map((f) => (
          <div key={f.field}>
            <dt>{f.label}</dt>
            <dd data-testid="rejected-value">{f.value}</dd>
          </div>
        ))}
      </dl>
      <p class="rejected-why" data-testid="rejected-reason">
        <strong>{t('rejectedWhy')}</strong> {view.reason}
      </p>
      <p class="small muted">
        {t('rejectedWhen', {
          when: when(view.entry.rejectedAt),
          sent: when(view.entry.mutation.at),
        })}
      </p>
      <div class="row">
        {view.canRetry ? (
          <button
            type="button"
            class="primary"
            disabled={busy}
            onClick={() => void retry()}
            data-testid="rejected-retry"
          >
            {t('rejectedRetry')}
          </button>
        ) : null}
        {path ? (
          <button type="button" onClick={() => void navigate(path)} data-testid="rejected-open">
            {openLabel}
          </button>
        ) : null}
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={() => setConfirming(true)}
          data-testid="rejected-discard"
        >
          {t('rejectedDiscard')}
        </button>
      </div>
      {problem ? (
        <div class="notice bad" role="alert" data-testid="rejected-problem">
          <p>{problem}</p>
          {path ? (
            <button type="button" onClick={() => void navigate(path)}>
              {openLabel}
            </button>
          ) : null}
        </div>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={t('rejectedDiscardTitle')}
          confirmLabel={t('rejectedDiscardConfirm')}
          cancelLabel={t('cancel')}
          busy={busy}
          onConfirm={() => void discard()}
          onCancel={() => setConfirming(false)}
          testId="discard-dialog"
        >
          <p>{t('rejectedDiscardBody')}</p>
          <p>
            <strong>{view.unitName ?? t('rejectedUnknownUnit')}</strong> — {what}
          </p>
          <ul>
            {view.fields.map((f) => (
              <li key={f.field}>
                {f.label}: {f.value}
              </li>
            ))}
          </ul>
          <p class="small">{t('rejectedDiscardHint')}</p>
        </ConfirmDialog>
      ) : null}
    </li>
  );
}

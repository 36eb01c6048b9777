import { useEffect, useState } from 'preact/hooks';
import {
  checkField,
  type EvidenceCheck,
  levelName,
  listIndicators,
  verificationId,
} from '../../core';
import type { EvidenceFile, TelusurStore, VerificationChanges } from '../../store';
import { linkClick, navigate } from '../../ui/router';
import { AutosaveText } from '../components/AutosaveText';
import { Conflicts } from '../components/Conflicts';
import { Photos } from '../components/Photos';
import { mayEdit } from '../components/RecordNotices';
import { RejectedList } from '../components/RejectedList';
import { useT } from '../i18n';
import { type AssessmentView, loadAssessment } from '../lib/assessment';
import { storageMessage } from '../lib/errors';
import { checksOf } from '../lib/progress';
import { useUi } from '../state/ui.store';
import { getStore, useLive, type WorkspaceKind } from '../state/workspace';
import { LEVELS } from './Checklist';
import { UnitHeader } from './UnitHeader';

export function Indicator({ ws, id, no }: { ws: WorkspaceKind; id: string; no: number }) {
  const t = useT();
  const { value: view } = useLive(ws, (s) => loadAssessment(s, id), [id]);
  const { value: files } = useLive(ws, (s) => s.evidence.listByIndicator(id, no), [id, no]);
  if (view === undefined) return <p class="muted">{t('loading')}</p>;
  const indicators = view ? listIndicators(view.framework) : [];
  const pos = indicators.findIndex((i) => i.no === no);
  const ind = indicators[pos];
  if (!view || !ind) return <p class="notice bad">{t('notFound')}</p>;
  return (
    <IndicatorBody key={`${id}:${no}`} ws={ws} view={view} no={no} pos={pos} files={files ?? []} />
  );
}

function IndicatorBody(props: {
  ws: WorkspaceKind;
  view: AssessmentView;
  no: number;
  pos: number;
  files: EvidenceFile[];
}) {
  const t = useT();
  const { ws, view, no } = props;
  const indicators = listIndicators(view.framework);
  const ind = indicators[props.pos];
  const v = view.verifications.get(no);
  const checks = checksOf(v);
  const base = `/${ws}/a/${encodeURIComponent(view.assessment.id)}`;
  const prev = indicators[props.pos - 1];
  const next = indicators[props.pos + 1];
  const [store, setStore] = useState<TelusurStore | null>(null);
  useEffect(() => {
    void getStore(ws).then(setStore);
  }, [ws]);
  // Opened from a failed-file row ("Foto ulang"): show the photos straight away.
  useEffect(() => {
    if (location.hash === '#foto') document.getElementById('foto')?.scrollIntoView();
  }, []);

  const save = async (changes: VerificationChanges) => {
    const s = store ?? (await getStore(ws));
    try {
      await s.verifications.update(view.assessment.id, no, changes);
      if (view.assessment.status === 'belum')
        await s.assessments.update(view.assessment.id, { status: 'sedang' });
    } catch (e) {
      useUi.getState().say('error', storageMessage(e, t));
      throw e;
    }
  };
  if (!ind) return null;
  const group = view.framework.groups
    .flatMap((d) => [d, ...(d.groups ?? [])])
    .filter((g) => ind.path.includes(g.id))
    .map((g) => g.name)
    .join(' › ');
  const verifiedLevel = v?.verifiedLevel ?? null;
  const editable = mayEdit(view);

  return (
    <>
      <UnitHeader ws={ws} view={view} active="indicator" />
      <Conflicts
        ws={ws}
        assessmentId={view.assessment.id}
        recordId={verificationId(view.assessment.id, no)}
      />
      {ws === 'kerja' ? (
        <RejectedList
          heading="section"
          only={{ assessmentId: view.assessment.id, indicatorNo: no }}
        />
      ) : null}
      {v?.reviewComment ? (
        <section class="notice warn" data-testid="review-comment">
          <strong>{t('reviewComment')}</strong>
          <p>{v.reviewComment}</p>
        </section>
      ) : null}
      {/* An approved record is read-only: every control of the indicator is disabled at once. */}
      <fieldset class="plain" disabled={!editable} data-testid="indicator-fields">
        <article class="card">
          <p class="small muted">{group}</p>
          <h1 style="margin-top:0">
            {ind.no}. {ind.spec.name}
          </h1>
          <p class="small muted">
            {t('weight')} {ind.spec.weight}%
          </p>

          <section>
            <h2>{t('selfAssessment')}</h2>
            {v?.selfLevel ? (
              <>
                <p>
                  <span class="lv">{v.selfLevel}</span> {levelName(view.framework, no, v.selfLevel)}
                </p>
                {v.selfJustification ? <p class="small">{v.selfJustification}</p> : null}
              </>
            ) : (
              <p class="muted">{t('noSelf')}</p>
            )}
          </section>

          <section>
            <h2 id="verified-level">{t('setVerifiedLevel')}</h2>
            <fieldset class="plain level-picker" aria-labelledby="verified-level">
              {LEVELS.map((l) => (
                <button
                  type="button"
                  key={l}
                  aria-pressed={verifiedLevel === l}
                  disabled={v?.notApplicable === true}
                  onClick={() => void save({ verifiedLevel: l })}
                  data-testid={`level-${l}`}
                  title={levelName(view.framework, no, l)}
                >
                  {l}
                  <span class="small" style="font-weight:500">
                    {levelName(view.framework, no, l)}
                  </span>
                </button>
              ))}
              {verifiedLevel !== null ? (
                <button type="button" onClick={() => void save({ verifiedLevel: null })}>
                  {t('clearLevel')}
                </button>
              ) : null}
            </fieldset>
            <label class="inline">
              <input
                type="checkbox"
                checked={v?.notApplicable === true}
                onChange={(e) =>
                  void save({ notApplicable: (e.currentTarget as HTMLInputElement).checked })
                }
                data-testid="not-applicable"
              />
              {t('notApplicable')}
            </label>
            {v?.notApplicable ? (
              <AutosaveText
                id={`na-${no}`}
                label={t('naReason')}
                value={v?.naReason ?? ''}
                maxLength={2000}
                onSave={(naReason) => save({ naReason })}
              />
            ) : null}
          </section>

          <section>
            <h2>{t('levels')}</h2>
            <div class="levels">
              {(ind.spec.levels ?? []).map((level, i) => {
                const l = i + 1;
                const cls = [
                  verifiedLevel === l ? 'chosen' : '',
                  v?.selfLevel === l ? 'self' : '',
                ].join(' ');
                return (
                  <details
                    class={`level ${cls}`}
                    key={l}
                    open={l === v?.selfLevel || l === verifiedLevel}
                  >
                    <summary class="level-head">
                      <span class="lv">{l}</span> {levelName(view.framework, no, l)}
                      {v?.selfLevel === l ? <span class="pill sync">{t('selfLevel')}</span> : null}
                      {verifiedLevel === l ? (
                        <span class="pill online">{t('verifiedLevel')}</span>
                      ) : null}
                    </summary>
                    <p>{level.criteria}</p>
                    {level.evidence.length > 0 ? (
                      <h3 class="small">{t('expectedEvidence')}</h3>
                    ) : null}
                    {level.evidence.map((doc, k) => (
                      <EvidenceCheckRow
                        key={doc}
                        id={`${no}-${l}-${k}`}
                        doc={doc}
                        check={checks.get(checkField(l, k))}
                        onSave={(c) => save({ [checkField(l, k)]: c } as VerificationChanges)}
                      />
                    ))}
                  </details>
                );
              })}
            </div>
          </section>

          <section id="foto">
            <h2>{t('photos')}</h2>
            <Photos
              ws={ws}
              assessmentId={view.assessment.id}
              indicatorNo={no}
              files={props.files}
              readOnly={!editable}
            />
          </section>

          <section>
            <AutosaveText
              id={`notes-${no}`}
              label={t('notes')}
              value={v?.notes ?? ''}
              multiline
              maxLength={20_000}
              onSave={(notes) => save({ notes })}
            />
          </section>
        </article>
      </fieldset>
      <nav class="pager" aria-label="Indikator">
        {pagerLink(prev && `${base}/i/${prev.no}`, 'button', 'prev-indicator', t('previous'))}
        <button type="button" onClick={() => void navigate(base)}>
          {t('backToList')}
        </button>
        {pagerLink(next && `${base}/i/${next.no}`, 'button primary', 'next-indicator', t('next'))}
      </nav>
    </>
  );
}

/** The previous or next indicator's link; an empty slot at either end keeps the pager's layout. */
function pagerLink(to: string | undefined, cls: string, testId: string, label: string) {
  return to ? (
    <a class={cls} href={to} onClick={linkClick} data-testid={testId}>
      {label}
    </a>
  ) : (
    <span />
  );
}

function EvidenceCheckRow(props: {
  id: string;
  doc: string;
  check: EvidenceCheck | undefined;
  onSave(c: EvidenceCheck): Promise<void>;
}) {
  const t = useT();
  const state = props.check?.state ?? null;
  const note = props.check?.note ?? '';
  const states = [
    ['present', t('present')],
    ['missing', t('missing')],
    ['inadequate', t('inadequate')],
  ] as const;
  return (
    <div class="check">
      <div>{props.doc}</div>
      <fieldset class="plain seg" aria-label={props.doc}>
        {states.map(([s, label]) => (
          <button
            type="button"
            key={s}
            class={s}
            aria-pressed={state === s}
            onClick={() => void props.onSave({ state: state === s ? null : s, note })}
            data-testid={`check-${props.id}-${s}`}
          >
            {label}
          </button>
        ))}
      </fieldset>
      {state === 'missing' || state === 'inadequate' || note ? (
        <AutosaveText
          id={`check-note-${props.id}`}
          label={t('checkNote')}
          value={note}
          maxLength={2000}
          onSave={(n) => props.onSave({ state, note: n })}
        />
      ) : null}
    </div>
  );
}

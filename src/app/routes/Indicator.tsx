import { useEffect, useState } from 'preact/hooks';
import {
  BUTIR_LABELS,
  checkField,
  type EvidenceCheck,
  type Framework,
  formatValue,
  type IndicatorSource,
  levelName,
  listIndicators,
  type Stage,
  stageLabel,
  suggestedLevel,
  type ValueDomain,
  valueDomainOf,
  verificationId,
} from '../../core';
import type {
  EvidenceFile,
  TabletAction,
  TelusurStore,
  Verification,
  VerificationChanges,
} from '../../store';
import { formatPercent } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import { lazyScreen } from '../../ui/lazy';
import { linkClick, navigate } from '../../ui/router';
import { AutosaveText } from '../components/AutosaveText';
import { Conflicts } from '../components/Conflicts';
import { mayEdit } from '../components/RecordNotices';
import { RejectedList } from '../components/RejectedList';
import { StoredCheckbox } from '../components/StoredCheckbox';
import { ValueField } from '../components/ValueField';
import { useT } from '../i18n';
import { type AssessmentView, loadAssessment } from '../lib/assessment';
import { storageMessage } from '../lib/errors';
import { checksOf } from '../lib/progress';
import {
  cumulativeWarning,
  formatSource,
  readSource,
  readValue,
  sourceOf,
  sourceRange,
  valueLabel,
} from '../lib/values';
import {
  type EarlierValue,
  earlierValues,
  ownStageValue,
  periodStages,
  pickerValue,
  sectorServiceOf,
  stageValueChanges,
  stageWhen,
} from '../lib/workflow';
import { usePrintZone, useSync } from '../state/sync';
import { useUi } from '../state/ui.store';
import { getStore, useLive, type WorkspaceKind } from '../state/workspace';
import { LEVELS } from './Checklist';
import { UnitHeader } from './UnitHeader';

/**
 * The photo section loads with its own chunk (viewer, camera time, stamp, document links):
 * the indicator's fields are usable at once, and the first load stays small.
 */
const Photos = lazyScreen(
  () => import('../components/Photos').then((m) => m.Photos),
  () => <p class="muted">…</p>,
);

/** Improvement actions of earlier periods: their own chunk (most indicators have none). */
const IndicatorActions = lazyScreen(
  () => import('../components/Actions').then((m) => m.IndicatorActions),
  () => <p class="muted">…</p>,
);

/** Catatan, rekomendasi and penjelasan: their own chunk too (library, cited files). */
const IndicatorOutputs = lazyScreen(
  () => import('../components/IndicatorOutputs').then((m) => m.IndicatorOutputs),
  () => <p class="muted">…</p>,
);

export function Indicator({ ws, id, no }: { ws: WorkspaceKind; id: string; no: number }) {
  const t = useT();
  const { value: view } = useLive(ws, (s) => loadAssessment(s, id), [id]);
  const { value: files } = useLive(ws, (s) => s.evidence.listByIndicator(id, no), [id, no]);
  const { value: actions } = useLive(ws, (s) => actionsOfIndicator(s, id, no), [id, no]);
  if (view === undefined) return <p class="muted">{t('loading')}</p>;
  const indicators = view ? listIndicators(view.framework) : [];
  const pos = indicators.findIndex((i) => i.no === no);
  const ind = indicators[pos];
  if (!view || !ind) return <p class="notice bad">{t('notFound')}</p>;
  return (
    <IndicatorBody
      key={`${id}:${no}`}
      ws={ws}
      view={view}
      no={no}
      pos={pos}
      files={files ?? []}
      actions={actions ?? []}
    />
  );
}

function IndicatorBody(props: {
  ws: WorkspaceKind;
  view: AssessmentView;
  no: number;
  pos: number;
  files: EvidenceFile[];
  actions: TabletAction[];
}) {
  const t = useT();
  const locale = useLocale((st) => st.locale);
  const { ws, view, no } = props;
  const indicators = listIndicators(view.framework);
  const ind = indicators[props.pos];
  const v = view.verifications.get(no);
  const checks = checksOf(v);
  const base = `/${ws}/a/${encodeURIComponent(view.assessment.id)}`;
  const prev = indicators[props.pos - 1];
  const next = indicators[props.pos + 1];
  const [store, setStore] = useState<TelusurStore | null>(null);
  const enrolledName = useSync((s) => s.enrolment?.verifierName ?? '');
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
  const { stages, current: stage } = periodStages(view.period);
  // Who gives a value, as the tablet knows the verifier: the enrolment's name, else the
  // name written on the berita acara; the training workspace has no one enrolled.
  const byName =
    (ws === 'latihan' ? t('trainingVerifier') : '') ||
    enrolledName.trim() ||
    view.beritaAcara?.verifierName?.trim() ||
    t('verifierUnnamed');
  /**
   * Give (or clear) the value in the current stage: the stage's value with who and when and
   * the verified value in ONE save (penilaian mandiri: its own value only).
   */
  const setValue = (value: number | null, extra: VerificationChanges = {}) =>
    save(stageValueChanges(stage, value, byName, Date.now(), stage === 'mandiri' ? {} : extra));
  // The buttons show this stage's own value (penilaian mandiri: the internal team's), never an
  // earlier stage's: after a move nothing is chosen until this stage's value is given.
  const shownValue = pickerValue(v, stage);
  const earlier = earlierValues(v, stages, stage);
  const service = sectorServiceOf(view.period, no);
  const editable = mayEdit(view);
  const fw = view.framework;
  const domain = valueDomainOf(fw, no);
  const source = sourceOf(fw, no);
  // A decimal value (2,5) has reached its whole level (2): that level's card is the chosen one.
  const verifiedWhole = shownValue === null ? null : Math.floor(shownValue + 1e-9);
  const suggestion =
    source || checks.size === 0
      ? null
      : suggestedLevel(fw, no, (l, k) => checks.get(checkField(l, k))?.state);
  const selfWhole = v?.selfLevel == null ? null : Math.floor(v.selfLevel + 1e-9);

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
            {service ? <span data-testid="sector-service"> — {service}</span> : null}
          </h1>
          <p class="small muted">
            {t('weight')} {formatPercent(locale, ind.spec.weight)}
          </p>
          <p class="stage-line" data-testid="stage-line">
            {t('stageLine')} <strong>{stageLabel(stage, locale)}</strong>
          </p>

          <section>
            <h2>{t('selfAssessment')}</h2>
            {v?.selfLevel ? (
              <>
                <p data-testid="self-value">
                  <span class="lv">{formatValue(v.selfLevel, locale, domain)}</span>{' '}
                  {levelName(fw, no, v.selfLevel)}
                </p>
                {v.selfJustification ? <p class="small">{v.selfJustification}</p> : null}
              </>
            ) : (
              <p class="muted">{t('noSelf')}</p>
            )}
          </section>

          {source ? (
            <SourceSection
              fw={fw}
              no={no}
              source={source}
              v={v}
              locale={locale}
              disabled={v?.notApplicable === true}
              setValue={setValue}
            />
          ) : null}
          <section>
            {source ? null : (
              <LevelPicker
                fw={fw}
                no={no}
                domain={domain}
                v={v}
                value={shownValue}
                stage={stage}
                locale={locale}
                disabled={v?.notApplicable === true}
                setValue={setValue}
              />
            )}
            <StageValues
              earlier={earlier}
              stage={stage}
              own={ownStageValue(v, stage)}
              fw={fw}
              no={no}
              locale={locale}
            />
            <label class="inline">
              <StoredCheckbox
                checked={v?.notApplicable === true}
                save={(notApplicable) => save({ notApplicable })}
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

          {props.actions.length > 0 ? <IndicatorActions ws={ws} actions={props.actions} /> : null}
          <section>
            <h2>{t('levels')}</h2>
            {suggestion !== null ? (
              <div class="suggestion" data-testid="butir-suggestion">
                <span>
                  {t('butirSuggestion')}{' '}
                  <strong data-testid="butir-suggested-level">
                    {formatValue(suggestion, locale, domain)}
                  </strong>{' '}
                  <span class="small muted">{levelName(fw, no, suggestion)}</span>
                </span>
                <button
                  type="button"
                  disabled={v?.notApplicable === true || shownValue === suggestion}
                  onClick={() => void setValue(suggestion)}
                  data-testid="use-suggestion"
                >
                  {t('useSuggestion')}
                </button>
                <span class="small muted">{t('butirSuggestionHint')}</span>
              </div>
            ) : null}
            <div class="levels">
              {(ind.spec.levels ?? []).map((level, i) => {
                const l = i + 1;
                const cls = [
                  verifiedWhole === l ? 'chosen' : '',
                  selfWhole === l ? 'self' : '',
                ].join(' ');
                // An outside-index indicator has no document checks: its value is the index's.
                const evidence = source ? [] : level.evidence;
                return (
                  <details
                    class={`level ${cls}`}
                    key={l}
                    open={l === selfWhole || l === verifiedWhole}
                  >
                    <summary class="level-head">
                      <span class="lv">{l}</span> {levelName(fw, no, l)}
                      {selfWhole === l ? <span class="pill sync">{t('selfLevel')}</span> : null}
                      {verifiedWhole === l ? (
                        <span class="pill online">{t('verifiedLevel')}</span>
                      ) : null}
                    </summary>
                    <p>{level.criteria}</p>
                    {evidence.length > 0 ? <h3 class="small">{t('expectedEvidence')}</h3> : null}
                    {evidence.map((doc, k) => (
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
              expected={source ? [] : (ind.spec.levels ?? []).map((l) => l.evidence)}
              period={view.period}
              unitName={view.unit?.name ?? ''}
              indicatorName={ind.spec.name}
            />
          </section>

          <IndicatorOutputs
            no={no}
            fw={fw}
            v={v}
            files={props.files}
            // The recommendation aims above the latest value, this stage's or an earlier one.
            value={shownValue ?? verifiedLevel}
            locale={locale}
            save={save}
          />
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

/**
 * The improvement actions on this indicator of the assessment's unit (on it or owned by it),
 * of the assessment's instrument only: indicator numbers mean nothing across instruments.
 */
async function actionsOfIndicator(
  store: TelusurStore,
  assessmentId: string,
  no: number,
): Promise<TabletAction[]> {
  const a = await store.assessments.get(assessmentId);
  return a ? store.reference.listActionsForIndicator(a.unitId, a.frameworkId, no) : [];
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
  const locale = useLocale((st) => st.locale);
  // The evaluation's words for a butir decision (core BUTIR_LABELS), in its order.
  const states = (['present', 'inadequate', 'missing'] as const).map(
    (s) => [s, BUTIR_LABELS[s][locale === 'en' ? 1 : 0]] as const,
  );
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

/**
 * The verified value: level buttons 1–5 (a tap sets the whole level); on a decimal
 * indicator also a field for 1,00–5,00 ("2,5" or "2.5"), with the value and its level name
 * ("2,50 · Membangun"). A value outside the indicator's domain is explained and not saved.
 * Levels are cumulative: a value above what the evidence marked present supports is warned.
 */
function LevelPicker(props: {
  fw: Framework;
  no: number;
  domain: ValueDomain;
  v: Verification | undefined;
  /** The value the buttons show: this stage's own (core pickerValue), or null. */
  value: number | null;
  stage: Stage;
  locale: Locale;
  disabled: boolean;
  setValue(value: number | null): Promise<void>;
}) {
  const t = useT();
  const { fw, no, domain, v, locale, value } = props;
  // Nothing chosen in this stage yet (it just began): no "level 2 chosen" warning about an
  // earlier stage's value.
  const gap = value === null ? null : cumulativeWarning(fw, v);
  return (
    <>
      <h2 id="verified-level">
        {props.stage === 'mandiri' ? t('setMandiriLevel') : t('setVerifiedLevel')}
      </h2>
      <fieldset class="plain level-picker" aria-labelledby="verified-level">
        {LEVELS.map((l) => (
          <button
            type="button"
            key={l}
            aria-pressed={value === l}
            disabled={props.disabled}
            onClick={() => void props.setValue(l)}
            data-testid={`level-${l}`}
            title={levelName(fw, no, l)}
          >
            {l}
            <span class="small" style="font-weight:500">
              {levelName(fw, no, l)}
            </span>
          </button>
        ))}
        {value !== null ? (
          <button type="button" onClick={() => void props.setValue(null)} data-testid="clear-level">
            {t('clearLevel')}
          </button>
        ) : null}
      </fieldset>
      {domain === 'decimal' ? (
        <fieldset class="plain" disabled={props.disabled}>
          <ValueField
            id={`value-${no}`}
            label={t('valueDecimal')}
            hint={t('valueDecimalHint')}
            shown={value === null ? '' : formatValue(value, locale, domain)}
            testId="decimal-value"
            commit={async (text) => {
              const read = readValue(fw, no, text);
              if ('problem' in read) return read;
              if (read.value !== value) await props.setValue(read.value);
              return { shown: read.value === null ? '' : formatValue(read.value, locale, domain) };
            }}
          />
          <p data-testid="verified-value">
            {value === null ? null : (
              <>
                {t('verifiedLevel')}: <strong>{valueLabel(fw, no, value, locale)}</strong>
              </>
            )}
          </p>
        </fieldset>
      ) : null}
      {gap ? <CumulativeWarning claimed={gap.claimed} level={gap.firstIncomplete} /> : null}
    </>
  );
}

function CumulativeWarning(props: { claimed: number; level: number }) {
  const t = useT();
  return (
    <div class="notice warn" role="status" data-testid="cumulative-warning">
      <strong>{t('cumulativeWarning', { claimed: props.claimed, level: props.level })}</strong>
      <br />
      <span class="small">{t('cumulativeHint', { level: props.level })}</span>
    </div>
  );
}

/**
 * An indicator valued from another agency's index (PermenPANRB 8/2026): instead of document
 * checks, the published index is entered (within its range) and stored as `sourceValue`;
 * the indicator value it gives is the verified value. Missing, it counts as 1 officially.
 */
function SourceSection(props: {
  fw: Framework;
  no: number;
  source: IndicatorSource;
  v: Verification | undefined;
  locale: Locale;
  disabled: boolean;
  setValue(value: number | null, extra: VerificationChanges): Promise<void>;
}) {
  const t = useT();
  const { fw, no, source, v, locale } = props;
  const { min, max } = sourceRange(source);
  const raw = v?.sourceValue ?? null;
  const value = v?.verifiedLevel ?? null;
  return (
    <section data-testid="source-section">
      <h2>
        {/* "Nilai dari Indeks Satu Data Indonesia", not "… dari indeks Indeks …". */}
        {t(/^indeks\b/i.test(source.index) ? 'sourceTitleNamed' : 'sourceTitle', {
          index: source.index,
          agency: source.agency,
        })}
      </h2>
      <p class="small">{t('sourceIntro')}</p>
      <fieldset class="plain" disabled={props.disabled}>
        <ValueField
          id={`source-${no}`}
          label={t('sourceField', {
            min: formatSource(min, locale),
            max: formatSource(max, locale),
          })}
          shown={raw === null ? '' : formatSource(raw, locale)}
          testId="source-value"
          commit={async (text) => {
            const read = readSource(fw, no, source, text);
            if ('problem' in read) return read;
            if (read.sourceValue !== raw || read.verifiedLevel !== value)
              await props.setValue(read.verifiedLevel, { sourceValue: read.sourceValue });
            return {
              shown: read.sourceValue === null ? '' : formatSource(read.sourceValue, locale),
            };
          }}
        />
      </fieldset>
      <p
        class={value === null ? 'notice warn' : 'notice ok'}
        data-testid="source-result"
        role="status"
      >
        {value === null
          ? t('sourceMissing')
          : t('sourceResult', { v: valueLabel(fw, no, value, locale) })}
      </p>
      {source.mapping ? (
        <table class="small source-mapping">
          <caption>
            {t('sourceMapping')}
            {source.interpolate === 'linear' ? (
              <span class="small muted"> — {t('sourceLinear')}</span>
            ) : null}
          </caption>
          <tbody>
            {source.mapping.map((band) => (
              <tr key={band.min}>
                <td>
                  {source.interpolate === 'linear'
                    ? `${formatSource(band.min, locale)} → ${valueLabel(fw, no, band.value, locale)}`
                    : t('sourceBand', {
                        min: formatSource(band.min, locale),
                        value: valueLabel(fw, no, band.value, locale),
                      })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/**
 * The values of the stages before the current one beside the input, with who gave them and
 * when ("Penilaian mandiri: 3 · Tim Asesor Internal · 2 Okt 2026, 09.00 WIB"), and the current
 * stage's own value once given. An imported self level has no who or when.
 */
function StageValues(props: {
  earlier: readonly EarlierValue[];
  stage: Stage;
  own: { value: number | null; by: string; at: number } | undefined;
  fw: Framework;
  no: number;
  locale: Locale;
}) {
  const t = useT();
  const zone = usePrintZone();
  const { fw, no, locale } = props;
  const domain = valueDomainOf(fw, no);
  const line = (e: EarlierValue) =>
    [
      e.value === null ? t('stageNoValue') : formatValue(e.value, locale, domain),
      e.by,
      e.at === null ? null : stageWhen(e.at, locale, zone),
    ]
      .filter(Boolean)
      .join(' · ');
  if (props.earlier.length === 0 && !props.own) return null;
  return (
    <ul class="stage-values" data-testid="stage-values">
      {props.earlier.map((e) => (
        <li key={e.stage} data-testid={`stage-value-${e.stage}`}>
          {stageLabel(e.stage, locale)}: <strong>{line(e)}</strong>
        </li>
      ))}
      {!props.own && props.earlier.some((e) => e.value !== null) ? (
        <li class="current" data-testid={`stage-value-${props.stage}`}>
          {stageLabel(props.stage, locale)} ({t('stageThis')}): <strong>{t('stageNotYet')}</strong>
        </li>
      ) : null}
      {props.own ? (
        <li class="current" data-testid={`stage-value-${props.stage}`}>
          {stageLabel(props.stage, locale)} ({t('stageThis')}):{' '}
          <strong>
            {line({
              stage: props.stage,
              value: props.own.value,
              by: props.own.by,
              at: props.own.at,
            })}
          </strong>
        </li>
      ) : null}
    </ul>
  );
}

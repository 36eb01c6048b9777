import { useEffect, useRef, useState } from 'preact/hooks';
import {
  formatIndex,
  listIndicators,
  nextStage,
  PERIOD_TYPE_LABELS,
  PERIOD_TYPES,
  type PeriodType,
  SECTOR_SERVICE_INDICATORS,
  STAGES,
  type Stage,
  stageLabel,
} from '../../core';
import { formatZoneTime } from '../../ui/format';
import { useLocale } from '../../ui/i18n';
import { ApiError, api } from '../api';
import { ActionsCell, DataTable } from '../components/DataTable';
import { FileImport } from '../components/FileImport';
import {
  FieldMessage,
  FormActions,
  FormField,
  SelectField,
  TextField,
  useForm,
} from '../components/FormField';
import { InstrumentFacts } from '../components/InstrumentFacts';
import { useFramework } from '../framework';
import { useT } from '../i18n';
import { useListTime, useZone } from '../organisation';
import type { FrameworkSummary, Period, PeriodStatus } from '../types';
import { PERIOD_STATUSES, PLAN_STEP_CAP } from '../types';
import {
  ConfirmButton,
  DeleteButton,
  ErrorNotice,
  ListBody,
  type PageProps,
  readTextFile,
  SuccessNotice,
  useAction,
  useDocumentTitle,
  useLoad,
} from '../ui';

const MAX_FRAMEWORK_BYTES = 4 * 1024 * 1024;

interface PeriodDraft {
  name: string;
  year: string;
  frameworkId: string;
  targetIndex: string;
  planStepCap: string;
  photoStamp: boolean;
  status: PeriodStatus;
  stages: Stage[];
  periodType: PeriodType;
  skNumber: string;
  /** YYYY-MM-DD or '' (not known yet). */
  skDate: string;
  skSignedBy: string;
  /** Sector service name per indicator number ('' = none chosen). */
  sectorServices: Record<number, string>;
}

function draftOf(p: Period | null, locale: 'id' | 'en'): PeriodDraft {
  return p
    ? {
        name: p.name,
        year: String(p.year),
        frameworkId: p.frameworkId,
        targetIndex: formatIndex(p.targetIndex, locale),
        planStepCap: String(p.planStepCap),
        photoStamp: p.photoStamp,
        status: p.status,
        stages: [...p.stages],
        periodType: p.periodType,
        skNumber: p.skNumber,
        skDate: p.skDate ?? '',
        skSignedBy: p.skSignedBy,
        sectorServices: Object.fromEntries(p.sectorServices.map((x) => [x.indicatorNo, x.name])),
      }
    : {
        name: '',
        year: String(new Date().getFullYear()),
        frameworkId: '',
        targetIndex: formatIndex(3, locale),
        planStepCap: String(PLAN_STEP_CAP.default),
        photoStamp: false,
        status: 'draft',
        stages: [...STAGES],
        periodType: 'evaluasi',
        skNumber: '',
        skDate: '',
        skSignedBy: '',
        sectorServices: {},
      };
}

/** The sector service indicators (45–47) an instrument has, with their names. */
function useSectorIndicators(frameworkId: string): { no: number; name: string }[] {
  const fw = useFramework(frameworkId || undefined);
  if (!fw) return [];
  const have = new Map(listIndicators(fw).map((i) => [i.no, i.spec.name]));
  return SECTOR_SERVICE_INDICATORS.every((no) => have.has(no))
    ? SECTOR_SERVICE_INDICATORS.map((no) => ({ no, name: have.get(no) ?? '' }))
    : [];
}

/** "3,25" or "3.25" → 3.25 in either language; NaN when not a number with at most two decimals. */
function parseTarget(s: string): number {
  const clean = s.trim().replace(',', '.');
  if (!/^\d(\.\d{1,2})?$/.test(clean)) return Number.NaN;
  return Number(clean);
}

function PeriodForm(props: {
  period: Period | null;
  frameworks: FrameworkSummary[];
  onDone(p: Period): void;
  onCancel?: () => void;
}) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const [d, setD] = useState<PeriodDraft>(() => draftOf(props.period, locale));
  // After a language switch the target reads with that language's decimal mark ("3,00" →
  // "3.00"); a figure typed in another form ("3,5" on the English page) is left as typed.
  const shownIn = useRef(locale);
  useEffect(() => {
    const was = shownIn.current;
    shownIn.current = locale;
    if (was === locale) return;
    setD((x) => {
      const n = parseTarget(x.targetIndex);
      return !Number.isNaN(n) && x.targetIndex.trim() === formatIndex(n, was)
        ? { ...x, targetIndex: formatIndex(n, locale) }
        : x;
    });
  }, [locale]);
  const year = Number(d.year);
  const target = parseTarget(d.targetIndex);
  const cap = Number(d.planStepCap.trim());
  const sectors = useSectorIndicators(d.frameworkId);
  const form = useForm({
    stages: d.stages.length > 0 ? undefined : t('stagesRequired'),
    name: d.name.trim() ? undefined : t('required'),
    year: Number.isInteger(year) && year >= 2000 && year <= 2100 ? undefined : t('yearInvalid'),
    frameworkId: d.frameworkId ? undefined : t('required'),
    targetIndex: target >= 1 && target <= 5 ? undefined : t('targetInvalid'),
    planStepCap:
      Number.isInteger(cap) && cap >= PLAN_STEP_CAP.min && cap <= PLAN_STEP_CAP.max
        ? undefined
        : t('planStepCapInvalid'),
  });
  const err = form.err;
  const prefix = props.period ? `pe-${props.period.id}` : 'pn';
  const set = (patch: Partial<PeriodDraft>) => setD((x) => ({ ...x, ...patch }));

  /** A new period whole; an edited one only what changed (refused when nothing did). */
  const send = async () => {
    const body = {
      name: d.name.trim(),
      year,
      frameworkId: d.frameworkId,
      targetIndex: target,
      planStepCap: cap,
      photoStamp: d.photoStamp,
      status: d.status,
      stages: STAGES.filter((x) => d.stages.includes(x)),
      periodType: d.periodType,
      skNumber: d.skNumber.trim(),
      skDate: d.skDate || null,
      skSignedBy: d.skSignedBy.trim(),
      sectorServices: sectors
        .map((x) => ({ indicatorNo: x.no, name: (d.sectorServices[x.no] ?? '').trim() }))
        .filter((x) => x.name !== ''),
    };
    const p = props.period;
    if (!p) return api('POST /api/periods', { json: body });
    if (sectors.length === 0) body.sectorServices = p.sectorServices;
    const patch: Partial<typeof body> = {};
    if (body.name !== p.name) patch.name = body.name;
    if (body.year !== p.year) patch.year = body.year;
    if (body.frameworkId !== p.frameworkId) patch.frameworkId = body.frameworkId;
    if (body.targetIndex !== p.targetIndex) patch.targetIndex = body.targetIndex;
    if (body.planStepCap !== p.planStepCap) patch.planStepCap = body.planStepCap;
    if (body.photoStamp !== p.photoStamp) patch.photoStamp = body.photoStamp;
    if (body.status !== p.status) patch.status = body.status;
    if (body.stages.join() !== p.stages.join()) patch.stages = body.stages;
    if (body.periodType !== p.periodType) patch.periodType = body.periodType;
    if (body.skNumber !== p.skNumber) patch.skNumber = body.skNumber;
    if (body.skDate !== p.skDate) patch.skDate = body.skDate;
    if (body.skSignedBy !== p.skSignedBy) patch.skSignedBy = body.skSignedBy;
    // An instrument without sector indicators keeps what the period had.
    if (
      sectors.length > 0 &&
      JSON.stringify(body.sectorServices) !== JSON.stringify(p.sectorServices)
    )
      patch.sectorServices = body.sectorServices;
    if (Object.keys(patch).length === 0) throw new ApiError(0, 'client', t('nothingChanged'));
    return api('PATCH /api/periods/:id', { params: { id: p.id }, json: patch });
  };

  return (
    <form
      class="card"
      noValidate
      onSubmit={form.submit(send, props.onDone)}
      data-testid={props.period ? 'period-edit-form' : 'period-create-form'}
    >
      <h2>{props.period ? t('editPeriod', { name: props.period.name }) : t('newPeriod')}</h2>
      <div class="c-form-grid">
        <TextField
          id={`${prefix}-name`}
          label={t('periodName')}
          error={err('name')}
          class="c-span-2"
          maxLength={200}
          value={d.name}
          onValue={(v) => set({ name: v })}
        />
        <TextField
          id={`${prefix}-year`}
          label={t('year')}
          error={err('year')}
          type="number"
          min={2000}
          max={2100}
          step={1}
          value={d.year}
          onValue={(v) => set({ year: v })}
        />
        <TextField
          id={`${prefix}-targetIndex`}
          label={t('targetIndex')}
          error={err('targetIndex')}
          inputMode="decimal"
          value={d.targetIndex}
          onValue={(v) => set({ targetIndex: v })}
        />
        <SelectField
          id={`${prefix}-frameworkId`}
          label={t('framework')}
          error={err('frameworkId')}
          class="c-span-all"
          value={d.frameworkId}
          onValue={(v) => set({ frameworkId: v })}
        >
          <option value="">{t('chooseFramework')}</option>
          {props.frameworks.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name} · {f.id} v{f.version}
            </option>
          ))}
        </SelectField>
        <InstrumentFacts id={d.frameworkId} />
        <FormField
          id={`${prefix}-planStepCap`}
          label={t('planStepCap')}
          error={err('planStepCap')}
          class="c-span-2"
        >
          {(c) => (
            <>
              <input
                type="number"
                class="c-narrow"
                min={PLAN_STEP_CAP.min}
                max={PLAN_STEP_CAP.max}
                step={1}
                value={d.planStepCap}
                onInput={(e) => set({ planStepCap: e.currentTarget.value })}
                {...c}
                aria-describedby={[c['aria-describedby'], `${prefix}-planStepCap-hint`]
                  .filter(Boolean)
                  .join(' ')}
              />
              <p id={`${prefix}-planStepCap-hint`} class="small muted c-field-hint">
                {t('planStepCapHint')}
              </p>
            </>
          )}
        </FormField>
        <SelectField
          id={`${prefix}-status`}
          label={t('status')}
          error={err('status')}
          value={d.status}
          onValue={(v) => set({ status: v as PeriodStatus })}
        >
          {PERIOD_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status_${s}`)}
            </option>
          ))}
        </SelectField>
        <fieldset class="c-span-all" data-testid="period-stages">
          <legend>{t('stages')}</legend>
          <div class="row">
            {STAGES.map((x) => (
              <label key={x} class="row" style={{ alignItems: 'center' }}>
                <input
                  type="checkbox"
                  checked={d.stages.includes(x)}
                  // The current stage and every stage before it are history (the server
                  // refuses to change them, `stage_history_locked`).
                  disabled={
                    props.period !== undefined &&
                    props.period !== null &&
                    STAGES.indexOf(x) <= STAGES.indexOf(props.period.currentStage)
                  }
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    set({
                      stages: STAGES.filter((y) => (y === x ? on : d.stages.includes(y))),
                    });
                  }}
                  data-testid={`period-stage-${x}`}
                />
                {stageLabel(x, locale)}
              </label>
            ))}
          </div>
          <p class="small muted c-field-hint">{t('stagesHint')}</p>
          <FieldMessage id={`${prefix}-stages-err`} text={err('stages')} />
        </fieldset>
        <SelectField
          id={`${prefix}-periodType`}
          label={t('periodType')}
          value={d.periodType}
          onValue={(v) => set({ periodType: v as PeriodType })}
          testId="period-type"
        >
          {PERIOD_TYPES.map((x) => (
            <option key={x} value={x}>
              {PERIOD_TYPE_LABELS[x][locale === 'en' ? 1 : 0]}
            </option>
          ))}
        </SelectField>
        <fieldset class="c-span-all c-form-grid" data-testid="period-sk">
          <legend>{t('skSection')}</legend>
          <TextField
            id={`${prefix}-skNumber`}
            label={t('skNumber')}
            maxLength={200}
            value={d.skNumber}
            onValue={(v) => set({ skNumber: v })}
          />
          <FormField id={`${prefix}-skDate`} label={t('skDate')}>
            {(c) => (
              <input
                type="date"
                min="2000-01-01"
                max="2100-12-31"
                value={d.skDate}
                onInput={(e) => set({ skDate: e.currentTarget.value })}
                {...c}
              />
            )}
          </FormField>
          <TextField
            id={`${prefix}-skSignedBy`}
            label={t('skSignedBy')}
            class="c-span-2"
            maxLength={200}
            value={d.skSignedBy}
            onValue={(v) => set({ skSignedBy: v })}
          />
        </fieldset>
        {sectors.length > 0 ? (
          <fieldset class="c-span-all" data-testid="period-sector-services">
            <legend>{t('sectorServices')}</legend>
            <p class="small muted c-field-hint">{t('sectorServicesHint')}</p>
            {sectors.map((x) => (
              <TextField
                key={x.no}
                id={`${prefix}-sector-${x.no}`}
                label={t('sectorServiceFor', { no: x.no, name: x.name })}
                maxLength={200}
                value={d.sectorServices[x.no] ?? ''}
                onValue={(v) => set({ sectorServices: { ...d.sectorServices, [x.no]: v } })}
              />
            ))}
          </fieldset>
        ) : null}
        <div class="c-span-all">
          <label class="row" style={{ alignItems: 'center' }}>
            <input
              type="checkbox"
              checked={d.photoStamp}
              onChange={(e) => set({ photoStamp: e.currentTarget.checked })}
              aria-describedby={`${prefix}-photoStamp-hint`}
              data-testid="period-photo-stamp"
            />
            {t('photoStamp')}
          </label>
          <p id={`${prefix}-photoStamp-hint`} class="small muted c-field-hint">
            {t('photoStampHint')}
          </p>
        </div>
      </div>
      <FormActions action={form.action} label={props.period ? t('save') : t('create')}>
        {props.onCancel ? (
          <button type="button" onClick={props.onCancel}>
            {t('cancel')}
          </button>
        ) : null}
      </FormActions>
    </form>
  );
}

/** Every move of a period's stage: from → to, who, when (in the organisation's zone). */
function StageHistory({ period, reloadKey }: { period: Period; reloadKey: number }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = useZone();
  const data = useLoad(
    () => api('GET /api/periods/:id/stage-changes', { params: { id: period.id } }),
    [period.id, reloadKey],
  );
  const changes = data.data?.changes ?? [];
  return (
    <section class="card" data-testid="stage-history">
      <h2>{t('stageHistoryOf', { name: period.name })}</h2>
      <ErrorNotice error={data.error} />
      <ListBody loaded={data} count={changes.length} empty={t('noStageChanges')}>
        <DataTable
          headings={[t('stageMove'), t('stageMovedBy'), t('stageMovedAt')]}
          testId="stage-history-list"
          label={t('stageHistory')}
        >
          {changes.map((c) => (
            <tr key={c.id} data-testid="stage-history-row">
              <td>
                {stageLabel(c.from, locale)} → {stageLabel(c.to, locale)}
              </td>
              <td>{c.accountName || '–'}</td>
              <td>{formatZoneTime(c.at, locale, zone)}</td>
            </tr>
          ))}
        </DataTable>
      </ListBody>
    </section>
  );
}

/**
 * "Lanjutkan ke tahap <next>": moves the period one stage forward after a confirmation,
 * sending the stage shown so a move someone else made first is refused (409), not repeated.
 * Nothing for the last stage or a closed period.
 */
function AdvanceStage(props: {
  period: Period;
  action: Pick<ReturnType<typeof useAction>, 'done'>;
  then(to: Stage): Promise<void>;
}) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const p = props.period;
  const next = nextStage(p.stages, p.currentStage);
  if (!next || p.status === 'closed') return null;
  return (
    <ConfirmButton
      label={t('advanceStage', { stage: stageLabel(next, locale) })}
      question={t('confirmAdvanceStage', {
        name: p.name,
        from: stageLabel(p.currentStage, locale),
        to: stageLabel(next, locale),
      })}
      confirmLabel={t('confirmAdvance')}
      tone="primary"
      testId="advance-stage"
      onConfirm={() =>
        props.action.done(
          () =>
            api('POST /api/periods/:id/stage', {
              params: { id: p.id },
              json: { from: p.currentStage, to: next },
            }),
          () => props.then(next),
        )
      }
    />
  );
}

/** Import an instrument from its JSON file (read and parsed here first, to say why not). */
function FrameworkImport({ onDone }: { onDone(f: FrameworkSummary): void }) {
  const t = useT();
  const upload = async (file: File) => {
    const text = await readTextFile(file, MAX_FRAMEWORK_BYTES, t);
    try {
      JSON.parse(text);
    } catch (err) {
      throw new ApiError(
        0,
        'client',
        t('notJson', { reason: err instanceof Error ? err.message : String(err) }),
      );
    }
    return api('POST /api/frameworks', { text: { body: text, type: 'application/json' } });
  };
  return (
    <FileImport
      title={t('importFramework')}
      heading="h3"
      hint={t('importFrameworkHint')}
      accept=".json,application/json"
      maxBytes={MAX_FRAMEWORK_BYTES}
      upload={upload}
      onDone={onDone}
      testId="framework-import"
      fileId="framework-file"
      errorTestId="framework-error"
    />
  );
}

/** Evaluation periods (list, create, edit, delete) and instruments (list, JSON import). */
export function Periods({ canWrite }: PageProps) {
  const listTime = useListTime();
  const t = useT();
  const locale = useLocale((s) => s.locale);
  useDocumentTitle(t('periodsTitle'));
  const data = useLoad(async () => {
    const [p, f] = await Promise.all([api('GET /api/periods'), api('GET /api/frameworks')]);
    return { periods: p.periods, frameworks: f.frameworks };
  }, []);
  const [editing, setEditing] = useState<Period | null>(null);
  const [createKey, setCreateKey] = useState(0);
  const [ok, setOk] = useState<string | null>(null);
  const [historyOf, setHistoryOf] = useState<string | null>(null);
  const [historyKey, setHistoryKey] = useState(0);
  const rowAction = useAction();

  const periods = data.data?.periods ?? [];
  const frameworks = data.data?.frameworks ?? [];
  const fwName = (id: string) => frameworks.find((f) => f.id === id)?.name ?? id;
  /** After a change: the fresh lists first, then what happened. */
  const reloadThenSay = async (text: string) => {
    await data.reload();
    setOk(text);
  };

  return (
    <>
      <h1>{t('periodsTitle')}</h1>
      <SuccessNotice text={ok} />
      <ErrorNotice error={data.error} />
      <ErrorNotice error={rowAction.error} />
      <section class="card">
        <h2>{t('periods')}</h2>
        <ListBody loaded={data} count={periods.length} empty={t('noPeriods')}>
          <DataTable
            headings={[
              t('periodName'),
              t('year'),
              t('framework'),
              t('targetIndex'),
              t('planStepCapShort'),
              t('photoStampShort'),
              t('status'),
              t('currentStage'),
            ]}
            actions={canWrite}
            testId="period-list"
            label={t('periods')}
          >
            {periods.map((p) => (
              <tr key={p.id} data-testid="period-row">
                <td>{p.name}</td>
                <td>{p.year}</td>
                <td>
                  {fwName(p.frameworkId)}{' '}
                  <span class="small muted">
                    <code>{p.frameworkId}</code>
                  </span>
                </td>
                <td>{formatIndex(p.targetIndex, locale)}</td>
                <td>{p.planStepCap}</td>
                <td>{p.photoStamp ? t('yes') : t('no')}</td>
                <td>
                  <span class={`pill c-status-${p.status}`}>{t(`status_${p.status}`)}</span>
                </td>
                <td data-testid="period-stage">
                  {t('stageOf', {
                    stage: stageLabel(p.currentStage, locale),
                    n: p.stages.indexOf(p.currentStage) + 1,
                    total: p.stages.length,
                  })}{' '}
                  <button
                    type="button"
                    aria-pressed={historyOf === p.id}
                    onClick={() => setHistoryOf(historyOf === p.id ? null : p.id)}
                    data-testid="stage-history-toggle"
                  >
                    {t('stageHistory')}
                  </button>
                </td>
                <ActionsCell show={canWrite}>
                  <AdvanceStage
                    period={p}
                    action={rowAction}
                    then={async (to) => {
                      setHistoryKey((k) => k + 1);
                      await reloadThenSay(
                        t('stageAdvanced', { name: p.name, stage: stageLabel(to, locale) }),
                      );
                    }}
                  />
                  <button type="button" onClick={() => setEditing(p)}>
                    {t('edit')}
                  </button>
                  <DeleteButton
                    action={rowAction}
                    question={t('confirmDeletePeriod', { name: p.name })}
                    remove={() => api('DELETE /api/periods/:id', { params: { id: p.id } })}
                    then={async () => {
                      await reloadThenSay(t('periodDeleted', { name: p.name }));
                      if (editing?.id === p.id) setEditing(null);
                    }}
                  />
                </ActionsCell>
              </tr>
            ))}
          </DataTable>
        </ListBody>
      </section>
      {historyOf && periods.some((p) => p.id === historyOf) ? (
        <StageHistory
          period={periods.find((p) => p.id === historyOf) as Period}
          reloadKey={historyKey}
        />
      ) : null}
      {canWrite && data.data ? (
        editing ? (
          <PeriodForm
            key={editing.id}
            period={editing}
            frameworks={frameworks}
            onCancel={() => setEditing(null)}
            onDone={(p) => {
              setEditing(null);
              return reloadThenSay(t('periodSaved', { name: p.name }));
            }}
          />
        ) : (
          <PeriodForm
            key={`new-${createKey}`}
            period={null}
            frameworks={frameworks}
            onDone={(p) => {
              setCreateKey((k) => k + 1);
              return reloadThenSay(t('periodCreated', { name: p.name }));
            }}
          />
        )
      ) : null}
      <section class="card">
        <h2>{t('frameworks')}</h2>
        {frameworks.length ? (
          <DataTable
            headings={[t('name'), t('code'), t('version'), t('usedBy'), t('createdAt')]}
            actions={canWrite}
            testId="framework-list"
            label={t('frameworks')}
          >
            {frameworks.map((f) => (
              <tr key={f.id} data-testid="framework-row">
                <td>
                  {f.name} <span class="pill sync">{f.builtIn ? t('builtIn') : t('imported')}</span>
                </td>
                <td>
                  <code>{f.id}</code>
                </td>
                <td>{f.version}</td>
                <td>{f.periodCount}</td>
                <td>{listTime(f.createdAt)}</td>
                <ActionsCell show={canWrite}>
                  {!f.builtIn && f.periodCount === 0 ? (
                    <DeleteButton
                      action={rowAction}
                      question={t('confirmDeleteFramework', { id: f.id })}
                      remove={() => api('DELETE /api/frameworks/:id', { params: { id: f.id } })}
                      then={() => reloadThenSay(t('frameworkDeleted', { id: f.id }))}
                    />
                  ) : null}
                </ActionsCell>
              </tr>
            ))}
          </DataTable>
        ) : null}
      </section>
      {canWrite ? (
        <FrameworkImport
          onDone={(f) => reloadThenSay(t('frameworkImported', { name: f.name, id: f.id }))}
        />
      ) : null}
    </>
  );
}

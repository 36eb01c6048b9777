import { useState } from 'preact/hooks';
import { formatIndex } from '../../core';
import { formatTime } from '../../ui/format';
import { useLocale } from '../../ui/i18n';
import { ApiError, api } from '../api';
import { DataTable } from '../components/DataTable';
import { FormActions, FormField, TextField } from '../components/FormField';
import { useT } from '../i18n';
import type { FrameworkSummary, Period, PeriodStatus } from '../types';
import { PERIOD_STATUSES } from '../types';
import {
  ConfirmButton,
  ErrorNotice,
  FileField,
  fieldErrors,
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
  status: PeriodStatus;
}

function draftOf(p: Period | null, locale: 'id' | 'en'): PeriodDraft {
  return p
    ? {
        name: p.name,
        year: String(p.year),
        frameworkId: p.frameworkId,
        targetIndex: formatIndex(p.targetIndex, locale),
        status: p.status,
      }
    : {
        name: '',
        year: String(new Date().getFullYear()),
        frameworkId: '',
        targetIndex: '3,00',
        status: 'draft',
      };
}

/** "3,25" or "3.25" → 3.25; NaN when not a number with at most two decimals. */
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
  const [touched, setTouched] = useState(false);
  const action = useAction();
  const server = fieldErrors(action.error);
  const year = Number(d.year);
  const target = parseTarget(d.targetIndex);
  const local: Record<string, string | undefined> = {
    name: d.name.trim() ? undefined : t('required'),
    year: Number.isInteger(year) && year >= 2000 && year <= 2100 ? undefined : t('yearInvalid'),
    frameworkId: d.frameworkId ? undefined : t('required'),
    targetIndex: target >= 1 && target <= 5 ? undefined : t('targetInvalid'),
  };
  const err = (k: string) => (touched ? local[k] : undefined) ?? server[k];
  const prefix = props.period ? `pe-${props.period.id}` : 'pn';
  const set = (patch: Partial<PeriodDraft>) => setD((x) => ({ ...x, ...patch }));

  const submit = async (e: Event) => {
    e.preventDefault();
    setTouched(true);
    if (Object.values(local).some(Boolean)) return;
    const body = {
      name: d.name.trim(),
      year,
      frameworkId: d.frameworkId,
      targetIndex: target,
      status: d.status,
    };
    const p = props.period;
    let patch: Partial<typeof body> = body;
    if (p) {
      patch = {};
      if (body.name !== p.name) patch.name = body.name;
      if (body.year !== p.year) patch.year = body.year;
      if (body.frameworkId !== p.frameworkId) patch.frameworkId = body.frameworkId;
      if (body.targetIndex !== p.targetIndex) patch.targetIndex = body.targetIndex;
      if (body.status !== p.status) patch.status = body.status;
      if (Object.keys(patch).length === 0) {
        action.setError(new ApiError(0, 'client', t('nothingChanged')));
        return;
      }
    }
    const saved = await action.run(() =>
      p
        ? api('PATCH /api/periods/:id', { params: { id: p.id }, json: patch })
        : api('POST /api/periods', { json: body }),
    );
    if (saved) props.onDone(saved);
  };

  return (
    <form
      class="card"
      noValidate
      onSubmit={(e) => void submit(e)}
      data-testid={props.period ? 'period-edit-form' : 'period-create-form'}
    >
      <h2>{props.period ? t('editPeriod', { name: props.period.name }) : t('newPeriod')}</h2>
      <div class="c-form-grid">
        <TextField
          id={`${prefix}-name`}
          label={t('periodName')}
          error={err('name')}
          class="c-span-2"
          type="text"
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
          type="text"
          inputMode="decimal"
          value={d.targetIndex}
          onValue={(v) => set({ targetIndex: v })}
        />
        <FormField
          id={`${prefix}-frameworkId`}
          label={t('framework')}
          error={err('frameworkId')}
          class="c-span-2"
        >
          {(c) => (
            <select
              value={d.frameworkId}
              onChange={(e) => set({ frameworkId: e.currentTarget.value })}
              {...c}
            >
              <option value="">{t('chooseFramework')}</option>
              {props.frameworks.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name} ({f.id})
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField id={`${prefix}-status`} label={t('status')} error={err('status')}>
          {(c) => (
            <select
              value={d.status}
              onChange={(e) => set({ status: e.currentTarget.value as PeriodStatus })}
              {...c}
            >
              {PERIOD_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status_${s}`)}
                </option>
              ))}
            </select>
          )}
        </FormField>
      </div>
      <FormActions action={action} label={props.period ? t('save') : t('create')}>
        {props.onCancel ? (
          <button type="button" onClick={props.onCancel}>
            {t('cancel')}
          </button>
        ) : null}
      </FormActions>
    </form>
  );
}

function FrameworkImport({ onDone }: { onDone(f: FrameworkSummary): void }) {
  const t = useT();
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const action = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) {
      action.setError(new ApiError(0, 'client', t('noFile')));
      return;
    }
    const done = await action.run(async () => {
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
    });
    if (done) {
      setFile(null);
      setInputKey((k) => k + 1);
      onDone(done);
    }
  };

  return (
    <form class="card" onSubmit={(e) => void submit(e)} data-testid="framework-import">
      <h3>{t('importFramework')}</h3>
      <p class="small muted">{t('importFrameworkHint')}</p>
      <FileField
        key={inputKey}
        id="framework-file"
        label={t('chooseFile')}
        accept=".json,application/json"
        file={file}
        onFile={(f) => {
          setFile(f);
          action.setError(null);
        }}
      />
      <ErrorNotice error={action.error} testId="framework-error" />
      <div class="row c-actions">
        <button type="submit" class="primary" disabled={action.busy || !file}>
          {action.busy ? t('importing') : t('importSubmit')}
        </button>
      </div>
    </form>
  );
}

/** Evaluation periods (list, create, edit, delete) and instruments (list, JSON import). */
export function Periods({ canWrite }: PageProps) {
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
  const rowAction = useAction();

  const periods = data.data?.periods ?? [];
  const frameworks = data.data?.frameworks ?? [];
  const fwName = (id: string) => frameworks.find((f) => f.id === id)?.name ?? id;

  return (
    <>
      <h1>{t('periodsTitle')}</h1>
      <SuccessNotice text={ok} />
      <ErrorNotice error={data.error} />
      <ErrorNotice error={rowAction.error} />
      <section class="card">
        <h2>{t('periods')}</h2>
        {data.loading && !data.data ? <p class="muted">{t('loading')}</p> : null}
        {data.data && periods.length === 0 ? <p class="muted">{t('noPeriods')}</p> : null}
        {periods.length ? (
          <DataTable
            headings={[
              t('periodName'),
              t('year'),
              t('framework'),
              t('targetIndex'),
              t('status'),
              canWrite ? t('actions') : null,
            ]}
            testId="period-list"
          >
            {periods.map((p) => (
              <tr key={p.id} data-testid="period-row">
                <td>{p.name}</td>
                <td>{p.year}</td>
                <td>{fwName(p.frameworkId)}</td>
                <td>{formatIndex(p.targetIndex, locale)}</td>
                <td>
                  <span class={`pill c-status-${p.status}`}>{t(`status_${p.status}`)}</span>
                </td>
                {canWrite ? (
                  <td class="c-cell-actions">
                    <button type="button" onClick={() => setEditing(p)}>
                      {t('edit')}
                    </button>
                    <ConfirmButton
                      label={t('delete')}
                      question={t('confirmDeletePeriod', { name: p.name })}
                      confirmLabel={t('confirmDelete')}
                      onConfirm={() =>
                        rowAction.done(
                          () => api('DELETE /api/periods/:id', { params: { id: p.id } }),
                          async () => {
                            await data.reload();
                            setOk(t('periodDeleted', { name: p.name }));
                            if (editing?.id === p.id) setEditing(null);
                          },
                        )
                      }
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </DataTable>
        ) : null}
      </section>
      {canWrite && data.data ? (
        editing ? (
          <PeriodForm
            key={editing.id}
            period={editing}
            frameworks={frameworks}
            onCancel={() => setEditing(null)}
            onDone={async (p) => {
              setEditing(null);
              await data.reload();
              setOk(t('periodSaved', { name: p.name }));
            }}
          />
        ) : (
          <PeriodForm
            key={`new-${createKey}`}
            period={null}
            frameworks={frameworks}
            onDone={async (p) => {
              setCreateKey((k) => k + 1);
              await data.reload();
              setOk(t('periodCreated', { name: p.name }));
            }}
          />
        )
      ) : null}
      <section class="card">
        <h2>{t('frameworks')}</h2>
        {frameworks.length ? (
          <DataTable
            headings={[
              t('name'),
              t('code'),
              t('version'),
              t('usedBy'),
              t('createdAt'),
              canWrite ? t('actions') : null,
            ]}
            testId="framework-list"
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
                <td>{formatTime(locale, f.createdAt)}</td>
                {canWrite ? (
                  <td class="c-cell-actions">
                    {!f.builtIn && f.periodCount === 0 ? (
                      <ConfirmButton
                        label={t('delete')}
                        question={t('confirmDeleteFramework', { id: f.id })}
                        confirmLabel={t('confirmDelete')}
                        onConfirm={() =>
                          rowAction.done(
                            () => api('DELETE /api/frameworks/:id', { params: { id: f.id } }),
                            async () => {
                              await data.reload();
                              setOk(t('frameworkDeleted', { id: f.id }));
                            },
                          )
                        }
                      />
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </DataTable>
        ) : null}
      </section>
      {canWrite ? (
        <FrameworkImport
          onDone={async (f) => {
            await data.reload();
            setOk(t('frameworkImported', { name: f.name, id: f.id }));
          }}
        />
      ) : null}
    </>
  );
}

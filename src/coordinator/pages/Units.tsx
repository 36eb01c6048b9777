import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { FormActions, FormField, TextField } from '../components/FormField';
import { PeriodOptions } from '../components/PeriodSelect';
import { type Translator, useT } from '../i18n';
import {
  PARENT_KINDS,
  UNIT_CODE_RE,
  UNIT_KINDS,
  type Unit,
  type UnitKind,
  type UnitNode,
} from '../types';
import {
  ErrorNotice,
  FileField,
  fieldErrors,
  type PageProps,
  SuccessNotice,
  useAction,
  useDocumentTitle,
  useLoad,
} from '../ui';
import { filterTree, UnitTreeTable } from '../unit-tree';

const MAX_CSV_BYTES = 4 * 1024 * 1024;

function UnitForm({ units, onDone }: { units: UnitNode[]; onDone(u: Unit): void }) {
  const t = useT();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<UnitKind>('kelurahan');
  const [parentId, setParentId] = useState('');
  const [touched, setTouched] = useState(false);
  const action = useAction();
  const server = fieldErrors(action.error);
  const parentKinds = PARENT_KINDS[kind];
  const needsParent = !parentKinds.includes(null);
  const parents = units.filter((u) => parentKinds.includes(u.kind));
  const local: Record<string, string | undefined> = {
    code: !code.trim()
      ? t('required')
      : UNIT_CODE_RE.test(code.trim())
        ? undefined
        : t('codeInvalid'),
    name: name.trim() ? undefined : t('required'),
    parentId:
      needsParent && !parents.some((p) => p.id === parentId)
        ? t('parentRequired', {
            kinds: parentKinds.map((k) => (k ? t(`kind_${k}`) : '')).join(', '),
          })
        : undefined,
  };
  const err = (k: string) => (touched ? local[k] : undefined) ?? server[k];

  const submit = async (e: Event) => {
    e.preventDefault();
    setTouched(true);
    if (Object.values(local).some(Boolean)) return;
    const u = await action.run(() =>
      api('POST /api/units', {
        json: {
          code: code.trim(),
          name: name.trim(),
          kind,
          parentId: needsParent ? parentId : null,
        },
      }),
    );
    if (u) {
      setCode('');
      setName('');
      setTouched(false);
      onDone(u);
    }
  };

  return (
    <form class="card" noValidate onSubmit={(e) => void submit(e)} data-testid="unit-create-form">
      <h2>{t('newUnit')}</h2>
      <div class="c-form-grid">
        <div>
          <label for="un-kind">{t('kind')}</label>
          <select
            id="un-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.currentTarget.value as UnitKind);
              setParentId('');
            }}
          >
            {UNIT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kind_${k}`)}
              </option>
            ))}
          </select>
        </div>
        <FormField id="un-parentId" label={t('parent')} error={err('parentId')}>
          {(c) => (
            <select
              value={needsParent ? parentId : ''}
              disabled={!needsParent}
              onChange={(e) => setParentId(e.currentTarget.value)}
              {...c}
            >
              <option value="">{needsParent ? t('chooseParent') : t('noParent')}</option>
              {needsParent
                ? parents.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name} ({p.code})
                    </option>
                  ))
                : null}
            </select>
          )}
        </FormField>
        <TextField
          id="un-code"
          label={t('code')}
          error={err('code')}
          type="text"
          maxLength={64}
          autocomplete="off"
          value={code}
          onValue={setCode}
        />
        <TextField
          id="un-name"
          label={t('name')}
          error={err('name')}
          type="text"
          maxLength={200}
          value={name}
          onValue={setName}
        />
      </div>
      <FormActions action={action} label={t('create')} />
    </form>
  );
}

/**
 * A CSV file as the import endpoints take it: the bytes as saved, no charset. The server
 * tells UTF-8 from Windows-1252 (a CSV saved by Excel on Windows); reading it as text here
 * would already have turned é into U+FFFD.
 */
const csvUpload = (file: File) => ({ bytes: { body: file, type: 'text/csv' } });

/** A CSV upload form: file → `upload` → the server's summary or its per-row report. */
function CsvImport<R>(props: {
  id: string;
  title: string;
  hint: string;
  /** Sends the file to its import endpoint; null while something it needs is not chosen. */
  upload: ((file: File) => Promise<R>) | null;
  missingUrl?: string;
  children?: ComponentChildren;
  summary(r: R, t: Translator): string;
  onDone(): unknown;
}) {
  const t = useT();
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const [ok, setOk] = useState<string | null>(null);
  const action = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    setOk(null);
    const upload = props.upload;
    if (!upload) {
      action.setError(new ApiError(0, 'client', props.missingUrl ?? t('required')));
      return;
    }
    if (!file) {
      action.setError(new ApiError(0, 'client', t('noFile')));
      return;
    }
    const r = await action.run(async () => {
      if (file.size > MAX_CSV_BYTES)
        throw new ApiError(
          0,
          'client',
          t('fileTooLarge', { mb: Math.round(MAX_CSV_BYTES / 1048576) }),
        );
      return upload(file);
    });
    if (r) {
      setFile(null);
      setInputKey((k) => k + 1);
      await props.onDone();
      setOk(props.summary(r, t));
    }
  };

  return (
    <form class="card" onSubmit={(e) => void submit(e)} data-testid={props.id}>
      <h2>{props.title}</h2>
      <p class="small muted">{props.hint}</p>
      {props.children}
      <FileField
        key={inputKey}
        id={`${props.id}-file`}
        label={t('chooseFile')}
        accept=".csv,text/csv,text/plain"
        file={file}
        onFile={(f) => {
          setFile(f);
          setOk(null);
          action.setError(null);
        }}
      />
      <SuccessNotice text={ok} />
      <ErrorNotice error={action.error} testId={`${props.id}-error`} />
      <div class="row c-actions">
        <button type="submit" class="primary" disabled={action.busy || !file}>
          {action.busy ? t('importing') : t('importSubmit')}
        </button>
      </div>
    </form>
  );
}

/** The unit tree, single-unit creation, and the two CSV imports (units, self-assessment). */
export function Units({ canWrite }: PageProps) {
  const t = useT();
  useDocumentTitle(t('unitsTitle'));
  const units = useLoad(() => api('GET /api/units'), []);
  const periods = useLoad(() => api('GET /api/periods'), []);
  const [query, setQuery] = useState('');
  const [ok, setOk] = useState<string | null>(null);
  const [periodId, setPeriodId] = useState('');
  const list = units.data?.units ?? [];
  const shown = filterTree(list, query);
  const openPeriods = (periods.data?.periods ?? []).filter((p) => p.status !== 'closed');

  return (
    <>
      <h1>{t('unitsTitle')}</h1>
      <SuccessNotice text={ok} />
      <ErrorNotice error={units.error} />
      <section class="card">
        <h2>{t('unitTree', { n: list.length })}</h2>
        {units.loading && !units.data ? <p class="muted">{t('loading')}</p> : null}
        {units.data && list.length === 0 ? <p class="muted">{t('noUnits')}</p> : null}
        {list.length ? (
          <>
            <label for="unit-filter">{t('filterUnits')}</label>
            <input
              id="unit-filter"
              type="text"
              value={query}
              onInput={(e) => setQuery(e.currentTarget.value)}
            />
            <UnitTreeTable units={shown} />
          </>
        ) : null}
      </section>
      {canWrite && units.data ? (
        <>
          <UnitForm
            units={list}
            onDone={async (u) => {
              await units.reload();
              setOk(t('unitCreated', { name: u.name }));
            }}
          />
          <CsvImport
            id="unit-import"
            title={t('importUnits')}
            hint={t('importUnitsHint')}
            upload={(file) => api('POST /api/units/import', csvUpload(file))}
            summary={(r, tt) => tt('unitsImported', { ...r })}
            onDone={() => units.reload()}
          />
          <CsvImport
            id="self-import"
            title={t('importSelf')}
            hint={t('importSelfHint')}
            upload={
              periodId
                ? (file) =>
                    api('POST /api/periods/:id/self-assessments/import', {
                      params: { id: periodId },
                      ...csvUpload(file),
                    })
                : null
            }
            missingUrl={t('periodRequired')}
            summary={(r, tt) => tt('selfImported', { ...r })}
            onDone={() => undefined}
          >
            <label for="self-period">{t('period')}</label>
            <select
              id="self-period"
              value={periodId}
              onChange={(e) => setPeriodId(e.currentTarget.value)}
            >
              <PeriodOptions periods={openPeriods} />
            </select>
          </CsvImport>
        </>
      ) : null}
    </>
  );
}

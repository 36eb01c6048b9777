import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api';
import { FileImport } from '../components/FileImport';
import { FormActions, SelectField, TextField, useForm } from '../components/FormField';
import { PeriodOptions } from '../components/PeriodSelect';
import { useT } from '../i18n';
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
  ListBody,
  type PageProps,
  SuccessNotice,
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
  const parentKinds = PARENT_KINDS[kind];
  const needsParent = !parentKinds.includes(null);
  const parents = units.filter((u) => parentKinds.includes(u.kind));
  const form = useForm({
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
  });
  const send = () =>
    api('POST /api/units', {
      json: { code: code.trim(), name: name.trim(), kind, parentId: needsParent ? parentId : null },
    });
  const done = (u: Unit) => {
    setCode('');
    setName('');
    onDone(u);
  };

  return (
    <form class="card" noValidate onSubmit={form.submit(send, done)} data-testid="unit-create-form">
      <h2>{t('newUnit')}</h2>
      <div class="c-form-grid">
        <SelectField
          id="un-kind"
          label={t('kind')}
          value={kind}
          onValue={(v) => {
            setKind(v as UnitKind);
            setParentId('');
          }}
        >
          {UNIT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kind_${k}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          id="un-parentId"
          label={t('parent')}
          error={form.err('parentId')}
          value={needsParent ? parentId : ''}
          disabled={!needsParent}
          onValue={setParentId}
        >
          <option value="">{needsParent ? t('chooseParent') : t('noParent')}</option>
          {needsParent
            ? parents.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.code})
                </option>
              ))
            : null}
        </SelectField>
        <TextField
          id="un-code"
          label={t('code')}
          error={form.err('code')}
          maxLength={64}
          autocomplete="off"
          value={code}
          onValue={setCode}
        />
        <TextField
          id="un-name"
          label={t('name')}
          error={form.err('name')}
          maxLength={200}
          value={name}
          onValue={setName}
        />
      </div>
      <FormActions action={form.action} label={t('create')} />
    </form>
  );
}

/**
 * A CSV file as the import endpoints take it: the bytes as saved, no charset. The server
 * tells UTF-8 from Windows-1252 (a CSV saved by Excel on Windows); reading it as text here
 * would already have turned é into U+FFFD.
 */
const csvUpload = (file: File) => ({ bytes: { body: file, type: 'text/csv' } });

/** A CSV import card: `upload` sends the file; the server's summary is said under it. */
function CsvImport<R>({
  id,
  onDone,
  ...rest
}: {
  id: string;
  title: string;
  hint: string;
  upload: ((file: File) => Promise<R>) | null;
  missing?: string;
  summary(r: R): string;
  onDone?(): unknown;
  children?: ComponentChildren;
}) {
  return (
    <FileImport
      {...rest}
      onDone={() => onDone?.()}
      accept=".csv,text/csv,text/plain"
      maxBytes={MAX_CSV_BYTES}
      testId={id}
      fileId={`${id}-file`}
      errorTestId={`${id}-error`}
    />
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
        <ListBody loaded={units} count={list.length} empty={t('noUnits')}>
          <TextField id="unit-filter" label={t('filterUnits')} value={query} onValue={setQuery} />
          <UnitTreeTable units={shown} />
        </ListBody>
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
            summary={(r) => t('unitsImported', { ...r })}
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
            missing={t('periodRequired')}
            summary={(r) => t('selfImported', { ...r })}
          >
            <SelectField
              id="self-period"
              label={t('period')}
              value={periodId}
              onValue={setPeriodId}
            >
              <PeriodOptions periods={openPeriods} />
            </SelectField>
          </CsvImport>
        </>
      ) : null}
    </>
  );
}

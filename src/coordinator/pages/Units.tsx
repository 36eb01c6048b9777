import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { type ApiError, api, apiPath } from '../api';
import { FileImport } from '../components/FileImport';
import { FormActions, SelectField, TextField, useForm } from '../components/FormField';
import { PeriodOptions } from '../components/PeriodSelect';
import { download } from '../files';
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
  asApiError,
  ConfirmButton,
  ErrorNotice,
  ListBody,
  type PageProps,
  SuccessNotice,
  useAction,
  useDocumentTitle,
  useLoad,
} from '../ui';
import { filterTree, UnitTreeTable } from '../unit-tree';

const MAX_CSV_BYTES = 4 * 1024 * 1024;

/**
 * What the create form and the edit row refuse before sending, as the server would: a code
 * of the allowed shape, a name, and a parent of a kind `kind` may sit under (among `parents`).
 */
function unitErrors(
  t: ReturnType<typeof useT>,
  kind: UnitKind,
  { code, name, parentId }: { code: string; name: string; parentId: string },
  parents: readonly UnitNode[],
) {
  const parentKinds = PARENT_KINDS[kind];
  const needsParent = !parentKinds.includes(null);
  return {
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
}

function UnitForm({ units, onDone }: { units: UnitNode[]; onDone(u: Unit): void }) {
  const t = useT();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<UnitKind>('kelurahan');
  const [parentId, setParentId] = useState('');
  const parentKinds = PARENT_KINDS[kind];
  const needsParent = !parentKinds.includes(null);
  const parents = units.filter((u) => parentKinds.includes(u.kind));
  const form = useForm(unitErrors(t, kind, { code, name, parentId }, parents));
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

/** Columns of the units tree with its actions column (name, code, kind, actions). */
const TREE_COLUMNS = 4;

/**
 * Rename a unit, change its code, or move it under another parent of an allowed kind
 * (PARENT_KINDS); the server's refusal (a taken code, a parent of the wrong kind) shows
 * under the form, per field where it names one.
 */
function UnitEdit(props: {
  unit: UnitNode;
  units: UnitNode[];
  onDone(u: Unit): void;
  onCancel(): void;
}) {
  const t = useT();
  const u = props.unit;
  const [code, setCode] = useState(u.code);
  const [name, setName] = useState(u.name);
  const [parentId, setParentId] = useState(u.parentId ?? '');
  const parentKinds = PARENT_KINDS[u.kind];
  const needsParent = !parentKinds.includes(null);
  const parents = props.units.filter((p) => p.id !== u.id && parentKinds.includes(p.kind));
  const form = useForm(unitErrors(t, u.kind, { code, name, parentId }, parents));
  const send = () =>
    api('PATCH /api/units/:id', {
      params: { id: u.id },
      json: {
        ...(code.trim() !== u.code ? { code: code.trim() } : {}),
        ...(name.trim() !== u.name ? { name: name.trim() } : {}),
        ...(needsParent && parentId !== u.parentId ? { parentId } : {}),
      },
    });
  const id = (f: string) => `ue-${f}-${u.id}`;
  return (
    <tr class="c-edit-row" data-testid="unit-edit-row">
      <td colSpan={TREE_COLUMNS}>
        <form
          class="c-unit-edit"
          noValidate
          onSubmit={form.submit(send, props.onDone)}
          data-testid="unit-edit-form"
          aria-label={t('editUnitTitle', { name: u.name })}
        >
          <p class="c-unit-edit-title">
            <strong>{t('editUnitTitle', { name: u.name })}</strong>
          </p>
          <div class="c-form-grid">
            <TextField
              id={id('name')}
              label={t('name')}
              error={form.err('name')}
              maxLength={200}
              value={name}
              onValue={setName}
            />
            <TextField
              id={id('code')}
              label={t('code')}
              error={form.err('code')}
              maxLength={64}
              autocomplete="off"
              value={code}
              onValue={setCode}
            />
            <SelectField
              id={id('parentId')}
              label={t('parentMove')}
              error={form.err('parentId')}
              value={needsParent ? parentId : ''}
              disabled={!needsParent}
              onValue={setParentId}
            >
              {needsParent ? null : <option value="">{t('noParent')}</option>}
              {parents.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.code})
                </option>
              ))}
            </SelectField>
          </div>
          <FormActions action={form.action} label={t('save')}>
            <button type="button" onClick={props.onCancel}>
              {t('cancel')}
            </button>
          </FormActions>
        </form>
      </td>
    </tr>
  );
}

/** Why a unit's deletion was refused, under its row (the server's message says why). */
function RowError({ error }: { error: ApiError }) {
  return (
    <tr class="c-edit-row">
      <td colSpan={TREE_COLUMNS}>
        <ErrorNotice error={error} testId="unit-row-error" />
      </td>
    </tr>
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

/**
 * "Unduh templat CSV": the units template from the server (header and an example unit of
 * each kind), which the import below takes as it is.
 */
function UnitTemplate() {
  const t = useT();
  const action = useAction();
  return (
    <div class="c-template">
      <p class="small muted">{t('unitTemplateHint')}</p>
      <button
        type="button"
        disabled={action.busy}
        data-testid="unit-template"
        onClick={() =>
          void action.run(() =>
            download(apiPath('GET /api/units/template.csv', {}), 'templat-unit.csv'),
          )
        }
      >
        {t('unitTemplate')}
      </button>
      <ErrorNotice error={action.error} testId="unit-template-error" />
    </div>
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
  const [editing, setEditing] = useState<string | null>(null);
  const [refused, setRefused] = useState<{ id: string; error: ApiError } | null>(null);
  const list = units.data?.units ?? [];
  const shown = filterTree(list, query);
  const openPeriods = (periods.data?.periods ?? []).filter((p) => p.status !== 'closed');
  /** Leave the row being edited or refused: one row's form or message at a time. */
  const settle = (text: string | null) => {
    setEditing(null);
    setRefused(null);
    setOk(text);
  };
  const actions = (u: UnitNode) => (
    <span class="c-cell-actions">
      <button
        type="button"
        aria-expanded={editing === u.id}
        data-testid="unit-edit"
        onClick={() => {
          setEditing(editing === u.id ? null : u.id);
          setRefused(null);
          setOk(null);
        }}
      >
        {t('edit')}
      </button>
      <ConfirmButton
        label={t('delete')}
        question={t('confirmDeleteUnit', { name: u.name })}
        confirmLabel={t('confirmDelete')}
        testId="unit-delete"
        onConfirm={async () => {
          settle(null);
          try {
            await api('DELETE /api/units/:id', { params: { id: u.id } });
          } catch (e) {
            // Said under the unit's row, where the coordinator is looking.
            setRefused({ id: u.id, error: asApiError(e) });
            return;
          }
          await units.reload();
          settle(t('unitDeleted', { name: u.name }));
        }}
      />
    </span>
  );

  return (
    <>
      <h1>{t('unitsTitle')}</h1>
      <SuccessNotice text={ok} />
      <ErrorNotice error={units.error} />
      <section class="card">
        <h2>{t('unitTree', { n: list.length })}</h2>
        <ListBody loaded={units} count={list.length} empty={t('noUnits')}>
          <TextField id="unit-filter" label={t('filterUnits')} value={query} onValue={setQuery} />
          {canWrite ? <p class="small muted">{t('unitEditHint')}</p> : null}
          <UnitTreeTable
            units={shown}
            extraHeader={canWrite ? t('actions') : undefined}
            extra={canWrite ? actions : undefined}
            after={(u) =>
              editing === u.id ? (
                <UnitEdit
                  unit={u}
                  units={list}
                  onCancel={() => setEditing(null)}
                  onDone={async (saved) => {
                    await units.reload();
                    settle(t('unitUpdated', { name: saved.name }));
                  }}
                />
              ) : refused?.id === u.id ? (
                <RowError error={refused.error} />
              ) : null
            }
          />
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
          >
            <UnitTemplate />
          </CsvImport>
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

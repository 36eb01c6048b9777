import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatValue, isoDayInZone, valueDomainOf } from '../../core';
import { ACTION_DISPLAY_STATUSES, ACTION_LIMITS, promisedEvidence } from '../../core/actions';
import { type Framework, isValueIn, listIndicators, MAX_LEVEL } from '../../core/framework';
import { formatBytes, formatZoneTime } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import { linkClick, navigate } from '../../ui/router';
import { badLink, defaultDueDate, dueDateProblem, evidenceLines, formatIsoDate } from '../actions';
import { ApiError, api, apiPath } from '../api';
import { ActionCountsLine, ActionStatusChip } from '../components/ActionStatus';
import { DataTable } from '../components/DataTable';
import { FormField, SelectField, TextField, useForm } from '../components/FormField';
import { Letterhead } from '../components/Letterhead';
import { PeriodSelect } from '../components/PeriodSelect';
import { PrintButton } from '../components/PrintButton';
import { Section } from '../components/Section';
import { download } from '../files';
import { useFramework } from '../framework';
import { type Translator, useT } from '../i18n';
import { useZone } from '../organisation';
import { ACTIONS_PATH, actionPath, ownerListPath } from '../paths';
import { usePeriod } from '../period';
import type { Action, ActionList, OwnerAccount, OwnerCredentials, UnitNode } from '../types';
import { ZONE_IANA } from '../types';
import {
  ConfirmButton,
  ErrorNotice,
  type PageProps,
  SuccessNotice,
  useAction,
  useDocumentTitle,
  useLoad,
} from '../ui';
import { queryParam, setQuery } from '../url';

/** A level as the indicator's domain writes it ("3", "2,50"); '–' for none. */
function levelText(v: number | null, locale: Locale, fw: Framework | undefined, no: number) {
  return formatValue(v, locale, fw ? valueDomainOf(fw, no) : undefined);
}

/**
 * The error for the notice under a form: the server's issues on `fields` are shown under
 * those fields (see `useForm`), so the notice keeps the message and the other issues only.
 */
function notFieldIssues(error: ApiError | null, fields: readonly string[]): ApiError | null {
  const d = error?.details as { issues?: { path?: string }[] } | undefined;
  if (!error || !Array.isArray(d?.issues)) return error;
  const onField = (path: string | undefined) =>
    fields.some((f) => path === f || path?.startsWith(`${f}.`));
  const issues = d.issues.filter((i) => !onField(i.path));
  return new ApiError(error.status, error.code, error.message, { ...d, issues }, error.requestId);
}

/** The server's issue on a field or one of its items (`links.0` for `links`). */
function serverIssue(error: ApiError | null, field: string): string | undefined {
  const d = error?.details as { issues?: { path?: string; message?: string }[] } | undefined;
  const hit = (Array.isArray(d?.issues) ? d.issues : []).find(
    (i) => i.path === field || i.path?.startsWith(`${field}.`),
  );
  return hit?.message;
}

/** Today in the organisation's zone (`YYYY-MM-DD`). */
function useToday(): string {
  const zone = useZone();
  return isoDayInZone(Date.now(), ZONE_IANA[zone]);
}

/**
 * The Tindak lanjut page: the actions of the chosen period (an owner: every action of its
 * unit, whatever the period), with filters by status (Terlambat included), owner unit and
 * indicator, the counts per status, and for coordinators the form to add one by hand and
 * the owner accounts. Rows open the action's own page.
 */
export function Actions(props: PageProps) {
  if (props.account.role === 'owner') return <OwnerActions {...props} />;
  return <PeriodActions {...props} />;
}

function OwnerActions(props: PageProps) {
  return <ActionsView {...props} periodId="" period={null} />;
}

function PeriodActions(props: PageProps) {
  const period = usePeriod();
  return <ActionsView {...props} periodId={period.periodId} period={period} />;
}

function ActionsView(
  props: PageProps & { periodId: string; period: ReturnType<typeof usePeriod> | null },
) {
  const { canWrite, account, periodId, period } = props;
  const t = useT();
  const locale = useLocale((s) => s.locale);
  useDocumentTitle(t('actionsTitle'));
  const owner = account.role === 'owner';
  const [status, setStatus] = useState(() => queryParam('status') ?? '');
  const [ownerUnitId, setOwnerUnitId] = useState(() => queryParam('pemilik') ?? '');
  const [indicatorNo, setIndicatorNo] = useState(() => queryParam('indikator') ?? '');
  useEffect(() => {
    setQuery({ status, pemilik: ownerUnitId, indikator: indicatorNo });
  }, [status, ownerUnitId, indicatorNo]);
  // Every action of the period: the counts and the filters' choices come from all of them,
  // the table shows the filtered ones (a page never holds more than a city's few hundred).
  const list = useLoad(
    () =>
      owner || periodId
        ? api('GET /api/actions', { query: owner ? {} : { periodId } })
        : Promise.resolve(undefined),
    [periodId, owner],
  );
  const units = useLoad(
    () => (owner ? Promise.resolve(undefined) : api('GET /api/units')),
    [owner],
  );
  const all = list.data?.actions ?? [];
  const shown = all.filter(
    (a) =>
      (!status || a.displayStatus === status) &&
      // An owner has no owner filter: its list holds its unit and the units below it.
      (!ownerUnitId || owner || a.ownerUnitId === ownerUnitId) &&
      (!indicatorNo || String(a.indicatorNo) === indicatorNo),
  );
  const owners = uniqueBy(
    all,
    (a) => a.ownerUnitId,
    (a) => a.ownerUnitName,
  );
  const indicators = uniqueBy(
    all,
    (a) => String(a.indicatorNo),
    (a) => `${a.indicatorNo}. ${a.indicatorName}`,
  ).sort((a, b) => Number(a.id) - Number(b.id));
  const currentPeriod = period?.periods.find((p) => p.id === periodId);
  const [created, setCreated] = useState<string | null>(null);

  return (
    <div class="r-report a-page" data-period={periodId}>
      <div class="r-doc-head">
        <h1>{t('actionsTitle')}</h1>
      </div>
      <p class="r-note">{t(owner ? 'actionsIntroOwner' : 'actionsIntro')}</p>
      <ErrorNotice error={period?.error ?? list.error} />
      <div class="r-filters">
        {period ? (
          <PeriodSelect periods={period.periods} value={periodId} onChange={period.setPeriodId} />
        ) : null}
        <SelectField
          id="a-status"
          label={t('actionFilterStatus')}
          testId="action-filter-status"
          value={status}
          onValue={setStatus}
        >
          <option value="">{t('actionAll')}</option>
          {ACTION_DISPLAY_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`actionStatus_${s}`)}
            </option>
          ))}
        </SelectField>
        {owner ? null : (
          <SelectField
            id="a-owner"
            label={t('actionFilterOwner')}
            testId="action-filter-owner"
            value={ownerUnitId}
            onValue={setOwnerUnitId}
          >
            <option value="">{t('actionAll')}</option>
            {owners.map((o) => (
              <option key={o.id} value={o.id}>
                {o.label}
              </option>
            ))}
          </SelectField>
        )}
        <SelectField
          id="a-indicator"
          label={t('actionFilterIndicator')}
          testId="action-filter-indicator"
          value={indicatorNo}
          onValue={setIndicatorNo}
        >
          <option value="">{t('actionAll')}</option>
          {indicators.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </SelectField>
        {ownerUnitId || owner ? (
          <div>
            <a
              class="button"
              href={ownerListPath(ownerUnitId || (account.unitId ?? ''), periodId || undefined)}
              onClick={linkClick}
              data-testid="action-print-owner"
            >
              {t('actionPrintOwner')}
            </a>
          </div>
        ) : null}
      </div>
      {list.data ? <ActionCountsLine counts={list.data.counts} t={t} /> : null}
      <SuccessNotice text={created} />
      {list.data && all.length === 0 ? (
        <p class="muted" data-testid="actions-empty">
          {t(owner ? 'actionsEmptyOwner' : 'actionsEmpty')}
        </p>
      ) : null}
      {shown.length > 0 ? (
        <ActionTable actions={shown} locale={locale} t={t} />
      ) : all.length > 0 ? (
        <p class="muted">{t('actionsNoneFiltered')}</p>
      ) : null}
      {canWrite && currentPeriod && units.data ? (
        <AddAction
          periodId={currentPeriod.id}
          frameworkId={currentPeriod.frameworkId}
          units={units.data.units}
          today={list.data?.today}
          onDone={async (a) => {
            setCreated(t('actionCreated', { title: a.title }));
            await list.reload();
          }}
        />
      ) : null}
      {/* Owner accounts are the coordinator's business: a viewer is not shown them. */}
      {canWrite && units.data ? <OwnerAccounts canWrite units={units.data.units} /> : null}
    </div>
  );
}

function uniqueBy<T>(
  xs: readonly T[],
  id: (x: T) => string,
  label: (x: T) => string,
): { id: string; label: string }[] {
  const m = new Map<string, string>();
  for (const x of xs) if (!m.has(id(x))) m.set(id(x), label(x));
  return [...m].map(([k, v]) => ({ id: k, label: v }));
}

/** The actions as a table; the title opens the action's page. */
function ActionTable(props: { actions: Action[]; locale: Locale; t: Translator; print?: boolean }) {
  const { t, locale } = props;
  return (
    <DataTable
      testId="actions-table"
      label={t('actionsTitle')}
      headings={[
        t('indicator'),
        t('actionColTitle'),
        t('actionColUnit'),
        t('actionColOwner'),
        t('actionColLevels'),
        t('actionColDue'),
        t('actionColStatus'),
        props.print ? t('actionColEvidence') : t('actionColFiles'),
      ]}
    >
      {props.actions.map((a) => (
        <tr key={a.id} data-testid="action-row" data-id={a.id} data-no={a.indicatorNo}>
          <td>
            <strong>{a.indicatorNo}.</strong> {a.indicatorName}
          </td>
          <td>
            {props.print ? (
              a.title
            ) : (
              <a href={actionPath(a.id)} onClick={linkClick} data-testid="action-open">
                {a.title}
              </a>
            )}
          </td>
          <td>{a.unitName}</td>
          <td>
            {a.ownerUnitName}
            {a.ownerPerson ? <span class="small muted"> · {a.ownerPerson}</span> : null}
          </td>
          <td class="a-levels" data-testid="action-levels">
            {formatValue(a.fromLevel, locale)} →{' '}
            <strong>{formatValue(a.targetLevel, locale)}</strong>
          </td>
          <td data-testid="action-due">{formatIsoDate(a.dueDate, locale)}</td>
          <td>
            <ActionStatusChip status={a.displayStatus} daysOverdue={a.daysOverdue} />
          </td>
          {props.print ? (
            <td class="small">
              <ul class="r-plan-evidence">
                {a.evidence.map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
            </td>
          ) : (
            <td data-testid="action-files">{a.files.length + a.links.length}</td>
          )}
        </tr>
      ))}
    </DataTable>
  );
}

/** The whole levels an action may aim at above `from` (values of either domain). */
function targetChoices(from: number | null): number[] {
  const out: number[] = [];
  for (let l = Math.floor((from ?? 0) + 1e-9) + 1; l <= MAX_LEVEL; l++) if (l >= 1) out.push(l);
  return out;
}

/** "Tambah tindak lanjut": one action by hand. */
function AddAction(props: {
  periodId: string;
  frameworkId: string;
  units: UnitNode[];
  today: string | undefined;
  onDone(a: Action): Promise<void>;
}) {
  const t = useT();
  const fallbackToday = useToday();
  const fw = useFramework(props.frameworkId);
  const pemda = props.units.find((u) => u.kind === 'pemda');
  const [open, setOpen] = useState(false);
  const [unitId, setUnitId] = useState(pemda?.id ?? '');
  const [no, setNo] = useState('');
  const [target, setTarget] = useState('');
  const [ownerUnitId, setOwnerUnitId] = useState('');
  const [person, setPerson] = useState('');
  const [due, setDue] = useState(() => defaultDueDate(props.today ?? fallbackToday));
  const [evidence, setEvidence] = useState('');
  const [title, setTitle] = useState('');
  const today = props.today ?? fallbackToday;
  const dueProblem = dueDateProblem(due, today);
  const form = useForm({ dueDate: dueProblem ? t(dueProblem) : undefined });
  const action = form.action;
  // Prefill the evidence from the instrument's criteria of the target level.
  useEffect(() => {
    if (fw && no && target)
      setEvidence(promisedEvidence(fw, Number(no), Number(target)).join('\n'));
  }, [fw, no, target]);
  if (!open)
    return (
      <p>
        <button
          type="button"
          class="primary"
          onClick={() => setOpen(true)}
          data-testid="action-add"
        >
          {t('actionAdd')}
        </button>
      </p>
    );
  const ready = unitId && no && target;
  return (
    <Section title={t('actionAdd')} testId="action-add-form">
      <form
        class="c-form"
        noValidate
        onSubmit={(e) => {
          if (!ready) {
            e.preventDefault();
            return;
          }
          form.submit(
            () =>
              api('POST /api/actions', {
                json: {
                  periodId: props.periodId,
                  unitId,
                  indicatorNo: Number(no),
                  targetLevel: Number(target),
                  ownerUnitId: ownerUnitId || unitId,
                  ownerPerson: person.trim(),
                  dueDate: due,
                  evidence: evidenceLines(evidence),
                  ...(title.trim() ? { title: title.trim() } : {}),
                  origin: 'manual',
                },
              }),
            async (a) => {
              setOpen(false);
              setNo('');
              setTarget('');
              setTitle('');
              await props.onDone(a);
            },
          )(e);
        }}
      >
        <SelectField id="aa-unit" label={t('actionColUnit')} value={unitId} onValue={setUnitId}>
          <UnitOptions units={props.units} />
        </SelectField>
        <SelectField
          id="aa-indicator"
          label={t('indicator')}
          value={no}
          onValue={setNo}
          testId="aa-indicator"
        >
          <option value="">{t('actionChooseIndicator')}</option>
          {fw
            ? listIndicators(fw).map((i) => (
                <option key={i.no} value={String(i.no)}>
                  {i.no}. {i.spec.name}
                </option>
              ))
            : null}
        </SelectField>
        <SelectField
          id="aa-target"
          label={t('actionTarget')}
          value={target}
          onValue={setTarget}
          testId="aa-target"
        >
          <option value="">–</option>
          {targetChoices(1).map((l) => (
            <option key={l} value={String(l)}>
              {l}
            </option>
          ))}
        </SelectField>
        <TextField
          id="aa-title"
          label={t('actionTitleOptional')}
          error={form.err('title')}
          value={title}
          maxLength={ACTION_LIMITS.title}
          onValue={setTitle}
        />
        <SelectField
          id="aa-owner"
          label={t('actionOwnerUnit')}
          value={ownerUnitId}
          onValue={setOwnerUnitId}
        >
          <option value="">{t('actionOwnerSame')}</option>
          <UnitOptions units={props.units} />
        </SelectField>
        <TextField
          id="aa-person"
          label={t('actionPerson')}
          value={person}
          maxLength={ACTION_LIMITS.person}
          onValue={setPerson}
        />
        <DueField
          id="aa-due"
          value={due}
          onValue={setDue}
          min={today}
          error={form.err('dueDate')}
        />
        <EvidenceField id="aa-evidence" value={evidence} onValue={setEvidence} />
        <ErrorNotice error={notFieldIssues(action.error, ['title', 'dueDate'])} />
        <div class="row c-actions">
          <button
            type="submit"
            class="primary"
            disabled={!ready || action.busy}
            data-testid="aa-save"
          >
            {t('actionAdd')}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </Section>
  );
}

/** The units as options, indented by depth. */
export function UnitOptions({ units }: { units: UnitNode[] }) {
  return (
    <>
      {units.map((u) => (
        <option key={u.id} value={u.id}>
          {'\u00a0\u00a0'.repeat(u.depth)}
          {u.name}
        </option>
      ))}
    </>
  );
}

/**
 * A due date picker (`YYYY-MM-DD`, the browser's date input) with its message underneath;
 * `min` is the organisation's today (a past date is refused before sending, see
 * `dueDateProblem`).
 */
export function DueField(props: {
  id: string;
  value: string;
  onValue(v: string): void;
  min?: string | undefined;
  error?: string | undefined;
  note?: string;
}) {
  const t = useT();
  return (
    <FormField id={props.id} label={t('actionDue')} error={props.error} class="c-field">
      {(c) => (
        <>
          <input
            type="date"
            value={props.value}
            min={props.min}
            max="2100-12-31"
            onInput={(e) => props.onValue(e.currentTarget.value)}
            data-testid={props.id}
            {...c}
          />
          {props.note ? <p class="small muted">{props.note}</p> : null}
        </>
      )}
    </FormField>
  );
}

function EvidenceField(props: { id: string; value: string; onValue(v: string): void }) {
  const t = useT();
  return (
    <div class="c-field">
      <label for={props.id}>{t('actionEvidenceLines')}</label>
      <textarea
        id={props.id}
        rows={4}
        value={props.value}
        onInput={(e) => props.onValue(e.currentTarget.value)}
        data-testid={props.id}
      />
    </div>
  );
}

// --- one action -------------------------------------------------------------------------

/**
 * One action: what was agreed, the evidence promised, comments, evidence files, and — as
 * the role allows — mark Berjalan, upload and remove files, close with a note, edit (a
 * coordinator, with the version read: 409 says someone else changed it), delete.
 */
export function ActionDetail({ account, params }: PageProps) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = useZone();
  const id = params.id ?? '';
  const loaded = useLoad(() => api('GET /api/actions/:id', { params: { id } }), [id]);
  const [fresh, setFresh] = useState<Action | null>(null);
  const a =
    fresh && fresh.id === id && fresh.version >= (loaded.data?.version ?? 0) ? fresh : loaded.data;
  useDocumentTitle(a ? a.title : t('actionsTitle'));
  const coordinator = account.role === 'coordinator';
  const owner = account.role === 'owner';
  const works = coordinator || owner;
  const act = useAction();
  const [ok, setOk] = useState<string | null>(null);
  const fw = useFramework(coordinator ? a?.framework.id : undefined);
  const apply = (next: Action | undefined, message: string) => {
    if (!next) return;
    setFresh(next);
    setOk(message);
  };
  const reload = async () => {
    setFresh(null);
    act.setError(null);
    await loaded.reload();
  };

  // Start an action (rencana → berjalan) or reopen a done one (selesai → berjalan): the same
  // change, told apart only by what the page says afterwards.
  // Moving back (berjalan → rencana) is the same request with the other status.
  const moveTo = (
    status: 'berjalan' | 'rencana',
    said: 'actionStarted' | 'actionReopened' | 'actionBackedToPlan',
  ) => {
    if (!a) return;
    void act
      .run(() =>
        api('PATCH /api/actions/:id', {
          params: { id: a.id },
          json: { expectedVersion: a.version, status },
        }),
      )
      .then((n) => apply(n, t(said)));
  };
  const toBerjalan = (said: 'actionStarted' | 'actionReopened') => moveTo('berjalan', said);
  return (
    <div class="r-report a-detail" data-testid="action-detail" data-id={id}>
      <p class="no-print">
        <a
          href={a ? `${ACTIONS_PATH}?periode=${encodeURIComponent(a.period.id)}` : ACTIONS_PATH}
          onClick={linkClick}
        >
          ← {t('actionsTitle')}
        </a>
      </p>
      <ErrorNotice error={loaded.error} />
      {!a ? (
        <p class="muted">{t('loading')}</p>
      ) : (
        <>
          <h1 data-testid="action-title">{a.title}</h1>
          <p>
            <ActionStatusChip status={a.displayStatus} daysOverdue={a.daysOverdue} />{' '}
            <span class="small muted">
              {a.period.name} · {a.framework.name}
            </span>
          </p>
          <dl class="a-facts">
            <dt>{t('indicator')}</dt>
            <dd>
              {a.indicatorNo}. {a.indicatorName}
            </dd>
            <dt>{t('actionColUnit')}</dt>
            <dd>{a.unitName}</dd>
            <dt>{t('actionColOwner')}</dt>
            <dd data-testid="action-owner">
              {a.ownerUnitName}
              {a.ownerPerson ? ` · ${a.ownerPerson}` : ''}
            </dd>
            <dt>{t('actionColLevels')}</dt>
            <dd>
              {levelText(a.fromLevel, locale, fw, a.indicatorNo)} →{' '}
              <strong>{levelText(a.targetLevel, locale, fw, a.indicatorNo)}</strong>
            </dd>
            <dt>{t('actionColDue')}</dt>
            <dd>{formatIsoDate(a.dueDate, locale)}</dd>
            <dt>{t('actionOrigin')}</dt>
            <dd>{t(`actionOrigin_${a.origin}`)}</dd>
          </dl>
          <ErrorNotice error={act.error} testId="action-error" />
          {act.error?.status === 409 ? (
            <p class="notice warn" role="alert" data-testid="action-conflict">
              {t('actionChangedElsewhere')}{' '}
              <button type="button" onClick={() => void reload()} data-testid="action-reload">
                {t('actionReload')}
              </button>
            </p>
          ) : null}
          <SuccessNotice text={ok} />
          {works && a.status === 'rencana' ? (
            <p>
              <button
                type="button"
                class="primary"
                disabled={act.busy}
                data-testid="action-start"
                onClick={() => toBerjalan('actionStarted')}
              >
                {t('actionMarkStarted')}
              </button>
            </p>
          ) : null}
          {works && a.status === 'berjalan' ? (
            <p>
              <button
                type="button"
                disabled={act.busy}
                data-testid="action-back-to-plan"
                onClick={() => moveTo('rencana', 'actionBackedToPlan')}
              >
                {t('actionBackToPlan')}
              </button>
            </p>
          ) : null}
          {coordinator && a.status === 'selesai' ? (
            <p>
              <button
                type="button"
                disabled={act.busy}
                data-testid="action-reopen"
                onClick={() => toBerjalan('actionReopened')}
              >
                {t('actionReopen')}
              </button>
            </p>
          ) : null}
          <Section title={t('actionEvidencePromised')} testId="action-evidence">
            {a.evidence.length ? (
              <ul>
                {a.evidence.map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
            ) : (
              <p class="muted">{t('actionEvidenceNone')}</p>
            )}
          </Section>
          {a.status === 'selesai' ? (
            <Section title={t('actionClosed')} testId="action-closed">
              <p class="r-pre" data-testid="action-closing-note">
                {a.closingNote}
              </p>
              <p class="small muted">
                {t('actionClosedBy', {
                  by: a.closedByName ?? '–',
                  time: formatZoneTime(a.closedAt, locale, zone),
                })}
              </p>
              {a.links.length ? (
                <ul>
                  {a.links.map((l) => (
                    <li key={l}>
                      {/* The server takes http/https only; anything else stays plain text. */}
                      {/^https?:\/\//i.test(l) ? (
                        <a href={l} target="_blank" rel="noopener noreferrer">
                          {l}
                        </a>
                      ) : (
                        l
                      )}
                    </li>
                  ))}
                </ul>
              ) : null}
            </Section>
          ) : null}
          <ActionFiles a={a} canChange={works && a.status !== 'selesai'} onChanged={apply} />
          {works && a.status !== 'selesai' ? <CloseForm a={a} onClosed={apply} /> : null}
          <Comments a={a} canWrite={works} onAdded={apply} />
          {coordinator ? <EditForm a={a} fw={fw} onSaved={apply} onReload={reload} /> : null}
          {coordinator ? (
            <p>
              <ConfirmButton
                label={t('actionDelete')}
                question={t('actionDeleteQuestion')}
                confirmLabel={t('confirmDelete')}
                testId="action-delete"
                onConfirm={() =>
                  act.done(
                    () => api('DELETE /api/actions/:id', { params: { id: a.id } }),
                    () => navigate(`${ACTIONS_PATH}?periode=${encodeURIComponent(a.period.id)}`),
                  )
                }
              />
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}

/** Evidence files: download, and (open actions, coordinator or owner) upload and remove. */
function ActionFiles(props: {
  a: Action;
  canChange: boolean;
  onChanged(a: Action | undefined, message: string): void;
}) {
  const { a } = props;
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const act = useAction();
  const [file, setFile] = useState<File | null>(null);
  return (
    <Section title={t('actionFiles')} testId="action-files-section">
      {a.files.length ? (
        <ul class="a-files" data-testid="action-file-list">
          {a.files.map((f) => (
            <li key={f.sha256} data-testid="action-file">
              <button
                type="button"
                class="link"
                onClick={() =>
                  void act.run(() =>
                    download(
                      apiPath('GET /api/actions/:id/files/:sha256', { id: a.id, sha256: f.sha256 }),
                      f.name,
                    ),
                  )
                }
              >
                {f.name}
              </button>{' '}
              <span class="small muted">
                {formatBytes(f.bytes, locale)}
                {f.addedByName ? ` · ${f.addedByName}` : ''}
              </span>{' '}
              {props.canChange ? (
                <ConfirmButton
                  label={t('actionFileRemove')}
                  question={t('actionFileRemoveQuestion')}
                  confirmLabel={t('confirmDelete')}
                  onConfirm={() =>
                    act
                      .run(() =>
                        api('DELETE /api/actions/:id/files/:sha256', {
                          params: { id: a.id, sha256: f.sha256 },
                        }),
                      )
                      .then((n) => props.onChanged(n, t('actionFileRemoved')))
                  }
                />
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{t('actionFilesNone')}</p>
      )}
      {props.canChange ? (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (!file) return;
            void act
              .run(() =>
                api('POST /api/actions/:id/files', {
                  params: { id: a.id },
                  query: { name: file.name },
                  bytes: { body: file, type: file.type || 'application/octet-stream' },
                }),
              )
              .then((n) => {
                if (n) setFile(null);
                props.onChanged(n, t('actionFileAdded', { name: file.name }));
              });
          }}
        >
          <label for="action-file-input">{t('actionFileChoose')}</label>
          <input
            id="action-file-input"
            type="file"
            accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/*"
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
            data-testid="action-file-input"
          />
          <button type="submit" disabled={!file || act.busy} data-testid="action-file-upload">
            {act.busy ? t('saving') : t('actionFileUpload')}
          </button>
        </form>
      ) : null}
      <ErrorNotice error={act.error} testId="action-file-error" />
    </Section>
  );
}

/**
 * Close with a note; the server demands at least one file or link, and the form says so
 * first. "Selesaikan" stays disabled until a note is written; a link that is not http(s)
 * is refused under the field before sending.
 */
function CloseForm(props: { a: Action; onClosed(a: Action | undefined, message: string): void }) {
  const { a } = props;
  const t = useT();
  const [note, setNote] = useState('');
  const [links, setLinks] = useState('');
  const [tried, setTried] = useState(false);
  const linkList = evidenceLines(links);
  const noEvidence = a.files.length === 0 && linkList.length === 0;
  const noNote = note.trim() === '';
  const wrongLink = badLink(linkList);
  const form = useForm({
    note: noNote ? t('actionCloseNeedsNote') : undefined,
    links: wrongLink !== undefined ? t('actionLinkBad', { link: wrongLink }) : undefined,
  });
  const act = form.action;
  const send = form.submit(
    () =>
      api('POST /api/actions/:id/close', {
        params: { id: a.id },
        json: { expectedVersion: a.version, note: note.trim(), links: linkList },
      }),
    (n) => props.onClosed(n, t('actionClosedOk')),
  );
  return (
    <Section title={t('actionClose')} testId="action-close-form">
      <p class="small muted">{t('actionCloseHint')}</p>
      <form
        noValidate
        onSubmit={(e) => {
          setTried(true);
          if (noEvidence) {
            e.preventDefault();
            return;
          }
          send(e);
        }}
      >
        <FormField
          id="action-close-note"
          label={t('actionCloseNote')}
          error={form.err('note')}
          class="c-field"
        >
          {(c) => (
            <textarea
              rows={3}
              maxLength={ACTION_LIMITS.note}
              value={note}
              onInput={(e) => setNote(e.currentTarget.value)}
              data-testid="action-close-note"
              {...c}
            />
          )}
        </FormField>
        <FormField
          id="action-close-links"
          label={t('actionCloseLinks')}
          error={form.err('links') ?? serverIssue(act.error, 'links')}
          class="c-field"
        >
          {(c) => (
            <textarea
              rows={2}
              value={links}
              onInput={(e) => setLinks(e.currentTarget.value)}
              data-testid="action-close-links"
              {...c}
            />
          )}
        </FormField>
        {noEvidence ? (
          <p
            class={tried ? 'notice bad' : 'notice warn'}
            role="status"
            data-testid="action-close-needs"
          >
            {t('actionCloseNeedsEvidence')}
          </p>
        ) : null}
        <ErrorNotice
          error={notFieldIssues(act.error, ['note', 'links'])}
          testId="action-close-error"
        />
        <button
          type="submit"
          class="primary"
          disabled={act.busy || noNote}
          data-testid="action-close"
        >
          {t('actionClose')}
        </button>
      </form>
    </Section>
  );
}

function Comments(props: {
  a: Action;
  canWrite: boolean;
  onAdded(a: Action | undefined, message: string): void;
}) {
  const { a } = props;
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = useZone();
  const act = useAction();
  const [text, setText] = useState('');
  return (
    <Section title={t('actionComments')} testId="action-comments">
      {a.comments.length ? (
        <ul class="a-comments">
          {a.comments.map((c) => (
            <li key={c.id} data-testid="action-comment">
              <span class="small muted">
                {c.byName ?? '–'} · {formatZoneTime(c.at, locale, zone)}
              </span>
              <p class="r-pre">{c.text}</p>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{t('actionCommentsNone')}</p>
      )}
      {props.canWrite ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!text.trim()) return;
            void act
              .run(() =>
                api('POST /api/actions/:id/comments', {
                  params: { id: a.id },
                  json: { text: text.trim() },
                }),
              )
              .then((n) => {
                if (n) setText('');
                props.onAdded(n, t('actionCommentAdded'));
              });
          }}
        >
          <label for="action-comment">{t('actionCommentAdd')}</label>
          <textarea
            id="action-comment"
            rows={2}
            maxLength={ACTION_LIMITS.comment}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            data-testid="action-comment-input"
          />
          <ErrorNotice error={act.error} />
          <button
            type="submit"
            disabled={!text.trim() || act.busy}
            data-testid="action-comment-send"
          >
            {t('actionCommentSend')}
          </button>
        </form>
      ) : null}
    </Section>
  );
}

/** A coordinator's edit of what was agreed, with the version read (409: reload). */
function EditForm(props: {
  a: Action;
  fw: Framework | undefined;
  onSaved(a: Action | undefined, message: string): void;
  /** Read the action again (after a 409: what the other person saved). */
  onReload(): Promise<void>;
}) {
  const { a, fw } = props;
  const t = useT();
  const units = useLoad(() => api('GET /api/units'), []);
  const today = useToday();
  const [title, setTitle] = useState(a.title);
  const [ownerUnitId, setOwnerUnitId] = useState(a.ownerUnitId);
  const [person, setPerson] = useState(a.ownerPerson);
  const [target, setTarget] = useState(String(a.targetLevel));
  const [due, setDue] = useState(a.dueDate);
  const [evidence, setEvidence] = useState(a.evidence.join('\n'));
  useEffect(() => {
    setTitle(a.title);
    setOwnerUnitId(a.ownerUnitId);
    setPerson(a.ownerPerson);
    setTarget(String(a.targetLevel));
    setDue(a.dueDate);
    setEvidence(a.evidence.join('\n'));
  }, [a.version, a.id]);
  // A kept due date may be past (the action is late); a changed one must not be.
  const dueProblem = dueDateProblem(due, due === a.dueDate ? '' : today);
  const form = useForm({
    title: title.trim() ? undefined : t('actionTitleRequired'),
    dueDate: dueProblem ? t(dueProblem) : undefined,
  });
  const act = form.action;
  const domain = fw ? valueDomainOf(fw, a.indicatorNo) : 'level';
  const choices = useMemo(() => {
    const c = targetChoices(a.fromLevel).filter((l) => isValueIn(domain, l));
    return c.includes(a.targetLevel) ? c : [a.targetLevel, ...c];
  }, [a.fromLevel, a.targetLevel, domain]);
  return (
    <details class="card r-settings" data-testid="action-edit">
      <summary>
        <strong>{t('actionEdit')}</strong>
      </summary>
      <form
        noValidate
        onSubmit={form.submit(
          () =>
            api('PATCH /api/actions/:id', {
              params: { id: a.id },
              json: {
                expectedVersion: a.version,
                title: title.trim(),
                ownerUnitId,
                ownerPerson: person.trim(),
                targetLevel: Number(target),
                dueDate: due,
                evidence: evidenceLines(evidence),
              },
            }),
          (n) => props.onSaved(n, t('actionSaved')),
        )}
      >
        <TextField
          id="ae-title"
          label={t('actionColTitle')}
          error={form.err('title')}
          value={title}
          maxLength={ACTION_LIMITS.title}
          onValue={setTitle}
        />
        <SelectField
          id="ae-owner"
          label={t('actionOwnerUnit')}
          value={ownerUnitId}
          onValue={setOwnerUnitId}
        >
          {units.data ? (
            <UnitOptions units={units.data.units} />
          ) : (
            <option value={a.ownerUnitId}>{a.ownerUnitName}</option>
          )}
        </SelectField>
        <TextField
          id="ae-person"
          label={t('actionPerson')}
          value={person}
          maxLength={ACTION_LIMITS.person}
          onValue={setPerson}
        />
        <SelectField
          id="ae-target"
          label={t('actionTarget')}
          value={target}
          onValue={setTarget}
          testId="ae-target"
        >
          {choices.map((l) => (
            <option key={l} value={String(l)}>
              {l}
            </option>
          ))}
        </SelectField>
        <DueField
          id="ae-due"
          value={due}
          onValue={setDue}
          min={due === a.dueDate && due < today ? undefined : today}
          error={form.err('dueDate')}
        />
        <EvidenceField id="ae-evidence" value={evidence} onValue={setEvidence} />
        {act.error?.status === 409 ? (
          <p class="notice warn" role="alert" data-testid="action-edit-conflict">
            {t('actionChangedElsewhere')}{' '}
            <button
              type="button"
              data-testid="action-reload"
              onClick={() => {
                act.setError(null);
                void props.onReload();
              }}
            >
              {t('actionReload')}
            </button>
          </p>
        ) : (
          <ErrorNotice
            error={notFieldIssues(act.error, ['title', 'dueDate'])}
            testId="action-edit-error"
          />
        )}
        <button type="submit" class="primary" disabled={act.busy} data-testid="action-edit-save">
          {t('save')}
        </button>
      </form>
    </details>
  );
}

// --- per-OPD printable list ---------------------------------------------------------------

/**
 * The printable list of one owner unit (OPD): the letterhead, the unit's name, and its
 * actions with status, due date and the evidence promised. Of the period in `?periode=`
 * when given, else every period.
 */
export function OwnerActionList(props: PageProps) {
  // An owner prints its own unit's list only (which holds the units below it: the server
  // widens `ownerUnitId` to them); another OPD's address is refused like other pages.
  if (props.account.role === 'owner' && props.params.unitId !== props.account.unitId)
    return <OwnerListRefused />;
  return <OwnerListSheet {...props} />;
}

/** An owner asking for another OPD's list: said like the other refused pages. */
function OwnerListRefused() {
  const t = useT();
  useDocumentTitle(t('noAccessTitle'));
  return (
    <section class="c-no-access" data-testid="no-access">
      <h1>{t('noAccessTitle')}</h1>
      <p class="notice bad" role="alert">
        {t('noAccessOwner')}
      </p>
      <p class="row">
        <a class="button" href={ACTIONS_PATH} onClick={linkClick}>
          {t('navActions')}
        </a>
      </p>
    </section>
  );
}

function OwnerListSheet({ params, account }: PageProps) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = useZone();
  const unitId = params.unitId ?? '';
  const periodId = queryParam('periode') ?? '';
  const list = useLoad<ActionList>(
    () =>
      api('GET /api/actions', {
        query: { ownerUnitId: unitId, ...(periodId ? { periodId } : {}) },
      }),
    [unitId, periodId],
  );
  // The unit's name even when it has no action yet: an owner reads it from its own account
  // list (GET /api/units is not an owner's), others from the unit.
  const owner = account.role === 'owner';
  const unit = useLoad(
    () =>
      owner
        ? api('GET /api/owners').then((r) => r.owners.find((o) => o.unitId === unitId)?.unitName)
        : api('GET /api/units/:id', { params: { id: unitId } }).then((u) => u.name),
    [unitId, owner],
  );
  const actions = list.data?.actions ?? [];
  const unitName = unit.data ?? actions.find((a) => a.ownerUnitId === unitId)?.ownerUnitName ?? '';
  useDocumentTitle(`${t('actionOwnerListTitle')} ${unitName}`);
  return (
    <div class="r-report a-print" data-testid="owner-action-list">
      <p class="no-print">
        <a
          href={`${ACTIONS_PATH}?${new URLSearchParams({ ...(periodId ? { periode: periodId } : {}), pemilik: unitId }).toString()}`}
          onClick={linkClick}
        >
          ← {t('actionsTitle')}
        </a>
      </p>
      <Letterhead />
      <div class="r-doc-head">
        <h1>
          {t('actionOwnerListTitle')} {unitName}
        </h1>
        <PrintButton />
      </div>
      <ErrorNotice error={list.error} />
      {list.data ? (
        <>
          <p class="small muted">
            {t('actionOwnerListAsOf', {
              day: formatIsoDate(list.data.today, locale),
              time: formatZoneTime(Date.now(), locale, zone),
            })}
          </p>
          <ActionCountsLine counts={list.data.counts} t={t} />
          {actions.length ? (
            <ActionTable actions={actions} locale={locale} t={t} print />
          ) : (
            <p class="muted">{t('actionsEmptyOwner')}</p>
          )}
        </>
      ) : (
        <p class="muted">{t('loading')}</p>
      )}
    </div>
  );
}

// --- owner accounts -----------------------------------------------------------------------

/**
 * "Akun penanggung jawab": a coordinator makes an account for a unit (its password shown
 * once), deactivates it or sets a new password; a viewer reads the list.
 */
function OwnerAccounts(props: { canWrite: boolean; units: UnitNode[] }) {
  const t = useT();
  const owners = useLoad(() => api('GET /api/owners'), []);
  const act = useAction();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [unitId, setUnitId] = useState('');
  const [creds, setCreds] = useState<OwnerCredentials | null>(null);
  const ready = email.trim() && name.trim() && unitId;
  const show = (c: OwnerCredentials | undefined) => {
    if (!c) return;
    setCreds(c);
    void owners.reload();
  };
  return (
    <Section title={t('ownerAccounts')} testId="owner-accounts">
      <p class="small muted">{t('ownerAccountsIntro')}</p>
      <ErrorNotice error={owners.error ?? act.error} testId="owner-error" />
      {creds ? <PasswordOnce creds={creds} onDone={() => setCreds(null)} /> : null}
      {owners.data?.owners.length ? (
        <DataTable
          testId="owner-table"
          label={t('ownerAccounts')}
          headings={[
            t('ownerName'),
            t('ownerEmail'),
            t('actionColOwner'),
            t('ownerOpen'),
            t('ownerState'),
            ...(props.canWrite ? [''] : []),
          ]}
        >
          {owners.data.owners.map((o: OwnerAccount) => (
            <tr key={o.id} data-testid="owner-row" data-email={o.email}>
              <td>{o.name}</td>
              <td>{o.email}</td>
              <td>{o.unitName}</td>
              <td>{o.openActionCount}</td>
              <td>{o.active ? t('ownerActive') : t('ownerInactive')}</td>
              {props.canWrite ? (
                <td class="row">
                  <button
                    type="button"
                    disabled={act.busy}
                    data-testid="owner-toggle"
                    onClick={() =>
                      void act
                        .run(() =>
                          api('PATCH /api/owners/:id', {
                            params: { id: o.id },
                            json: { active: !o.active },
                          }),
                        )
                        .then(() => owners.reload())
                    }
                  >
                    {o.active ? t('ownerDeactivate') : t('ownerActivate')}
                  </button>
                  <button
                    type="button"
                    disabled={act.busy || !o.active}
                    data-testid="owner-reset"
                    onClick={() =>
                      void act
                        .run(() => api('POST /api/owners/:id/password', { params: { id: o.id } }))
                        .then(show)
                    }
                  >
                    {t('ownerResetPassword')}
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </DataTable>
      ) : owners.data ? (
        <p class="muted">{t('ownerNone')}</p>
      ) : null}
      {props.canWrite ? (
        <form
          class="c-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!ready) return;
            void act
              .run(() =>
                api('POST /api/owners', {
                  json: { email: email.trim(), name: name.trim(), unitId },
                }),
              )
              .then((c) => {
                if (!c) return;
                setEmail('');
                setName('');
                show(c);
              });
          }}
        >
          <h3>{t('ownerCreate')}</h3>
          <SelectField
            id="ow-unit"
            label={t('actionOwnerUnit')}
            value={unitId}
            onValue={setUnitId}
            testId="ow-unit"
          >
            <option value="">{t('ownerChooseUnit')}</option>
            <UnitOptions units={props.units} />
          </SelectField>
          <TextField
            id="ow-name"
            label={t('ownerName')}
            value={name}
            onValue={setName}
            maxLength={200}
          />
          <TextField
            id="ow-email"
            type="email"
            label={t('ownerEmail')}
            value={email}
            onValue={setEmail}
            maxLength={254}
          />
          <button
            type="submit"
            class="primary"
            disabled={!ready || act.busy}
            data-testid="ow-create"
          >
            {t('ownerCreate')}
          </button>
        </form>
      ) : null}
    </Section>
  );
}

/** A new password, shown once, with a copy button and the warning that it is not kept. */
function PasswordOnce(props: { creds: OwnerCredentials; onDone(): void }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  return (
    <div class="notice warn" role="status" data-testid="owner-password-once">
      <p>
        {t('ownerPasswordFor', { email: props.creds.account.email })}{' '}
        <code class="c-secret" data-testid="owner-password">
          {props.creds.password}
        </code>{' '}
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(props.creds.password).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {copied ? t('ownerCopied') : t('ownerCopy')}
        </button>
      </p>
      <p class="small">{t('ownerPasswordWarning')}</p>
      <button type="button" onClick={props.onDone}>
        {t('ownerPasswordDone')}
      </button>
    </div>
  );
}

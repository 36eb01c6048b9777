import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { ActionsCell, DataTable } from '../components/DataTable';
import { SelectField, TextField } from '../components/FormField';
import { PeriodOptions } from '../components/PeriodSelect';
import { useT } from '../i18n';
import { useListTime } from '../organisation';
import type { Assignment } from '../types';
import {
  DeleteButton,
  ErrorNotice,
  type PageProps,
  SuccessNotice,
  useAction,
  useDocumentTitle,
  useLoad,
} from '../ui';
import { filterTree, UnitTreeTable } from '../unit-tree';

/** Assign units of a period to a verifier (tree with checkboxes); list and remove assignments. */
export function Assignments({ canWrite }: PageProps) {
  const listTime = useListTime();
  const t = useT();
  useDocumentTitle(t('assignmentsTitle'));
  const base = useLoad(async () => {
    const [p, v, u] = await Promise.all([
      api('GET /api/periods'),
      api('GET /api/verifiers'),
      api('GET /api/units'),
    ]);
    return { periods: p.periods, verifiers: v.verifiers, units: u.units };
  }, []);
  const periods = base.data?.periods ?? [];
  const verifiers = base.data?.verifiers ?? [];
  const units = base.data?.units ?? [];

  const [periodId, setPeriodId] = useState('');
  const [verifierId, setVerifierId] = useState('');
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [ok, setOk] = useState<string | null>(null);
  const action = useAction();
  // Assignments ticked in the list, and the verifier they move to.
  const [moving, setMoving] = useState<Set<string>>(new Set());
  const [moveTo, setMoveTo] = useState('');
  const move = useAction();

  // Start on the first active period (else the newest one).
  useEffect(() => {
    if (periodId || periods.length === 0) return;
    const first = periods.find((p) => p.status === 'active') ?? periods[0];
    if (first) setPeriodId(first.id);
  }, [periods, periodId]);

  const assignments = useLoad(
    () =>
      periodId
        ? api('GET /api/assignments', { query: { periodId } })
        : Promise.resolve({ assignments: [] as Assignment[] }),
    [periodId],
  );
  const all = assignments.data?.assignments ?? [];
  const period = periods.find((p) => p.id === periodId);
  const closed = period?.status === 'closed';

  const unitById = useMemo(() => new Map(units.map((u) => [u.id, u])), [units]);
  const treeOrder = useMemo(() => new Map(units.map((u, i) => [u.id, i])), [units]);
  const verifierById = useMemo(() => new Map(verifiers.map((v) => [v.id, v])), [verifiers]);
  const mine = useMemo(
    () => new Set(all.filter((a) => a.verifierId === verifierId).map((a) => a.unitId)),
    [all, verifierId],
  );
  const others = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const a of all) {
      if (a.verifierId === verifierId) continue;
      const name = verifierById.get(a.verifierId)?.name ?? a.verifierId;
      m.set(a.unitId, [...(m.get(a.unitId) ?? []), name]);
    }
    return m;
  }, [all, verifierId, verifierById]);
  const shown = filterTree(units, query);
  const listed = all
    .filter((a) => !verifierId || a.verifierId === verifierId)
    .sort((a, b) => {
      const ua = treeOrder.get(a.unitId) ?? -1;
      const ub = treeOrder.get(b.unitId) ?? -1;
      return ua - ub || a.createdAt - b.createdAt;
    });
  const picked = [...selected].filter((id) => !mine.has(id));

  /** Another period or verifier: a fresh selection and no stale "done". */
  const choose = (set: (id: string) => void) => (id: string) => {
    set(id);
    setSelected(new Set());
    setMoving(new Set());
    setOk(null);
  };
  const moveIds = listed.filter((a) => moving.has(a.id)).map((a) => a.id);
  const reassign = async (e: Event) => {
    e.preventDefault();
    setOk(null);
    const problem =
      moveIds.length === 0 ? t('moveNone') : !moveTo ? t('moveVerifierRequired') : null;
    if (problem) {
      move.setError(new ApiError(0, 'client', problem));
      return;
    }
    const r = await move.run(() =>
      api('POST /api/assignments/reassign', {
        json: { assignmentIds: moveIds, verifierId: moveTo },
      }),
    );
    if (r) {
      setMoving(new Set());
      await assignments.reload();
      setOk(
        t('moved', { n: r.moved, name: verifierById.get(moveTo)?.name ?? moveTo }) +
          (r.unchanged ? ` ${t('movedUnchanged', { n: r.unchanged })}` : ''),
      );
    }
  };
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const assign = async (e: Event) => {
    e.preventDefault();
    setOk(null);
    const problem = !periodId
      ? t('periodRequired')
      : !verifierId
        ? t('verifierRequired')
        : picked.length === 0
          ? t('unitsRequired')
          : null;
    if (problem) {
      action.setError(new ApiError(0, 'client', problem));
      return;
    }
    const r = await action.run(() =>
      api('POST /api/assignments', { json: { periodId, verifierId, unitIds: picked } }),
    );
    if (r) {
      setSelected(new Set());
      await assignments.reload();
      setOk(r.created > 0 ? t('assigned', { n: r.created }) : t('assignedNone'));
    }
  };

  const unitLabel = (id: string) => {
    const u = unitById.get(id);
    return u ? `${u.name} (${u.code})` : id;
  };

  return (
    <>
      <h1>{t('assignmentsTitle')}</h1>
      <ErrorNotice error={base.error} />
      {canWrite ? <p class="muted">{t('assignIntro')}</p> : null}
      <div class="card c-form-grid c-wide">
        <SelectField
          id="as-period"
          label={t('period')}
          value={periodId}
          onValue={choose(setPeriodId)}
        >
          <PeriodOptions periods={periods} />
        </SelectField>
        <SelectField
          id="as-verifier"
          label={t('verifier')}
          value={verifierId}
          onValue={choose(setVerifierId)}
        >
          <option value="">{canWrite ? t('chooseVerifier') : t('allVerifiers')}</option>
          {verifiers.map((v) => (
            <option key={v.id} value={v.id} disabled={canWrite && !v.active}>
              {v.name} — {v.email}
              {v.active ? '' : ` (${t('inactive')})`}
            </option>
          ))}
        </SelectField>
      </div>
      {closed ? <p class="notice warn">{t('periodClosedNote')}</p> : null}
      {period?.status === 'draft' ? <p class="notice">{t('draftNote')}</p> : null}
      <SuccessNotice text={ok} />
      {canWrite && !closed && periodId && verifierId ? (
        <form class="card" onSubmit={(e) => void assign(e)} data-testid="assign-form">
          <TextField id="as-filter" label={t('filterUnits')} value={query} onValue={setQuery} />
          <div class="row c-actions">
            <button
              type="button"
              onClick={() =>
                setSelected(
                  (s) => new Set([...s, ...shown.filter((u) => !mine.has(u.id)).map((u) => u.id)]),
                )
              }
            >
              {t('selectVisible')}
            </button>
            <button type="button" onClick={() => setSelected(new Set())}>
              {t('clearSelection')}
            </button>
          </div>
          <UnitTreeTable
            units={shown}
            testId="assign-tree"
            selection={{ selected, disabled: mine, toggle }}
            extraHeader={t('assignmentsCount')}
            extra={(u) => (
              <span class="badges c-left">
                {mine.has(u.id) ? <span class="pill online">{t('alreadyAssigned')}</span> : null}
                {others.has(u.id) ? (
                  <span class="pill sync small">
                    {t('alsoAssigned', { names: (others.get(u.id) ?? []).join(', ') })}
                  </span>
                ) : null}
              </span>
            )}
          />
          <ErrorNotice error={action.error} />
          <div class="row c-actions">
            <button
              type="submit"
              class="primary"
              disabled={action.busy || picked.length === 0}
              data-testid="assign-submit"
            >
              {action.busy ? t('saving') : t('assignSubmit', { n: picked.length })}
            </button>
          </div>
        </form>
      ) : (
        <ErrorNotice error={action.error} />
      )}
      <section class="card">
        <h2>{t('assignmentList', { n: listed.length })}</h2>
        <ErrorNotice error={assignments.error} />
        {assignments.data && listed.length === 0 ? <p class="muted">{t('noAssignments')}</p> : null}
        {listed.length && canWrite && !closed ? (
          <form class="c-bulk" onSubmit={(e) => void reassign(e)} data-testid="move-form">
            <p class="small c-bulk-intro">{t('moveIntro')}</p>
            <div class="row">
              <button
                type="button"
                onClick={() => setMoving(new Set(listed.map((a) => a.id)))}
                data-testid="move-select-all"
              >
                {t('selectAllListed')}
              </button>
              <button type="button" onClick={() => setMoving(new Set())}>
                {t('clearSelection')}
              </button>
            </div>
            <SelectField id="move-to" label={t('moveTo')} value={moveTo} onValue={setMoveTo}>
              <option value="">{t('chooseVerifier')}</option>
              {verifiers
                .filter((v) => v.active)
                .map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name} — {v.email}
                  </option>
                ))}
            </SelectField>
            <button
              type="submit"
              class="primary"
              disabled={move.busy || moveIds.length === 0}
              data-testid="move-submit"
            >
              {move.busy ? t('saving') : t('moveSubmit', { n: moveIds.length })}
            </button>
          </form>
        ) : null}
        <ErrorNotice error={move.error} testId="move-error" />
        {listed.length ? (
          <DataTable
            headings={[
              canWrite && !closed ? <span class="sr-only">{t('moveSelect')}</span> : null,
              t('unit'),
              t('verifier'),
              t('createdAt'),
            ]}
            actions={canWrite && !closed}
            testId="assignment-list"
            label={t('assignmentsTitle')}
          >
            {listed.map((a) => {
              const vName = verifierById.get(a.verifierId)?.name ?? a.verifierId;
              const pickId = `move-pick-${a.id}`;
              return (
                <tr
                  key={a.id}
                  data-testid="assignment-row"
                  data-unit={unitById.get(a.unitId)?.code}
                >
                  {canWrite && !closed ? (
                    <td class="c-check-col">
                      <input
                        id={pickId}
                        type="checkbox"
                        checked={moving.has(a.id)}
                        aria-label={t('movePick', { unit: unitLabel(a.unitId), verifier: vName })}
                        data-testid="move-pick"
                        onChange={(e) => {
                          const on = e.currentTarget.checked;
                          setMoving((m) => {
                            const next = new Set(m);
                            if (on) next.add(a.id);
                            else next.delete(a.id);
                            return next;
                          });
                        }}
                      />
                    </td>
                  ) : null}
                  <td>{unitLabel(a.unitId)}</td>
                  <td>{vName}</td>
                  <td>{listTime(a.createdAt)}</td>
                  <ActionsCell show={canWrite && !closed}>
                    <DeleteButton
                      action={action}
                      label={t('remove')}
                      question={t('confirmRemove', { unit: unitLabel(a.unitId), verifier: vName })}
                      testId="assignment-remove"
                      remove={() => api('DELETE /api/assignments/:id', { params: { id: a.id } })}
                      then={async () => {
                        await assignments.reload();
                        setOk(t('removed'));
                      }}
                    />
                  </ActionsCell>
                </tr>
              );
            })}
          </DataTable>
        ) : null}
      </section>
    </>
  );
}

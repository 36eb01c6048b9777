import { useState } from 'preact/hooks';
import { formatValue, isoDayInZone } from '../../core';
import { useLocale } from '../../ui/i18n';
import { linkClick } from '../../ui/router';
import { defaultDueDate, dueDateProblem, hasAction, planActionRows, rowErrors } from '../actions';
import { ApiError, api } from '../api';
import { useT } from '../i18n';
import { useZone } from '../organisation';
import { ACTIONS_PATH } from '../paths';
import type { PlanView } from '../types';
import { ZONE_IANA } from '../types';
import { ErrorNotice, useLoad } from '../ui';
import { DataTable } from './DataTable';
import { FormField, useForm } from './FormField';
import { Section } from './Section';

/**
 * "Jadikan tindak lanjut" under the improvement plan (coordinators): one action per
 * indicator of the plan, aimed at the highest level the plan raises it to, on the Pemda
 * unit the plan is about. Per row the owner unit (default the Pemda unit) and person; one
 * due date for all (default six months from today, see `defaultDueDate`); the evidence is
 * what the plan lists for that level. Indicators that already have an action on the Pemda
 * unit for that target (open or done, see `hasAction`) are marked and left unticked. Sent in one request
 * (POST /api/actions/bulk: all or nothing); rows the server refuses are marked.
 */
export function PlanActions({ p }: { p: PlanView }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = useZone();
  const units = useLoad(() => api('GET /api/units'), []);
  const pemda = units.data?.units.find((u) => u.kind === 'pemda');
  const existing = useLoad(
    () =>
      pemda
        ? api('GET /api/actions', { query: { periodId: p.period.id, unitId: pemda.id } })
        : Promise.resolve(undefined),
    [p.period.id, pemda?.id],
  );
  const rows = planActionRows(p.items);
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState<Record<number, boolean>>({});
  const [owners, setOwners] = useState<Record<number, string>>({});
  const [persons, setPersons] = useState<Record<number, string>>({});
  const today = isoDayInZone(Date.now(), ZONE_IANA[zone]);
  const [due, setDue] = useState(() => defaultDueDate(today));
  const [made, setMade] = useState<number | null>(null);
  // The due date is checked here: a past one would make every new action late at once.
  const dueProblem = dueDateProblem(due, today);
  const form = useForm({ dueDate: dueProblem ? t(dueProblem) : undefined });
  const act = form.action;
  const has = (no: number, target: number) =>
    !!pemda && hasAction(existing.data?.actions ?? [], pemda.id, no, target);
  // Ticked unless the coordinator changed it: by default, every indicator without an action.
  const isPicked = (no: number, target: number) => picked[no] ?? !has(no, target);
  if (rows.length === 0) return null;
  const chosen = rows.filter((r) => isPicked(r.indicatorNo, r.target));
  const bad = rowErrors(act.error?.details);
  return (
    <Section title={t('planToActions')} testId="plan-actions">
      {made !== null ? (
        <p class="notice c-ok" role="status" data-testid="plan-actions-done">
          {t('planActionsMade', { n: made })}{' '}
          <a
            href={`${ACTIONS_PATH}?periode=${encodeURIComponent(p.period.id)}`}
            onClick={linkClick}
          >
            {t('actionsOpen')}
          </a>
        </p>
      ) : null}
      {!open ? (
        <button
          type="button"
          class="primary"
          onClick={() => setOpen(true)}
          data-testid="plan-actions-open"
        >
          {t('planToActions')}
        </button>
      ) : units.error || existing.error ? (
        <ErrorNotice error={units.error ?? existing.error} testId="plan-actions-error" />
      ) : !pemda || !units.data || !existing.data ? (
        <p class="muted">{t('loading')}</p>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            if (chosen.length === 0) {
              e.preventDefault();
              return;
            }
            form.submit(
              () =>
                api('POST /api/actions/bulk', {
                  json: {
                    actions: chosen.map((r) => ({
                      periodId: p.period.id,
                      unitId: pemda.id,
                      indicatorNo: r.indicatorNo,
                      targetLevel: r.target,
                      ownerUnitId: owners[r.indicatorNo] || pemda.id,
                      ownerPerson: (persons[r.indicatorNo] ?? '').trim(),
                      dueDate: due,
                      evidence: r.evidence,
                      origin: 'plan' as const,
                    })),
                  },
                }),
              async () => {
                setMade(chosen.length);
                setPicked({});
                setOpen(false);
                await existing.reload();
              },
            )(e);
          }}
        >
          <p class="small muted">{t('planActionsIntro', { unit: pemda.name })}</p>
          <FormField id="pa-due" label={t('actionDue')} error={form.err('dueDate')} class="c-field">
            {(c) => (
              <input
                type="date"
                value={due}
                min={today}
                max="2100-12-31"
                onInput={(e) => setDue(e.currentTarget.value)}
                data-testid="pa-due"
                {...c}
              />
            )}
          </FormField>
          <p class="small muted">{t('planActionsDueNote')}</p>
          <DataTable
            testId="plan-actions-rows"
            label={t('planToActions')}
            headings={[
              t('planActionsTake'),
              t('indicator'),
              t('actionColLevels'),
              t('actionOwnerUnit'),
              t('actionPerson'),
              t('actionColEvidence'),
            ]}
          >
            {rows.map((r, k) => {
              const exists = has(r.indicatorNo, r.target);
              const chosenIndex = chosen.indexOf(r);
              const err = chosenIndex >= 0 ? bad.get(chosenIndex) : undefined;
              return (
                <tr
                  key={r.indicatorNo}
                  data-testid="plan-action-row"
                  data-no={r.indicatorNo}
                  class={err ? 'a-row-bad' : undefined}
                >
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${t('planActionsTake')} ${r.indicatorNo}`}
                      checked={isPicked(r.indicatorNo, r.target)}
                      onChange={(e) => {
                        const on = e.currentTarget.checked;
                        setPicked((x) => ({ ...x, [r.indicatorNo]: on }));
                      }}
                      data-testid={`pa-take-${r.indicatorNo}`}
                    />
                  </td>
                  <td>
                    <strong>{r.indicatorNo}.</strong> {r.name}
                    {exists ? (
                      <span class="small a-exists" data-testid="pa-exists">
                        {' '}
                        · {t('planActionsExists')}
                      </span>
                    ) : null}
                    {err ? (
                      <p class="r-error small" role="alert" data-testid="pa-row-error">
                        {err}
                      </p>
                    ) : null}
                  </td>
                  <td>
                    {formatValue(r.from, locale)} → <strong>{r.target}</strong>
                  </td>
                  <td>
                    <select
                      aria-label={`${t('actionOwnerUnit')} ${r.indicatorNo}`}
                      value={owners[r.indicatorNo] ?? pemda.id}
                      onChange={(e) => {
                        const v = e.currentTarget.value;
                        setOwners((x) => ({ ...x, [r.indicatorNo]: v }));
                      }}
                      data-testid={`pa-owner-${r.indicatorNo}`}
                    >
                      {units.data?.units.map((u) => (
                        <option key={u.id} value={u.id}>
                          {'\u00a0\u00a0'.repeat(u.depth)}
                          {u.name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      aria-label={`${t('actionPerson')} ${r.indicatorNo}`}
                      maxLength={200}
                      value={persons[r.indicatorNo] ?? ''}
                      onInput={(e) => {
                        const v = e.currentTarget.value;
                        setPersons((x) => ({ ...x, [r.indicatorNo]: v }));
                      }}
                      data-testid={`pa-person-${k}`}
                    />
                  </td>
                  <td class="small">{t('planActionsEvidenceCount', { n: r.evidence.length })}</td>
                </tr>
              );
            })}
          </DataTable>
          {/* Refused rows are marked on their row; the notice keeps the message only. */}
          <ErrorNotice
            error={
              act.error && bad.size > 0
                ? new ApiError(act.error.status, act.error.code, act.error.message)
                : act.error
            }
            testId="plan-actions-error"
          />
          <div class="row c-actions">
            <button
              type="submit"
              class="primary"
              disabled={chosen.length === 0 || act.busy}
              data-testid="plan-actions-send"
            >
              {t('planActionsSend', { n: chosen.length })}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
    </Section>
  );
}

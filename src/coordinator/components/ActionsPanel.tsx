import { ACTION_DISPLAY_STATUSES } from '../../core/actions';
import type { Framework } from '../../core/framework';
import { useLocale } from '../../ui/i18n';
import { linkClick } from '../../ui/router';
import { api } from '../api';
import type { Translator } from '../i18n';
import { ACTIONS_PATH } from '../paths';
import { ErrorNotice, useLoad } from '../ui';
import { ActionCountsLine } from './ActionStatus';
import { DataTable } from './DataTable';
import { IndexBox, showIndex } from './IndexBox';
import { Section } from './Section';

/**
 * The dashboard's tindak lanjut panel: the actions of the period by status (with a bar), and
 * the index the city would reach if every action succeeds — the server's `computeIndex` of
 * core `promisedLevels`, shown rounded half up with its predicate like every other index —
 * beside the index now. A short hint when the period has no actions.
 */
export function ActionsPanel(props: {
  periodId: string;
  fw: Framework | undefined;
  t: Translator;
}) {
  const { t, fw, periodId } = props;
  const locale = useLocale((s) => s.locale);
  const view = useLoad(
    () => api('GET /api/dashboard/:periodId/actions', { params: { periodId } }),
    [periodId],
  );
  const d = view.data;
  const link = `${ACTIONS_PATH}?periode=${encodeURIComponent(periodId)}`;
  return (
    <Section title={t('actionsPanel')} testId="actions-panel">
      <ErrorNotice error={view.error} />
      {!d ? null : d.counts.total === 0 ? (
        <p class="muted" data-testid="actions-panel-empty">
          {t('actionsPanelEmpty')}{' '}
          <a href={link} onClick={linkClick}>
            {t('actionsTitle')}
          </a>
        </p>
      ) : (
        <>
          <ActionCountsLine counts={d.counts} t={t} />
          <div class="r-kpis">
            <IndexBox
              label={t('actionsIndexNow')}
              shown={showIndex(fw, d.current.index, locale, d.current.predicate)}
              testId="actions-index-now"
            />
            <IndexBox
              main
              label={t('actionsIndexPromised')}
              shown={showIndex(fw, d.promised.index, locale, d.promised.predicate)}
              testId="actions-index-promised"
              predicateTestId="actions-promised-predicate"
            />
          </div>
          <p class="small muted">{t('actionsPromisedNote')}</p>
          {d.owners.length > 0 ? (
            <DataTable
              testId="actions-owners"
              label={t('actionsPerOwner')}
              headings={[
                t('actionColOwner'),
                ...ACTION_DISPLAY_STATUSES.map((st) => t(`actionStatus_${st}`)),
              ]}
            >
              {d.owners.map((o) => (
                <tr key={o.unitId} data-testid="actions-owner-row">
                  <td>
                    <a
                      href={`${ACTIONS_PATH}?periode=${encodeURIComponent(periodId)}&pemilik=${encodeURIComponent(o.unitId)}`}
                      onClick={linkClick}
                    >
                      {o.unitName}
                    </a>
                  </td>
                  {ACTION_DISPLAY_STATUSES.map((st) => (
                    <td
                      key={st}
                      class={st === 'terlambat' && o.counts[st] > 0 ? 'a-late' : undefined}
                    >
                      {o.counts[st]}
                    </td>
                  ))}
                </tr>
              ))}
            </DataTable>
          ) : null}
          <p>
            <a class="button" href={link} onClick={linkClick} data-testid="actions-panel-link">
              {t('actionsOpen')}
            </a>
          </p>
        </>
      )}
    </Section>
  );
}

import { useState } from 'preact/hooks';
import { isoDayInZone, valueDomainOf } from '../../core';
import { ACTION_LIMITS } from '../../core/actions';
import type { Framework } from '../../core/framework';
import { linkClick } from '../../ui/router';
import { defaultDueDate, firstLine, nextLevelAbove } from '../actions';
import { api } from '../api';
import type { Translator } from '../i18n';
import { useZone } from '../organisation';
import { actionPath } from '../paths';
import type { Action, AssessmentDetail, IndicatorReview } from '../types';
import { ZONE_IANA } from '../types';
import { ErrorNotice, useAction } from '../ui';

/**
 * One tap from a verifier's rekomendasi (or catatan) to a tindak lanjut: on the unit of the
 * verification, owned by that unit, aimed at the next whole level above the verified level
 * (else the self level), titled with the rekomendasi's first line, due six months from
 * today (`defaultDueDate`),
 * linked to the verification (`origin: 'rekomendasi'`, `originRef: <assessmentId>:<no>`).
 * Once one exists for the verification it says so and links to it. Nothing when the
 * indicator has neither text, or is already at the top level.
 */
export function RekomendasiAction(props: {
  i: IndicatorReview;
  d: AssessmentDetail;
  fw: Framework | undefined;
  t: Translator;
  /** The actions of this unit in this period (undefined while loading). */
  actions: Action[] | undefined;
  onMade(a: Action): void;
}) {
  const { i, d, fw, t } = props;
  const zone = useZone();
  const act = useAction();
  const [made, setMade] = useState<Action | null>(null);
  const text = (i.outputs?.rekomendasi ?? '').trim() || i.notes.trim();
  if (!text || !props.actions) return null;
  const ref = `${d.assessment.id}:${i.no}`;
  const existing = made ?? props.actions.find((a) => a.originRef === ref);
  if (existing)
    return (
      <p class="small" data-testid={`rekomendasi-action-${i.no}`}>
        {made ? <span class="notice c-ok">{t('rekomendasiActionMade')}</span> : null}{' '}
        <a href={actionPath(existing.id)} onClick={linkClick} data-testid="rekomendasi-action-link">
          {t('rekomendasiActionExists')}
        </a>
      </p>
    );
  // The level now as the server counts it: verified, else the unit's own (self) level.
  const target = nextLevelAbove(
    i.notApplicable ? 1 : (i.verifiedLevel ?? i.selfLevel),
    fw ? valueDomainOf(fw, i.no) : 'level',
  );
  if (target === null) return null;
  return (
    <div class="row" data-testid={`rekomendasi-action-${i.no}`}>
      <button
        type="button"
        disabled={act.busy}
        data-testid="rekomendasi-action-make"
        onClick={() =>
          void act
            .run(() =>
              api('POST /api/actions', {
                json: {
                  periodId: d.assessment.periodId,
                  unitId: d.assessment.unitId,
                  ownerUnitId: d.assessment.unitId,
                  indicatorNo: i.no,
                  targetLevel: target,
                  title: firstLine(text, ACTION_LIMITS.title),
                  dueDate: defaultDueDate(isoDayInZone(Date.now(), ZONE_IANA[zone])),
                  origin: 'rekomendasi',
                  originRef: ref,
                },
              }),
            )
            .then((a) => {
              if (!a) return;
              setMade(a);
              props.onMade(a);
            })
        }
      >
        {t('rekomendasiActionMake', { level: target })}
      </button>
      <ErrorNotice error={act.error} testId="rekomendasi-action-error" />
    </div>
  );
}

import { type AuditLocale, editWhen, fieldLabel, ZONE_IANA, type ZoneCode } from '../../core';
import type { Conflict, TelusurStore } from '../../store';
import { useLocale } from '../../ui/i18n';
import { linkClick } from '../../ui/router';
import { useT } from '../i18n';
import { clockText } from '../lib/clock';
import { type ShowContext, conflictValueText as show } from '../lib/conflict-text';
import {
  type ConflictSide,
  conflictSides,
  type OpenConflict,
  pairedStageConflicts,
} from '../lib/conflicts';
import { storageMessage } from '../lib/errors';
import { usePrintZone } from '../state/sync-state';
import { useUi } from '../state/ui.store';
import { getStore, useLive, type WorkspaceKind } from '../state/workspace';

/** Names of the evidence files of the given units on this tablet, deleted ones included. */
async function fileNames(
  store: TelusurStore,
  assessmentIds: readonly string[],
): Promise<Map<string, string>> {
  const lists = await Promise.all(
    [...new Set(assessmentIds)].map((a) =>
      store.evidence.listByAssessment(a, { includeDeleted: true }),
    ),
  );
  return new Map(lists.flat().map((f) => [f.id, f.name]));
}

/**
 * When one side was edited, both clocks with the zone's label (the print zone, lib/clock.ts):
 * on its tablet first, the server's receive time second — "30 Nov 09.06 WIB (diterima
 * server 09.08 WIB)", a doubtful tablet clock said in words (core editWhen); not received
 * yet, just `clockText` ("30 Nov 2026, 09.06 WIB").
 */
export function sideWhen(side: ConflictSide, locale: AuditLocale, zone: ZoneCode): string {
  if (side.editedAt === null) return '–';
  if (side.receivedAt === null) return clockText(side.editedAt, locale, zone);
  return editWhen(
    { editedAt: side.editedAt, serverAt: side.receivedAt, doubtful: side.doubtful },
    locale,
    { timeZone: ZONE_IANA[zone], zoneLabel: zone },
  );
}

/** The checklist row's mark of an indicator with an open conflict. */
export function ConflictMark({ conflicts }: { conflicts: readonly Conflict[] | undefined }) {
  const t = useT();
  if (!conflicts?.length) return null;
  return (
    <span class="lv diff" data-testid="conflict-badge" title={t('conflictRowHint')}>
      ⚠ {t('conflictRowBadge')}
    </span>
  );
}

/**
 * Conflicts on one record, shown to the verifier instead of being silently overwritten:
 * both values, who and when (the time of each edit on its tablet, the server's receive
 * time second, which one is newer), and a choice. A conflict this tablet raised offers
 * mine, the other's, or both texts merged; one where this tablet's value was disputed
 * tells the verifier and offers to take the other value (the other tablet or the
 * coordinator decides otherwise).
 */
export function Conflicts(props: { ws: WorkspaceKind; assessmentId: string; recordId: string }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = usePrintZone();
  const { value: all } = useLive(
    props.ws,
    (s) =>
      s.conflicts
        .listByAssessment(props.assessmentId)
        .then((cs) => cs.filter((c) => c.recordId === props.recordId)),
    [props.assessmentId, props.recordId],
  );
  const { value: names } = useLive(props.ws, (s) => fileNames(s, [props.assessmentId]), [
    props.assessmentId,
  ]);
  if (!all || all.length === 0) return null;
  // One tap gave the verified value and the stage value: their conflicts are shown and
  // settled as one (the stage value's who and when are the verified value's).
  const paired = pairedStageConflicts(all);
  const followerIds = new Set([...paired.values()].flat().map((c) => c.id));
  const conflicts = all.filter((c) => !followerIds.has(c.id));
  const ctx: ShowContext = {
    names: names ?? new Map(),
    cleared: t('conflictCleared'),
    fileGone: t('conflictFileGone'),
    zone,
  };
  /** Settle `c` with the side `which`; its paired stage conflicts take the same side. */
  const resolve = async (c: Conflict, value: unknown, which: 'mine' | 'other' | null) => {
    try {
      const store = await getStore(props.ws);
      const followers = paired.get(c.id) ?? [];
      if (followers.length === 0 || which === null) await store.conflicts.resolve(c.id, value);
      else
        await store.conflicts.resolveTogether([
          { id: c.id, value },
          ...followers.map((f) => ({ id: f.id, value: conflictSides(f)[which].value })),
        ]);
    } catch (e) {
      useUi.getState().say('error', storageMessage(e, t));
    }
  };
  return (
    <section class="notice warn" role="alert" data-testid="conflicts">
      <h2 style="margin-top:0">{t('conflictTitle')}</h2>
      {/* The intro asks to choose: not for a tablet that is only told its value is disputed. */}
      {conflicts.some((c) => c.role !== 'disputed') ? (
        <p class="small">{t('conflictIntro')}</p>
      ) : null}
      {conflicts.map((c) => {
        const { mine, other, newer } = conflictSides(c);
        const disputed = c.role === 'disputed';
        const textual = typeof mine.value === 'string' && typeof other.value === 'string';
        const row = (side: ConflictSide, which: 'mine' | 'other') => (
          <tr>
            <th>
              {which === 'mine'
                ? t('conflictMine')
                : disputed
                  ? t('conflictOtherTablet')
                  : t('conflictServer')}
              {newer === which ? (
                <span class="pill online" style="margin-left:0.3rem" data-testid="conflict-newer">
                  {t('conflictNewer')}
                </span>
              ) : null}
            </th>
            <td data-testid={which === 'mine' ? 'conflict-mine' : 'conflict-other'}>
              {show(side.value, locale, ctx)}
            </td>
            <td class="small muted" data-testid={`conflict-${which}-when`}>
              {side.author ? `${side.author} · ` : ''}
              <span class={side.doubtful ? 'error' : undefined}>
                {side.doubtful ? '⚠ ' : ''}
                {sideWhen(side, locale, zone)}
              </span>
            </td>
          </tr>
        );
        return (
          <div class="card" key={c.id} data-testid="conflict" data-role={c.role ?? 'raised'}>
            <strong>{fieldName(c.field, locale, t)}</strong>
            {disputed ? (
              <p class="small" data-testid="conflict-disputed">
                <strong>{t('conflictDisputedTitle')}.</strong> {t('conflictDisputedIntro')}
              </p>
            ) : null}
            <table>
              <tbody>
                {row(mine, 'mine')}
                {row(other, 'other')}
              </tbody>
            </table>
            <div class="row">
              {disputed ? (
                <button
                  type="button"
                  onClick={() => void resolve(c, other.value, 'other')}
                  data-testid="conflict-take-other"
                >
                  {t('conflictTakeOther')}
                </button>
              ) : (
                <>
                  <button
                    type="button"
                    onClick={() => void resolve(c, mine.value, 'mine')}
                    data-testid="conflict-keep-mine"
                  >
                    {t('conflictKeepMine')}
                  </button>
                  <button
                    type="button"
                    onClick={() => void resolve(c, other.value, 'other')}
                    data-testid="conflict-take-server"
                  >
                    {t('conflictTakeServer')}
                  </button>
                  {textual ? (
                    <button
                      type="button"
                      onClick={() =>
                        void resolve(
                          c,
                          `${mine.value as string}\n—\n${other.value as string}`,
                          null,
                        )
                      }
                    >
                      {t('conflictMerge')}
                    </button>
                  ) : null}
                </>
              )}
            </div>
          </div>
        );
      })}
    </section>
  );
}

function fieldKey(field: string) {
  if (field === 'verifiedLevel') return 'setVerifiedLevel' as const;
  if (field === 'sourceValue') return 'sourceShort' as const;
  if (field === 'notes') return 'notes' as const;
  if (field === 'notApplicable') return 'notApplicable' as const;
  if (field === 'naReason') return 'naReason' as const;
  if (field.startsWith('checks.')) return 'expectedEvidence' as const;
  return null;
}

/** The field's name on the screen: the screen's own words, else core's label of the field. */
function fieldName(field: string, locale: AuditLocale, t: ReturnType<typeof useT>): string {
  const key = fieldKey(field);
  if (key) return t(key);
  const [id, en] = fieldLabel(field);
  return id === field ? t('conflictOther') : locale === 'en' ? en : id;
}

/**
 * Every open conflict of this tablet, on the storage page: unit, indicator, field, this
 * tablet's value against the other, with a link to the indicator where it is decided.
 */
export function OpenConflicts({ list }: { list: readonly OpenConflict[] | undefined }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = usePrintZone();
  const ids = (list ?? []).map((o) => o.assessmentId);
  const { value: names } = useLive('kerja', (s) => fileNames(s, ids), [ids.join('|')]);
  if (!list?.length) return null;
  const ctx: ShowContext = {
    names: names ?? new Map(),
    cleared: t('conflictCleared'),
    fileGone: t('conflictFileGone'),
    zone,
  };
  return (
    <section class="card" data-testid="open-conflicts">
      <h2 style="margin-top:0">{t('conflictsTitle')}</h2>
      <p class="small">{t('conflictsIntro')}</p>
      <table>
        <tbody>
          {list.map(({ conflict: c, assessmentId, unitName, indicatorNo }) => {
            const { mine, other } = conflictSides(c);
            const [id, en] = fieldLabel(c.field);
            const href =
              indicatorNo === null
                ? `/kerja/a/${encodeURIComponent(assessmentId)}`
                : `/kerja/a/${encodeURIComponent(assessmentId)}/i/${indicatorNo}`;
            return (
              <tr key={c.id} data-testid="open-conflict" data-role={c.role ?? 'raised'}>
                <th>
                  {unitName}
                  <div class="small muted">
                    {indicatorNo === null
                      ? t('conflictsWhole')
                      : `${t('indicator')} ${indicatorNo}`}{' '}
                    · {locale === 'en' ? en : id}
                  </div>
                </th>
                <td class="small">
                  {t('conflictMine')}:{' '}
                  <strong data-testid="open-conflict-mine">{show(mine.value, locale, ctx)}</strong>
                  <br />
                  {c.role === 'disputed' ? t('conflictOtherTablet') : t('conflictServer')}:{' '}
                  <strong data-testid="open-conflict-other">
                    {show(other.value, locale, ctx)}
                  </strong>
                </td>
                <td>
                  <a href={href} onClick={linkClick}>
                    {indicatorNo === null ? t('rejectedOpenUnit') : t('rejectedOpen')}
                  </a>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

import { formatValue, valueDomainOf } from '../../core';
import { type Framework, levelName, listIndicators } from '../../core/framework';
import type { Locale } from '../../ui/i18n';
import type { Translator } from '../i18n';
import type { DashboardView } from '../types';
import { indicatorTitle, wholeLevel } from '../values';
import { indexText, showFigure } from './IndexBox';

/** The cell a coordinator opened: its unit and indicator. */
export interface HeatCell {
  assessmentId: string;
  unitName: string;
  no: number;
  name: string;
}

/**
 * "Level 4, bukti level 2 belum lengkap": the verified value claims a level above the first
 * level whose evidence is not all present (levels are cumulative); null when nothing is
 * missing.
 */
export function gapText(
  verified: number | null,
  gap: number | null | undefined,
  t: Translator,
): string | null {
  if (verified === null || gap == null) return null;
  return t('heatGap', { claimed: wholeLevel(verified), level: gap });
}

/**
 * The units × indicators heatmap of verified values: colour by the whole level reached
 * (a decimal value keeps its two decimals), a red underline where verification is below the
 * penilaian mandiri, and a corner mark with its reason as the tooltip where the verified
 * level is above the complete evidence (`cumulativeGap`). Each cell is a button that opens
 * the cell's evidence and audit trail. A unit's row names its official verified index.
 */
export function Heatmap(props: {
  d: DashboardView;
  fw: Framework | undefined;
  t: Translator;
  locale: Locale;
  open: HeatCell | null;
  onOpen(cell: HeatCell | null): void;
}) {
  const { d, fw, t, locale, open } = props;
  const columns = d.heatmap.indicators.length;
  return (
    <>
      <p class="r-note">{t('heatmapHelp')}</p>
      <HeatLegend fw={fw} t={t} />
      <div class="r-heat-wrap">
        {/* Fixed layout: every indicator column shares the width, so 47 fit a laptop's page;
            the minimum width keeps cells usable on a narrower screen (the box scrolls). */}
        <table class="r-heat" style={{ '--heat-cols': columns }}>
          <thead>
            <tr>
              <th scope="col" class="r-heat-unit">
                {t('unit')}
              </th>
              {d.heatmap.indicators.map((i) => (
                <th key={i.no} scope="col" title={indicatorTitle(i)}>
                  <span aria-hidden="true">{i.no}</span>
                  <span class="sr-only">{indicatorTitle(i)}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {d.heatmap.rows.map((r) => {
              const index = showFigure(fw, r.index, locale);
              return (
                <tr key={r.assessmentId} data-testid="heatmap-row" data-code={r.code}>
                  <th
                    scope="row"
                    class="r-heat-unit"
                    title={`${r.name} · ${indexText(index)}${index.exactNote ? ` (${index.exactNote})` : ''}`}
                  >
                    <span class="r-heat-name">{r.name}</span>
                    <span class="r-heat-index" data-testid="heat-row-index">
                      {indexText(index)}
                    </span>
                  </th>
                  {d.heatmap.indicators.map((i, k) => {
                    const na = r.notApplicable.includes(i.no);
                    const v = r.verified[k] ?? null;
                    const s = r.self[k] ?? null;
                    const domain = fw ? valueDomainOf(fw, i.no) : undefined;
                    const below = v !== null && s !== null && v < s && !na;
                    const gap = na ? null : gapText(v, r.cumulativeGap[k], t);
                    const pressed = open?.assessmentId === r.assessmentId && open.no === i.no;
                    const lv = v === null ? 0 : Math.min(5, Math.max(1, wholeLevel(v)));
                    const label = t('cellLabel', {
                      unit: r.name,
                      no: i.no,
                      v: na ? t('naTitle') : formatValue(v, locale, domain),
                      s: formatValue(s, locale, domain),
                    });
                    return (
                      <td key={i.no}>
                        <button
                          type="button"
                          class={`r-heat-cell r-lv ${na ? 'r-lv-na' : `r-lv-${lv}`}${below ? ' r-below' : ''}${gap ? ' r-gap' : ''}`}
                          aria-pressed={pressed}
                          aria-label={gap ? `${label}. ${gap}` : label}
                          title={gap ?? undefined}
                          data-testid={`heat-${r.code}-${i.no}`}
                          data-gap={gap ? (r.cumulativeGap[k] ?? undefined) : undefined}
                          onClick={() =>
                            props.onOpen(
                              pressed
                                ? null
                                : {
                                    assessmentId: r.assessmentId,
                                    unitName: r.name,
                                    no: i.no,
                                    name: i.name,
                                  },
                            )
                          }
                        >
                          {na ? '·' : v === null ? '' : formatValue(v, locale, domain)}
                        </button>
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The level names of the instrument's scale when every indicator shares one, else null. */
function sharedScale(fw: Framework | undefined): string[] | null {
  if (!fw) return null;
  const indicators = listIndicators(fw);
  const first = indicators[0];
  if (!first || indicators.some((i) => i.spec.scale !== first.spec.scale)) return null;
  return [1, 2, 3, 4, 5].map((lv) => levelName(fw, first.no, lv));
}

/**
 * What the heatmap's colours and marks mean: each level's colour (with its name when the
 * instrument has one scale), an empty cell, "·" for not applicable, the red underline and
 * the corner mark.
 */
function HeatLegend(props: { fw: Framework | undefined; t: Translator }) {
  const { t } = props;
  const names = sharedScale(props.fw);
  return (
    <div class="r-heat-legend" data-testid="heat-legend">
      <span class="r-heat-legend-title">{t('heatLegend')}</span>
      <ul>
        {[1, 2, 3, 4, 5].map((lv) => (
          <li key={lv}>
            <span class={`r-heat-cell r-lv r-lv-${lv} r-heat-sample`} aria-hidden="true">
              {lv}
            </span>{' '}
            {names
              ? t('heatLegendLevelNamed', { lv, name: names[lv - 1] ?? '' })
              : t('heatLegendLevel', { lv })}
          </li>
        ))}
        <li>
          <span class="r-heat-cell r-lv r-lv-0 r-heat-sample" aria-hidden="true" />{' '}
          {t('heatLegendEmpty')}
        </li>
        <li data-testid="heat-legend-na">
          <span class="r-heat-cell r-lv r-lv-na r-heat-sample" aria-hidden="true">
            ·
          </span>{' '}
          {t('heatLegendNa')}
        </li>
        <li>
          <span class="r-heat-cell r-lv r-lv-3 r-below r-heat-sample" aria-hidden="true">
            3
          </span>{' '}
          {t('heatLegendBelow')}
        </li>
        <li>
          <span class="r-heat-cell r-lv r-lv-4 r-gap r-heat-sample" aria-hidden="true">
            4
          </span>{' '}
          {t('heatGapLegend')}
        </li>
      </ul>
    </div>
  );
}

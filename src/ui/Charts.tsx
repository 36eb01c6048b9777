import { formatIndex } from '../core';
import type { Locale } from './i18n';

/** Small SVG charts (no chart library: a radar and bars are a few dozen lines). */

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
  /** SVG stroke-dasharray of the series' line (line charts), so colour is not the only cue. */
  dash?: string;
}

export function Radar({
  axes,
  series,
  size = 300,
}: {
  axes: string[];
  series: Series[];
  size?: number;
}) {
  const c = size / 2;
  const r = c - 56;
  const n = axes.length;
  const point = (i: number, v: number) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    const d = (r * (v - 0)) / 5;
    return [c + d * Math.cos(a), c + d * Math.sin(a)] as const;
  };
  return (
    <svg
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={`Radar: ${axes.join(', ')}`}
      width={size}
      height={size}
    >
      {[1, 2, 3, 4, 5].map((ring) => (
        <polygon
          key={ring}
          points={axes.map((_, i) => point(i, ring).join(',')).join(' ')}
          fill="none"
          stroke="#d0d7de"
        />
      ))}
      {axes.map((label, i) => {
        const [x, y] = point(i, 5.9);
        const [lx, ly] = point(i, 5);
        return (
          <g key={label}>
            <line x1={c} y1={c} x2={lx} y2={ly} stroke="#d0d7de" />
            <text
              x={x}
              y={y}
              font-size="11"
              text-anchor="middle"
              dominant-baseline="middle"
              fill="#1b1f23"
            >
              {label}
            </text>
          </g>
        );
      })}
      {series.map((s) => (
        <polygon
          key={s.label}
          points={s.values.map((v, i) => point(i, v ?? 0).join(',')).join(' ')}
          fill={s.color}
          fill-opacity="0.18"
          stroke={s.color}
          stroke-width="2"
        />
      ))}
    </svg>
  );
}

/**
 * Horizontal bars, one group per row, each value written beside its bar in `locale`
 * ("2,50" in Indonesian, "2.50" in English), as every other figure on the screen.
 */
export function Bars({
  rows,
  series,
  locale,
}: {
  rows: string[];
  series: Series[];
  locale: Locale;
}) {
  const rowH = 16 * series.length + 14;
  const labelW = 0;
  const width = 600;
  const height = rows.length * rowH + 8;
  const x = (v: number) => labelW + ((width - labelW - 40) * v) / 5;
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${locale === 'en' ? 'Bar chart' : 'Grafik batang'}: ${rows.join(', ')}`}
      width="100%"
    >
      {rows.map((row, i) => (
        <g key={row} transform={`translate(0 ${i * rowH})`}>
          <text x="0" y="10" font-size="11" fill="#1b1f23">
            {row}
          </text>
          {series.map((s, k) => {
            const v = s.values[i] ?? null;
            return (
              <g key={s.label} transform={`translate(0 ${14 + k * 16})`}>
                <rect
                  x={labelW}
                  y="0"
                  width={v === null ? 0 : x(v) - labelW}
                  height="12"
                  fill={s.color}
                  rx="3"
                />
                <text x={v === null ? labelW + 4 : x(v) + 4} y="10" font-size="10" fill="#1b1f23">
                  {formatIndex(v, locale)}
                </text>
              </g>
            );
          })}
        </g>
      ))}
    </svg>
  );
}

/**
 * A line chart of indices over columns (the periods of the index history): the y axis from 1
 * to `max` (default 5, the index scale), one line per series through the columns where it
 * has a value (a null leaves a gap, and a lone value is a point), the legend on top, and
 * under each column its label and its figures, one per series in the series' colour, in
 * `locale` ("2,10" in Indonesian, rounded half up as every figure). No figure sits on the
 * drawing, so every one is read at its true contrast. Each point is a `circle` with
 * `data-series` (the series label) and `data-column` (the column index), so a reader (and a
 * test) can find it.
 */
export function Lines({
  columns,
  series,
  locale,
  max = 5,
  testId,
}: {
  /** Column labels: first line, and an optional second (e.g. the instrument). */
  columns: readonly { label: string; sub?: string }[];
  series: readonly Series[];
  locale: Locale;
  max?: number;
  testId?: string;
}) {
  const width = 960;
  const height = 340;
  const left = 40;
  const right = 40;
  const top = 44;
  const bottom = 76;
  const n = columns.length;
  // Columns sit inside the plot with room for their labels at both ends.
  const inset = 70;
  const step = n > 1 ? (width - left - right - 2 * inset) / (n - 1) : 0;
  const x = (i: number) => (n > 1 ? left + inset + i * step : (left + width - right) / 2);
  const y = (v: number) => top + ((max - v) * (height - top - bottom)) / (max - 1);
  const ticks = Array.from({ length: Math.floor(max) }, (_, i) => i + 1);
  const present = (v: number | null | undefined): v is number => v !== null && v !== undefined;
  // Legend entries one after another, each as wide as its label.
  const legendX: number[] = [];
  series.reduce((at, s) => {
    legendX.push(at);
    return at + 52 + s.label.length * 6.6;
  }, left);
  const runsOf = (values: readonly (number | null)[]) => {
    const runs: number[][] = [];
    let run: number[] = [];
    values.forEach((v, i) => {
      if (present(v)) run.push(i);
      else {
        if (run.length) runs.push(run);
        run = [];
      }
    });
    if (run.length) runs.push(run);
    return runs.filter((r) => r.length > 1);
  };
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${locale === 'en' ? 'Line chart' : 'Grafik garis'}: ${series.map((s) => s.label).join(', ')} — ${columns.map((c) => c.label).join(', ')}`}
      width="100%"
      data-testid={testId}
    >
      {ticks.map((v) => (
        <g key={v}>
          <line x1={left} x2={width - 20} y1={y(v)} y2={y(v)} stroke="#d0d7de" />
          <text x={left - 8} y={y(v) + 4} font-size="12" text-anchor="end" fill="#1b1f23">
            {v}
          </text>
        </g>
      ))}
      {series.map((s, k) => (
        <g key={s.label} transform={`translate(${legendX[k] ?? left} 16)`}>
          <line
            x1="0"
            x2="28"
            y1="0"
            y2="0"
            stroke={s.color}
            stroke-width="3"
            stroke-dasharray={s.dash}
          />
          <circle cx="14" cy="0" r="4" fill={s.color} />
          <text x="36" y="4" font-size="13" fill="#1b1f23">
            {s.label}
          </text>
        </g>
      ))}
      {columns.map((c, i) => (
        <g key={`${c.label}-${c.sub ?? ''}`} data-testid={testId ? `${testId}-column` : undefined}>
          <text
            x={x(i)}
            y={height - bottom + 22}
            font-size="13"
            text-anchor="middle"
            fill="#1b1f23"
            font-weight="600"
          >
            {c.label}
          </text>
          {c.sub ? (
            <text
              x={x(i)}
              y={height - bottom + 40}
              font-size="12"
              text-anchor="middle"
              fill="#4a5560"
            >
              {c.sub}
            </text>
          ) : null}
          {/* The column's figures, one per series in its colour, below the plot: no line
              ever runs behind a figure. */}
          <text x={x(i)} y={height - bottom + 60} font-size="13" text-anchor="middle">
            {series.map((s, k) => {
              const v = s.values[i];
              return present(v) ? (
                <tspan
                  key={s.label}
                  fill={s.color}
                  font-weight="700"
                  dx={k === 0 ? undefined : '10'}
                  data-testid={testId ? `${testId}-value` : undefined}
                >
                  {formatIndex(v, locale)}
                </tspan>
              ) : null;
            })}
          </text>
        </g>
      ))}
      {/* Earlier series drawn wider, so a line lying on another still shows at its edges. */}
      {series.map((s, k) =>
        runsOf(s.values).map((r) => (
          <polyline
            key={`${s.label}-${r[0]}`}
            points={r.map((i) => `${x(i)},${y(s.values[i] as number)}`).join(' ')}
            fill="none"
            stroke={s.color}
            stroke-width={2.5 + 2.5 * (series.length - 1 - k)}
            stroke-dasharray={s.dash}
          />
        )),
      )}
      {/* Points over every line. */}
      {series.map((s) =>
        s.values.map((v, i) =>
          present(v) ? (
            <g key={`${s.label}-${columns[i]?.label ?? ''}-${columns[i]?.sub ?? ''}`}>
              <circle
                cx={x(i)}
                cy={y(v)}
                r="4.5"
                fill={s.color}
                data-series={s.label}
                data-column={i}
              >
                <title>{`${s.label} · ${columns[i]?.label ?? ''}: ${formatIndex(v, locale)}`}</title>
              </circle>
            </g>
          ) : null,
        ),
      )}
    </svg>
  );
}

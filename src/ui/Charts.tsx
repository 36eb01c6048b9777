import { formatIndex } from '../core';
import type { Locale } from './i18n';

/** Small SVG charts (no chart library: a radar and bars are a few dozen lines). */

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
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

/**
 * The small stamp a coordinator can have burned into every evidence photo of a period
 * (period setting `photoStamp`): unit, indicator and capture time, drawn into the
 * compressed image itself, so a photo shown or printed anywhere says what it is evidence of
 * and when it was taken. Used by the compression worker; nothing here touches the page.
 */

/** What a stamp names besides the time. */
export interface PhotoStamp {
  unit: string;
  indicatorNo: number;
  indicatorName: string;
}

/** The drawing calls a stamp needs; both canvas kinds (worker and page) have them. */
export type StampContext = Pick<
  CanvasRenderingContext2D,
  | 'font'
  | 'fillStyle'
  | 'textBaseline'
  | 'fillRect'
  | 'fillText'
  | 'measureText'
  | 'save'
  | 'restore'
>;

/**
 * The stamp for photos of `indicator` of `unit` in `period`, or null when the period does
 * not ask for one (the setting is off, or the tablet has not synced a period that has it).
 */
export function photoStampFor(
  period: Readonly<Record<string, unknown>> | null | undefined,
  unit: { name: string } | null | undefined,
  indicator: { no: number; name: string },
): PhotoStamp | null {
  if (period?.photoStamp !== true) return null;
  return { unit: unit?.name ?? '', indicatorNo: indicator.no, indicatorName: indicator.name };
}

/**
 * The stamp's lines: unit; indicator number and name; capture date and time in this
 * device's zone ("28 Nov 2026 09.14 WIB"). `locale` is the verifier's UI language.
 */
export function stampLines(stamp: PhotoStamp, time: number, locale: 'id' | 'en'): string[] {
  const en = locale === 'en';
  const when = new Intl.DateTimeFormat(en ? 'en-GB' : 'id-ID', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(new Date(time));
  const indicator = `${en ? 'Indicator' : 'Indikator'} ${stamp.indicatorNo}. ${stamp.indicatorName}`;
  return [stamp.unit, indicator, when].map((l) => l.trim()).filter((l) => l.length > 0);
}

/**
 * Draw `lines` in the bottom-left corner of a `width` × `height` image: white text on a
 * dark band, sized to the image (about 3 % of its short edge, 12–40 px) so it stays small
 * on a document yet readable once compressed; a line too long for the image is cut with
 * an ellipsis.
 */
export function drawStamp(
  ctx: StampContext,
  width: number,
  height: number,
  lines: readonly string[],
): void {
  if (lines.length === 0) return;
  const size = Math.max(12, Math.min(40, Math.round(Math.min(width, height) * 0.03)));
  const pad = Math.round(size * 0.5);
  const lineHeight = Math.round(size * 1.3);
  const maxText = Math.max(size, width - 4 * pad);
  ctx.save();
  ctx.font = `600 ${size}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
  ctx.textBaseline = 'top';
  const fitted = lines.map((l) => ellipsize(ctx, l, maxText));
  const textWidth = Math.max(...fitted.map((l) => ctx.measureText(l).width));
  const boxW = Math.min(width - 2 * pad, Math.ceil(textWidth) + 2 * pad);
  const boxH = fitted.length * lineHeight + pad;
  const x = pad;
  const y = Math.max(0, height - pad - boxH);
  ctx.fillStyle = 'rgba(0, 0, 0, 0.68)';
  ctx.fillRect(x, y, boxW, boxH);
  ctx.fillStyle = '#ffffff';
  fitted.forEach((l, i) => {
    ctx.fillText(l, x + pad, y + Math.round(pad / 2) + i * lineHeight + Math.round(size * 0.15));
  });
  ctx.restore();
}

/** `line` cut with "…" until it is at most `max` wide. */
function ellipsize(ctx: StampContext, line: string, max: number): string {
  if (ctx.measureText(line).width <= max) return line;
  let lo = 0;
  let hi = line.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ctx.measureText(`${line.slice(0, mid)}…`).width <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${line.slice(0, lo).trimEnd()}…`;
}

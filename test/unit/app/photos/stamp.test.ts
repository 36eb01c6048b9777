import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as compress from '../../../../src/app/lib/compress';
import { runPhotoJob } from '../../../../src/app/lib/photo-job';
import {
  drawStamp,
  photoStampFor,
  type StampContext,
  stampLines,
} from '../../../../src/app/lib/photo-stamp';

vi.mock('../../../../src/app/lib/compress', async (actual) => ({
  ...(await actual<typeof import('../../../../src/app/lib/compress')>()),
  compressImage: vi.fn(),
}));

/** A 2D context that records what is drawn; each character is 10 px wide. */
function recorder() {
  const texts: { text: string; x: number; y: number }[] = [];
  const rects: { x: number; y: number; w: number; h: number; fill: string }[] = [];
  const ctx = {
    font: '',
    fillStyle: '' as string,
    textBaseline: 'alphabetic',
    save: () => {},
    restore: () => {},
    measureText: (s: string) => ({ width: s.length * 10 }),
    fillRect: (x: number, y: number, w: number, h: number) =>
      rects.push({ x, y, w, h, fill: String(ctx.fillStyle) }),
    fillText: (text: string, x: number, y: number) => texts.push({ text, x, y }),
  };
  return { ctx: ctx as unknown as StampContext, texts, rects };
}

const PERIOD_ON = {
  id: 'p',
  name: 'Evaluasi SPBE 2023',
  frameworkId: 'spbe-2020',
  photoStamp: true,
};
const UNIT = { name: 'Kelurahan Bulakan' };
const INDICATOR = { no: 5, name: 'Kebijakan Internal Tim Koordinasi SPBE' };
const SHOT = new Date(2026, 10, 28, 9, 14, 5).getTime();
const local = new Blob([readFileSync(new URL('./fixtures/exif-local.jpg', import.meta.url))]);

describe('the on-image stamp', () => {
  beforeEach(() => {
    vi.mocked(compress.compressImage).mockReset();
    vi.mocked(compress.compressImage).mockImplementation(async (blob, options) => {
      // What the worker's canvas would do: the image, then whatever is drawn over it.
      const { ctx, texts, rects } = recorder();
      options?.decorate?.(ctx as never, 2000, 1500);
      return { blob, width: 2000, height: 1500, drawn: { texts, rects } } as never;
    });
  });

  it('is asked for only when the period turns it on', () => {
    expect(photoStampFor({ ...PERIOD_ON, photoStamp: false }, UNIT, INDICATOR)).toBeNull();
    expect(photoStampFor({ id: 'p', name: 'x', frameworkId: 'f' }, UNIT, INDICATOR)).toBeNull();
    expect(photoStampFor(null, UNIT, INDICATOR)).toBeNull();
    expect(photoStampFor(PERIOD_ON, UNIT, INDICATOR)).toEqual({
      unit: 'Kelurahan Bulakan',
      indicatorNo: 5,
      indicatorName: 'Kebijakan Internal Tim Koordinasi SPBE',
    });
  });

  it('names unit, indicator and capture time in the UI language', () => {
    const stamp = photoStampFor(PERIOD_ON, UNIT, INDICATOR);
    const id = stampLines(stamp as never, SHOT, 'id');
    expect(id[0]).toBe('Kelurahan Bulakan');
    expect(id[1]).toBe('Indikator 5. Kebijakan Internal Tim Koordinasi SPBE');
    expect(id[2]).toMatch(/^28 Nov 2026,? 09[.:]14/);
    expect(stampLines(stamp as never, SHOT, 'en')[1]).toBe(
      'Indicator 5. Kebijakan Internal Tim Koordinasi SPBE',
    );
  });

  it('is burned in with the camera time when on, and leaves the photo alone when off', async () => {
    const stamp = photoStampFor(PERIOD_ON, UNIT, INDICATOR);
    const on = (await runPhotoJob({
      blob: local,
      receivedAt: SHOT + 3_600_000,
      stamp,
      locale: 'id',
    })) as unknown as {
      capturedAtSource: string;
      drawn: { texts: { text: string }[]; rects: { x: number; y: number; h: number }[] };
    };
    expect(on.capturedAtSource).toBe('camera');
    expect(on.drawn.texts.map((x) => x.text)).toEqual([
      'Kelurahan Bulakan',
      'Indikator 5. Kebijakan Internal Tim Koordinasi SPBE',
      expect.stringMatching(/^28 Nov 2026,? 09[.:]14/),
    ]);
    // A dark band in the bottom-left corner, inside the image.
    const [band] = on.drawn.rects;
    expect(band?.x).toBeLessThan(100);
    expect((band?.y ?? 0) + (band?.h ?? 0)).toBeLessThanOrEqual(1500);
    expect(band?.y).toBeGreaterThan(1000);

    const off = (await runPhotoJob({
      blob: local,
      receivedAt: SHOT,
      stamp: null,
      locale: 'id',
    })) as unknown as { drawn: { texts: unknown[]; rects: unknown[] } };
    expect(off.drawn).toEqual({ texts: [], rects: [] });
  });

  it('cuts a line too long for a small image with an ellipsis', () => {
    const { ctx, texts, rects } = recorder();
    const long = 'Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah';
    drawStamp(ctx, 400, 300, [long, 'Indikator 5']);
    const first = texts[0]?.text ?? '';
    expect(first.endsWith('…')).toBe(true);
    expect(first.length * 10).toBeLessThanOrEqual(400);
    expect(texts[1]?.text).toBe('Indikator 5');
    expect((rects[0]?.x ?? 0) + (rects[0]?.w ?? 0)).toBeLessThanOrEqual(400);
  });
});

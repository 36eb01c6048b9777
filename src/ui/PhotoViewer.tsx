import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ZoneCode } from '../core';
import { formatNumber, formatZoneTime } from './format';
import { defineMessages, type Locale, useLocale } from './i18n';
import { useModalDialog } from './modal';

type Key =
  | 'close'
  | 'zoomIn'
  | 'zoomOut'
  | 'fit'
  | 'hint'
  | 'loading'
  | 'scale'
  | 'pct'
  | 'timeCamera'
  | 'timeTablet'
  | 'timeFile'
  | 'place'
  | 'noPlace'
  | 'proves'
  | 'provesNone'
  | 'document'
  | 'open';
const { useT, translate } = defineMessages<Key>({
  id: {
    close: 'Tutup',
    zoomIn: 'Perbesar',
    zoomOut: 'Perkecil',
    fit: 'Pas layar',
    hint: 'Cubit, ketuk dua kali atau pakai + dan − untuk memperbesar; geser untuk melihat bagian lain.',
    loading: 'Memuat foto…',
    scale: 'Perbesaran terhadap ukuran asli foto',
    pct: '{pct} %',
    timeCamera: 'Waktu kamera: {when}',
    timeTablet: 'Waktu masuk tablet: {when}',
    timeFile: 'Waktu berkas: {when}',
    place: 'Lokasi: {lat}; {lng}',
    noPlace: 'Lokasi tidak direkam',
    proves: 'Bukti untuk: {document}',
    provesNone: 'Belum dikaitkan ke dokumen yang diharapkan',
    document: 'Level {level} · {no}. {text}',
    open: 'Lihat {name} ukuran penuh',
  },
  en: {
    close: 'Close',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    fit: 'Fit to screen',
    hint: 'Pinch, double-tap or use + and − to zoom; drag to look around.',
    loading: 'Loading photo…',
    scale: "Zoom against the photo's own size",
    pct: '{pct}%',
    timeCamera: 'Camera time: {when}',
    timeTablet: 'Received by the tablet: {when}',
    timeFile: 'File time: {when}',
    place: 'Location: {lat}, {lng}',
    noPlace: 'Location not recorded',
    proves: 'Proves: {document}',
    provesNone: 'Not linked to an expected document',
    document: 'Level {level} · {no}. {text}',
    open: 'View {name} full size',
  },
});

/** The name of the button that opens a photo here: "Lihat sk-tim.jpg ukuran penuh". */
export function viewLabel(locale: Locale, name: string): string {
  return translate(locale, 'open', { name });
}

/** What is known of an evidence photo besides its pixels, as both rooms show it. */
export interface PhotoFactsInput {
  capturedAt: number | null;
  /** `camera` (EXIF), `tablet` (when it reached the app), null (older file: unknown). */
  capturedAtSource: 'camera' | 'tablet' | null;
  location: { lat: number; lng: number } | null;
  /** The expected document it proves (0-based index), or null. */
  proves: { level: number; index: number; evidence: string } | null;
}

/**
 * An expected document as a verifier and a reviewer name it: "Level 2 · 1. SK Tim SPBE"
 * (the index shown from 1).
 */
export function documentLabel(
  locale: Locale,
  proves: { level: number; index: number; evidence: string },
): string {
  return translate(locale, 'document', {
    level: proves.level,
    no: proves.index + 1,
    text: proves.evidence,
  });
}

/**
 * The lines a reviewer trusts a photo by: its time and where that time comes from, its
 * place (or that none was recorded), and the document it proves. Each line is its own
 * element with a test id (`photo-time`, `photo-place`, `photo-proves`). The time is written
 * in `zone` with its label ("2 Okt 2026, 09.00 WIB"; the organisation's zone, WIB by default),
 * as every other time both rooms show.
 */
export function PhotoFacts(
  props: PhotoFactsInput & {
    class?: string;
    showProves?: boolean;
    showPlace?: boolean;
    zone?: ZoneCode;
  },
) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const when =
    props.capturedAt === null ? '' : formatZoneTime(props.capturedAt, locale, props.zone, 'medium');
  const timeKey =
    props.capturedAtSource === 'camera'
      ? 'timeCamera'
      : props.capturedAtSource === 'tablet'
        ? 'timeTablet'
        : 'timeFile';
  const coord = (x: number) => formatNumber(locale, x, 5);
  return (
    <>
      {when ? (
        <div
          class={props.class}
          data-testid="photo-time"
          data-source={props.capturedAtSource ?? ''}
        >
          {t(timeKey, { when })}
        </div>
      ) : null}
      {props.showPlace === false ? null : (
        <div class={props.class} data-testid="photo-place">
          {props.location
            ? t('place', { lat: coord(props.location.lat), lng: coord(props.location.lng) })
            : t('noPlace')}
        </div>
      )}
      {props.showProves === false ? null : (
        <div class={props.class} data-testid="photo-proves">
          {props.proves
            ? t('proves', { document: documentLabel(locale, props.proves) })
            : t('provesNone')}
        </div>
      )}
    </>
  );
}

/** Where the photo sits: its scale to natural size and its top-left corner on the stage. */
interface View {
  z: number;
  x: number;
  y: number;
}

const STEP = 1.5;
/** Two taps closer than this (ms, px) are a double tap. */
const DOUBLE_TAP_MS = 320;
const DOUBLE_TAP_PX = 24;

/**
 * A photo at full size, for reading a document a thumbnail cannot show: opens over the page
 * (a modal <dialog>: focus stays inside, Escape closes), fitted to the screen, and zooms by
 * pinching, double-tapping, the mouse wheel, a double click, the + and − buttons or keys,
 * up to twice the photo's own pixels; dragging (finger or mouse) and the arrow keys move
 * around a zoomed photo. Shared by the tablet and the coordinator pages; `src` is a URL
 * the caller owns (and revokes).
 */
export function PhotoViewer(props: {
  src: string;
  alt: string;
  /** Shown under the photo: what it is, when and where it was taken. */
  caption?: ComponentChildren;
  onClose(): void;
}) {
  const t = useT();
  const dialog = useModalDialog(props.onClose);
  const stage = useRef<HTMLDivElement>(null);
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const [box, setBox] = useState<{ w: number; h: number }>({ w: 0, h: 0 });
  const [view, setView] = useState<View>({ z: 1, x: 0, y: 0 });
  const viewRef = useRef(view);
  viewRef.current = view;

  // The stage's size, now and whenever the screen turns or the window changes.
  useLayoutEffect(() => {
    const el = stage.current;
    if (!el) return;
    const measure = () => setBox({ w: el.clientWidth, h: el.clientHeight });
    measure();
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    ro?.observe(el);
    window.addEventListener('resize', measure);
    return () => {
      ro?.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, []);

  const fitZ = natural && box.w > 0 ? Math.min(box.w / natural.w, box.h / natural.h, 1) : 1;
  const maxZ = Math.max(2, fitZ * 4);

  /** The view moved back inside the stage: a photo smaller than the stage is centred. */
  const clamp = (v: View): View => {
    if (!natural) return v;
    const z = Math.min(maxZ, Math.max(fitZ, v.z));
    const w = natural.w * z;
    const h = natural.h * z;
    const x = w <= box.w ? (box.w - w) / 2 : Math.min(0, Math.max(box.w - w, v.x));
    const y = h <= box.h ? (box.h - h) / 2 : Math.min(0, Math.max(box.h - h, v.y));
    return { z, x, y };
  };

  /**
   * Whether the whole photo is shown: true until the verifier zooms, and again after "Pas
   * layar". While it is, the photo is fitted again whenever it loads or the stage changes
   * size (the screen turns), whichever of the two comes first.
   */
  const whole = useRef(true);
  /** Scale to `z`, keeping the photo's point under (px, py) where it is. */
  const zoomAt = (z: number, px = box.w / 2, py = box.h / 2, from = viewRef.current) => {
    const next = Math.min(maxZ, Math.max(fitZ, z));
    const k = next / from.z;
    whole.current = next <= fitZ * 1.001;
    setView(clamp({ z: next, x: px - (px - from.x) * k, y: py - (py - from.y) * k }));
  };
  const showWhole = () => {
    whole.current = true;
    setView(clamp({ z: fitZ, x: 0, y: 0 }));
  };

  useLayoutEffect(() => {
    if (!natural || box.w === 0) return;
    setView((v) => (whole.current ? clamp({ z: fitZ, x: 0, y: 0 }) : clamp(v)));
  }, [natural, box.w, box.h]);
  const ready = natural !== null && box.w > 0;

  // Pointers on the stage: one drags, two pinch; a quick second tap toggles the zoom.
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const gesture = useRef<{ view: View; x: number; y: number; dist: number } | null>(null);
  const lastTap = useRef<{ at: number; x: number; y: number } | null>(null);
  const moved = useRef(false);
  /** When a finger or pen last left the stage: the browser's dblclick after a double tap. */
  const lastTouch = useRef(Number.NEGATIVE_INFINITY);

  const local = (e: PointerEvent | MouseEvent) => {
    const r = (stage.current as HTMLDivElement).getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const startGesture = () => {
    const ps = [...pointers.current.values()];
    const [a, b] = ps;
    if (!a) {
      gesture.current = null;
      return;
    }
    const mid = b ? { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } : a;
    const dist = b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
    gesture.current = { view: viewRef.current, x: mid.x, y: mid.y, dist };
  };
  const onPointerDown = (e: PointerEvent) => {
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    pointers.current.set(e.pointerId, local(e));
    if (pointers.current.size === 1) moved.current = false;
    startGesture();
  };
  const onPointerMove = (e: PointerEvent) => {
    if (!pointers.current.has(e.pointerId)) return;
    pointers.current.set(e.pointerId, local(e));
    const g = gesture.current;
    if (!g) return;
    const [a, b] = [...pointers.current.values()];
    if (!a) return;
    if (b && g.dist > 0) {
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      const z = Math.min(
        maxZ,
        Math.max(fitZ, g.view.z * (Math.hypot(a.x - b.x, a.y - b.y) / g.dist)),
      );
      const k = z / g.view.z;
      moved.current = true;
      whole.current = z <= fitZ * 1.001;
      setView(clamp({ z, x: mid.x - (g.x - g.view.x) * k, y: mid.y - (g.y - g.view.y) * k }));
    } else {
      const dx = a.x - g.x;
      const dy = a.y - g.y;
      if (Math.hypot(dx, dy) > 4) moved.current = true;
      setView(clamp({ z: g.view.z, x: g.view.x + dx, y: g.view.y + dy }));
    }
  };
  const onPointerUp = (e: PointerEvent) => {
    const p = pointers.current.get(e.pointerId);
    pointers.current.delete(e.pointerId);
    startGesture();
    // A mouse has its own double click; touch and pen taps are counted here.
    if (e.pointerType !== 'mouse') lastTouch.current = e.timeStamp;
    if (!p || e.pointerType === 'mouse' || moved.current || pointers.current.size > 0) return;
    const prev = lastTap.current;
    const now = e.timeStamp;
    if (
      prev &&
      now - prev.at < DOUBLE_TAP_MS &&
      Math.hypot(p.x - prev.x, p.y - prev.y) < DOUBLE_TAP_PX
    ) {
      lastTap.current = null;
      toggleAt(p.x, p.y);
    } else lastTap.current = { at: now, x: p.x, y: p.y };
  };
  const toggleAt = (x: number, y: number) => {
    if (viewRef.current.z > fitZ * 1.05) showWhole();
    else zoomAt(Math.min(maxZ, fitZ * 2.5), x, y);
  };
  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const p = local(e);
    zoomAt(viewRef.current.z * Math.exp(-e.deltaY * 0.0015), p.x, p.y);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const v = viewRef.current;
    const pan = (dx: number, dy: number) => setView(clamp({ ...v, x: v.x + dx, y: v.y + dy }));
    const keys: Record<string, () => void> = {
      '+': () => zoomAt(v.z * STEP),
      '=': () => zoomAt(v.z * STEP),
      '-': () => zoomAt(v.z / STEP),
      '0': showWhole,
      ArrowLeft: () => pan(60, 0),
      ArrowRight: () => pan(-60, 0),
      ArrowUp: () => pan(0, 60),
      ArrowDown: () => pan(0, -60),
    };
    const run = keys[e.key];
    if (!run || (e.target as HTMLElement | null)?.tagName === 'INPUT') return;
    e.preventDefault();
    run();
  };

  const pct = Math.round(view.z * 100);
  const button = {
    minWidth: '44px',
    minHeight: '44px',
    padding: '0 0.8rem',
    fontSize: '1.05rem',
    fontWeight: 600,
    color: '#111',
    background: '#fff',
    border: '1px solid #fff',
    borderRadius: '8px',
    cursor: 'pointer',
  };
  return (
    <dialog
      ref={dialog}
      aria-label={props.alt}
      data-testid="photo-viewer"
      onKeyDown={onKeyDown}
      style={{
        width: '100vw',
        height: '100dvh',
        maxWidth: 'none',
        maxHeight: 'none',
        margin: 0,
        padding: 0,
        border: 0,
        background: '#111',
        color: '#fff',
        display: 'flex',
        flexDirection: 'column',
        overflow: 'hidden',
      }}
    >
      <div
        style={{
          display: 'flex',
          flexWrap: 'wrap',
          alignItems: 'center',
          gap: '0.5rem',
          padding: '0.5rem 0.75rem',
          background: '#000',
        }}
      >
        <button
          type="button"
          style={button}
          onClick={() => zoomAt(view.z / STEP)}
          disabled={!natural || view.z <= fitZ * 1.001}
          aria-label={t('zoomOut')}
          title={t('zoomOut')}
          data-testid="photo-viewer-zoom-out"
        >
          −
        </button>
        <span
          style={{ minWidth: '4.5rem', textAlign: 'center', fontVariantNumeric: 'tabular-nums' }}
          title={t('scale')}
          data-testid="photo-viewer-scale"
        >
          {t('pct', { pct })}
        </span>
        <button
          type="button"
          style={button}
          onClick={() => zoomAt(view.z * STEP)}
          disabled={!natural || view.z >= maxZ * 0.999}
          aria-label={t('zoomIn')}
          title={t('zoomIn')}
          data-testid="photo-viewer-zoom-in"
        >
          +
        </button>
        <button
          type="button"
          style={button}
          onClick={showWhole}
          disabled={!natural}
          data-testid="photo-viewer-fit"
        >
          {t('fit')}
        </button>
        <span style={{ flex: '1 1 12rem', fontSize: '0.85rem', color: '#e6e6e6' }}>
          {t('hint')}
        </span>
        <button
          type="button"
          style={button}
          onClick={() => props.onClose()}
          // biome-ignore lint/a11y/noAutofocus: the dialog's first stop is its way out
          autoFocus
          data-testid="photo-viewer-close"
        >
          ✕ {t('close')}
        </button>
      </div>
      <div
        ref={stage}
        role="img"
        aria-label={props.alt}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onWheel={onWheel}
        onDblClick={(e) => {
          // A double tap was handled as such; its dblclick would undo it.
          if (e.timeStamp - lastTouch.current < 800) return;
          const p = local(e);
          toggleAt(p.x, p.y);
        }}
        style={{
          position: 'relative',
          flex: '1 1 auto',
          overflow: 'hidden',
          touchAction: 'none',
          cursor: view.z > fitZ * 1.001 ? 'grab' : 'zoom-in',
          userSelect: 'none',
        }}
      >
        {ready ? null : (
          <p style={{ margin: 0, padding: '1rem', color: '#e6e6e6' }}>{t('loading')}</p>
        )}
        <img
          src={props.src}
          alt=""
          draggable={false}
          data-testid="photo-viewer-image"
          onLoad={(e) => {
            const img = e.currentTarget;
            setNatural({ w: img.naturalWidth || 1, h: img.naturalHeight || 1 });
          }}
          style={{
            position: 'absolute',
            left: 0,
            top: 0,
            maxWidth: 'none',
            width: natural ? `${natural.w * view.z}px` : '1px',
            height: natural ? `${natural.h * view.z}px` : '1px',
            transform: `translate(${view.x}px, ${view.y}px)`,
            visibility: ready ? 'visible' : 'hidden',
            pointerEvents: 'none',
          }}
        />
      </div>
      {props.caption ? (
        <div
          style={{
            padding: '0.5rem 0.75rem',
            background: '#000',
            color: '#fff',
            fontSize: '0.9rem',
            maxHeight: '30vh',
            overflow: 'auto',
          }}
          data-testid="photo-viewer-caption"
        >
          {props.caption}
        </div>
      ) : null}
    </dialog>
  );
}

/**
 * In-browser half of bench module 3 (bench/lib/photo.ts drives it). Makes one realistic
 * 12 MP JPEG in Chromium (a document page on a desk, text, a table, a stamp, sensor noise;
 * JPEG q = 0.92) and compresses it to ≤ 400 KB two ways, timing each with performance.now():
 *   app  the app's own path: prepareEvidenceFile() → src/app/workers/compress.worker.ts →
 *        compressImage() (OffscreenCanvas, ≤ 2000 px, JPEG quality ladder)
 *   bic  browser-image-compression {maxSizeMB 0.39, maxWidthOrHeight 2000, useWebWorker true},
 *        its worker loading the library from this origin (libURL) instead of a CDN
 * Long tasks on the main thread during each compression are recorded too.
 */
import imageCompression from 'browser-image-compression';
import { MAX_EDGE, TARGET_BYTES } from '../../src/app/lib/compress';
import { prepareEvidenceFile } from '../../src/app/lib/photo';

export interface PhotoInfo {
  bytes: number;
  width: number;
  height: number;
  makeMs: number;
  maxEdge: number;
  targetBytes: number;
}
export interface PhotoRun {
  ms: number;
  bytes: number;
  width: number;
  height: number;
  /** Longest main-thread task while compressing (ms; 0 when none ≥ 50 ms). */
  longestTask: number;
}
export interface PhotoBench {
  make(): Promise<PhotoInfo>;
  app(): Promise<PhotoRun>;
  bic(): Promise<PhotoRun>;
}

const W = 4000;
const H = 3000;
let file: File | null = null;

/** Small deterministic PRNG (xorshift32). */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const WORDS =
  'pemerintah daerah kabupaten sistem pemerintahan berbasis elektronik kebijakan internal tata kelola layanan publik arsitektur aplikasi umum data keamanan informasi audit teknologi rencana induk peta rencana evaluasi indikator tingkat kematangan dokumen pendukung notulen rapat surat keputusan tim koordinasi bupati sekretaris dinas komunikasi informatika'.split(
    ' ',
  );

async function make(): Promise<PhotoInfo> {
  const t0 = performance.now();
  const rand = rng(20261128);
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  // Desk: wood-coloured gradient with soft blotches.
  const desk = ctx.createLinearGradient(0, 0, W, H);
  desk.addColorStop(0, '#6b4a2f');
  desk.addColorStop(1, '#8a6444');
  ctx.fillStyle = desk;
  ctx.fillRect(0, 0, W, H);
  for (let i = 0; i < 400; i++) {
    ctx.fillStyle = `rgba(${40 + rand() * 80},${25 + rand() * 50},${10 + rand() * 30},0.08)`;
    ctx.beginPath();
    ctx.ellipse(
      rand() * W,
      rand() * H,
      50 + rand() * 400,
      10 + rand() * 60,
      rand(),
      0,
      Math.PI * 2,
    );
    ctx.fill();
  }
  // The page, slightly rotated, with uneven lighting.
  ctx.save();
  ctx.translate(W / 2, H / 2);
  ctx.rotate(-0.035);
  const pw = 2300;
  const ph = 2900;
  const paper = ctx.createLinearGradient(-pw / 2, -ph / 2, pw / 2, ph / 2);
  paper.addColorStop(0, '#f4f1ea');
  paper.addColorStop(1, '#d9d4c8');
  ctx.fillStyle = 'rgba(0,0,0,0.35)';
  ctx.fillRect(-pw / 2 + 25, -ph / 2 + 30, pw, ph);
  ctx.fillStyle = paper;
  ctx.fillRect(-pw / 2, -ph / 2, pw, ph);
  ctx.fillStyle = '#1d1d1d';
  ctx.textBaseline = 'top';
  ctx.font = 'bold 64px serif';
  ctx.fillText('KEPUTUSAN BUPATI NOMOR 188/412/2026', -pw / 2 + 200, -ph / 2 + 150);
  ctx.font = 'bold 48px serif';
  ctx.fillText('TENTANG TIM KOORDINASI SPBE', -pw / 2 + 420, -ph / 2 + 250);
  ctx.font = '38px serif';
  let y = -ph / 2 + 400;
  for (let line = 0; line < 34; line++) {
    let x = -pw / 2 + 160;
    while (x < pw / 2 - 320) {
      const w = WORDS[Math.floor(rand() * WORDS.length)] as string;
      ctx.fillText(w, x, y);
      x += ctx.measureText(`${w} `).width;
    }
    y += 56;
  }
  // A table with ruled cells.
  ctx.strokeStyle = '#222';
  ctx.lineWidth = 3;
  for (let r = 0; r <= 8; r++) {
    ctx.beginPath();
    ctx.moveTo(-pw / 2 + 160, y + 40 + r * 52);
    ctx.lineTo(pw / 2 - 160, y + 40 + r * 52);
    ctx.stroke();
  }
  for (const cx of [0, 0.1, 0.55, 0.8, 1]) {
    ctx.beginPath();
    ctx.moveTo(-pw / 2 + 160 + cx * (pw - 320), y + 40);
    ctx.lineTo(-pw / 2 + 160 + cx * (pw - 320), y + 40 + 8 * 52);
    ctx.stroke();
  }
  ctx.font = '32px sans-serif';
  for (let r = 0; r < 8; r++)
    ctx.fillText(
      `${r + 1}.  ${WORDS[r * 3] ?? ''} ${WORDS[r * 3 + 1] ?? ''}`,
      -pw / 2 + 190,
      y + 52 + r * 52,
    );
  // Stamp and signature.
  ctx.strokeStyle = 'rgba(30,60,170,0.75)';
  ctx.lineWidth = 10;
  ctx.beginPath();
  ctx.arc(pw / 2 - 620, ph / 2 - 420, 190, 0, Math.PI * 2);
  ctx.stroke();
  ctx.lineWidth = 5;
  ctx.beginPath();
  for (let i = 0; i < 40; i++)
    ctx.lineTo(pw / 2 - 900 + i * 22, ph / 2 - 380 + Math.sin(i * 1.3) * 60 * rand());
  ctx.stroke();
  ctx.restore();
  // Vignette (lens falloff).
  const vig = ctx.createRadialGradient(W / 2, H / 2, H * 0.3, W / 2, H / 2, W * 0.65);
  vig.addColorStop(0, 'rgba(0,0,0,0)');
  vig.addColorStop(1, 'rgba(0,0,0,0.35)');
  ctx.fillStyle = vig;
  ctx.fillRect(0, 0, W, H);
  // Sensor noise (luma, roughly Gaussian), in bands to bound memory.
  const band = 500;
  for (let y0 = 0; y0 < H; y0 += band) {
    const img = ctx.getImageData(0, y0, W, band);
    const d = img.data;
    for (let i = 0; i < d.length; i += 4) {
      const n = (rand() + rand() + rand() - 1.5) * 9;
      d[i] = (d[i] as number) + n;
      d[i + 1] = (d[i + 1] as number) + n;
      d[i + 2] = (d[i + 2] as number) + n;
    }
    ctx.putImageData(img, 0, y0);
  }
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/jpeg', 0.92),
  );
  canvas.width = 1;
  canvas.height = 1;
  file = new File([blob], 'IMG_20261128_101500.jpg', {
    type: 'image/jpeg',
    lastModified: Date.now(),
  });
  return {
    bytes: file.size,
    width: W,
    height: H,
    makeMs: performance.now() - t0,
    maxEdge: MAX_EDGE,
    targetBytes: TARGET_BYTES,
  };
}

let longest = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
}).observe({ type: 'longtask', buffered: false });

async function timed(fn: (f: File) => Promise<Blob>): Promise<PhotoRun> {
  if (!file) throw new Error('make() first');
  await new Promise((r) => setTimeout(r, 50));
  longest = 0;
  const t0 = performance.now();
  const out = await fn(file);
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 0)); // let the observer deliver
  const task = longest;
  const bmp = await createImageBitmap(out);
  const run = { ms, bytes: out.size, width: bmp.width, height: bmp.height, longestTask: task };
  bmp.close();
  return run;
}

const api: PhotoBench = {
  make,
  app: () => timed(async (f) => (await prepareEvidenceFile(f)).blob),
  bic: () =>
    timed((f) =>
      imageCompression(f, {
        maxSizeMB: 0.39,
        maxWidthOrHeight: 2000,
        useWebWorker: true,
        libURL: `${location.origin}/vendor/browser-image-compression.js`,
      }),
    ),
};

(globalThis as unknown as { photoBench: PhotoBench }).photoBench = api;
document.body.dataset.ready = '1';
(document.getElementById('status') as HTMLElement).textContent = 'siap';

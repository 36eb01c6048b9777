import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContrastAllowance } from './contrast';

/**
 * Every screen of both rooms, in one list: the screenshot suite (test/e2e/screens.test.ts)
 * photographs and checks each one at every viewport in both languages, and refuses to run
 * while a route of the app has no screen here (`uncoveredRoutes`). A new page is added here,
 * with the route pattern it stands for.
 */

/** The demo data a screen's address needs, found by the suite before it starts. */
export interface ScreenIds {
  /** An SPBE 2023 assessment of the tablet's verifier, with work on it. */
  spbe: string;
  /** A Pemdi 2026 assessment of the same verifier (decimal values, outside indices). */
  pemdi: string;
  /** The training unit's assessment (mode latihan). */
  training: string;
  spbePeriodId: string;
  pemdiPeriodId: string;
  /** The tablet's verifier (account id), for the coordinator's verifier page. */
  verifierId: string;
  /** A demo tindak lanjut (SPBE 2023) and the unit that owns it (its printable list). */
  actionId: string;
  actionOwnerUnitId: string;
}

export interface Screen {
  /** File name part: `<name>-<w>x<h>-<lang>.png`. */
  name: string;
  room: 'tablet' | 'coordinator';
  /** The app's route patterns this screen stands for (see `uncoveredRoutes`). */
  routes: readonly string[];
  path(ids: ScreenIds): string;
  /** Shown once the screen has its content (after the generic "loaded" wait). */
  ready: string;
  /**
   * Shown in a fresh browser profile: no tablet enrolment, no coordinator session (the
   * enrol form and the login page are what a newcomer sees; the signed-in are sent on).
   */
  fresh?: boolean;
  /** Undecidable colours accepted on this screen, each with the reason a person checked. */
  allow?: readonly ContrastAllowance[];
}

/**
 * The heatmap's cells are buttons (each opens the cell's evidence) drawn as a chart: pale
 * level colours side by side, where the grid places each cell and the key explains them.
 * An edge of 3:1 around each of 47 × n cells would bury the colours that carry the meaning;
 * their text (the level) is still held to 4.5:1.
 */
const HEATMAP_CELLS: ContrastAllowance = {
  selector: '.r-heat-cell',
  reason: 'chart cells: placed by the grid, explained by the key; their text is still checked',
};

const unit = (ws: 'kerja' | 'latihan', id: string, rest = '') =>
  `/${ws}/a/${encodeURIComponent(id)}${rest}`;

export const SCREENS: readonly Screen[] = [
  // The verifier's tablet.
  {
    name: 'enrolment',
    room: 'tablet',
    routes: ['/masuk'],
    path: () => '/masuk',
    ready: '#enrol-code',
    fresh: true,
  },
  {
    name: 'enrolment-enrolled',
    room: 'tablet',
    routes: ['/masuk'],
    path: () => '/masuk',
    ready: '[data-testid="enrolled"]',
  },
  {
    name: 'home',
    room: 'tablet',
    routes: ['/'],
    path: () => '/',
    ready: '[data-testid="unit-card"]',
  },
  {
    name: 'checklist',
    room: 'tablet',
    routes: ['/:ws/a/:id'],
    path: (ids) => unit('kerja', ids.spbe),
    ready: '[data-testid="indicator-row-1"]',
  },
  {
    name: 'indicator-spbe',
    room: 'tablet',
    routes: ['/:ws/a/:id/i/:no'],
    path: (ids) => unit('kerja', ids.spbe, '/i/1'),
    ready: '[data-testid="level-1"]',
  },
  {
    name: 'indicator-pemdi-decimal',
    room: 'tablet',
    routes: ['/:ws/a/:id/i/:no'],
    path: (ids) => unit('kerja', ids.pemdi, '/i/1'),
    ready: '[data-testid="decimal-value"]',
  },
  {
    name: 'indicator-pemdi-outside-index',
    room: 'tablet',
    routes: ['/:ws/a/:id/i/:no'],
    path: (ids) => unit('kerja', ids.pemdi, '/i/5'),
    ready: '[data-testid="source-value"]',
  },
  {
    name: 'summary',
    room: 'tablet',
    routes: ['/:ws/a/:id/ringkasan'],
    path: (ids) => unit('kerja', ids.spbe, '/ringkasan'),
    ready: '[data-testid="summary-index"]',
  },
  {
    name: 'summary-pemdi',
    room: 'tablet',
    routes: ['/:ws/a/:id/ringkasan'],
    path: (ids) => unit('kerja', ids.pemdi, '/ringkasan'),
    ready: '[data-testid="summary-index"]',
  },
  {
    name: 'berita-acara',
    room: 'tablet',
    routes: ['/:ws/a/:id/berita-acara'],
    path: (ids) => unit('kerja', ids.spbe, '/berita-acara'),
    ready: '[data-testid="ba-index"]',
  },
  {
    name: 'storage',
    room: 'tablet',
    routes: ['/penyimpanan'],
    path: () => '/penyimpanan',
    ready: '[data-testid="rejected-count"]',
  },
  {
    name: 'refused-changes',
    room: 'tablet',
    routes: ['/ditolak'],
    path: () => '/ditolak',
    ready: '[data-testid="rejected-item"], [data-testid="rejected-empty"]',
  },
  {
    name: 'training',
    room: 'tablet',
    routes: ['/latihan'],
    path: (ids) => unit('latihan', ids.training),
    ready: '[data-testid="indicator-row-1"]',
  },
  // The coordinator's laptop.
  {
    name: 'coordinator-login',
    room: 'coordinator',
    routes: ['/koordinator/masuk'],
    path: () => '/koordinator/masuk',
    ready: '#c-email',
    fresh: true,
  },
  {
    name: 'coordinator-overview',
    room: 'coordinator',
    routes: ['/koordinator'],
    path: () => '/koordinator',
    ready: '[data-testid="coordinator-account"]',
  },
  {
    name: 'coordinator-dashboard',
    room: 'coordinator',
    routes: ['/koordinator/dasbor'],
    path: (ids) => `/koordinator/dasbor?periode=${ids.spbePeriodId}`,
    ready: '[data-testid="city-consolidated"]',
    allow: [HEATMAP_CELLS],
  },
  {
    name: 'coordinator-dashboard-pemdi',
    room: 'coordinator',
    routes: ['/koordinator/dasbor'],
    path: (ids) => `/koordinator/dasbor?periode=${ids.pemdiPeriodId}`,
    ready: '[data-testid="city-consolidated"]',
    allow: [HEATMAP_CELLS],
  },
  {
    name: 'coordinator-plan',
    room: 'coordinator',
    routes: ['/koordinator/rencana'],
    path: (ids) => `/koordinator/rencana?periode=${ids.spbePeriodId}`,
    ready: '[data-testid="plan-target"], [data-testid="plan-item"]',
  },
  {
    name: 'coordinator-actions',
    room: 'coordinator',
    routes: ['/koordinator/tindak-lanjut'],
    path: (ids) => `/koordinator/tindak-lanjut?periode=${ids.spbePeriodId}`,
    ready: '[data-testid="action-row"]',
  },
  {
    name: 'coordinator-action',
    room: 'coordinator',
    routes: ['/koordinator/tindak-lanjut/:id'],
    path: (ids) => `/koordinator/tindak-lanjut/${encodeURIComponent(ids.actionId)}`,
    ready: '[data-testid="action-title"]',
  },
  {
    name: 'coordinator-actions-opd',
    room: 'coordinator',
    routes: ['/koordinator/tindak-lanjut/opd/:unitId'],
    path: (ids) => `/koordinator/tindak-lanjut/opd/${encodeURIComponent(ids.actionOwnerUnitId)}`,
    ready: '[data-testid="owner-action-list"] [data-testid="action-row"]',
  },
  {
    name: 'coordinator-review',
    room: 'coordinator',
    routes: ['/koordinator/tinjau/:assessmentId'],
    path: (ids) => `/koordinator/tinjau/${encodeURIComponent(ids.spbe)}`,
    ready: '[data-testid="review-page"]',
  },
  {
    name: 'coordinator-reports',
    room: 'coordinator',
    routes: ['/koordinator/laporan'],
    path: (ids) => `/koordinator/laporan?periode=${ids.spbePeriodId}`,
    ready: '[data-testid="city-report"]',
  },
  {
    name: 'coordinator-unit-report',
    room: 'coordinator',
    routes: ['/koordinator/laporan/unit/:assessmentId'],
    path: (ids) => `/koordinator/laporan/unit/${encodeURIComponent(ids.spbe)}`,
    ready: '[data-testid="unit-report"]',
  },
  {
    name: 'coordinator-sync-audit',
    room: 'coordinator',
    routes: ['/koordinator/sinkronisasi'],
    path: () => '/koordinator/sinkronisasi',
    ready: '[data-testid="rejections-empty"], [data-testid="rejection-table"]',
  },
  {
    name: 'coordinator-periods',
    room: 'coordinator',
    routes: ['/koordinator/periode'],
    path: () => '/koordinator/periode',
    ready: '[data-testid="period-row"]',
  },
  {
    name: 'coordinator-units',
    room: 'coordinator',
    routes: ['/koordinator/unit'],
    path: () => '/koordinator/unit',
    ready: '[data-testid="unit-row"]',
  },
  {
    name: 'coordinator-verifiers',
    room: 'coordinator',
    routes: ['/koordinator/verifikator'],
    path: () => '/koordinator/verifikator',
    ready: '[data-testid="verifier-row"]',
  },
  {
    name: 'coordinator-verifier',
    room: 'coordinator',
    routes: ['/koordinator/verifikator/:id'],
    path: (ids) => `/koordinator/verifikator/${encodeURIComponent(ids.verifierId)}`,
    ready: '[data-testid="device-row"]',
  },
  {
    name: 'coordinator-organisation',
    room: 'coordinator',
    routes: ['/koordinator/organisasi'],
    path: () => '/koordinator/organisasi',
    ready: '[data-testid="organisation-form"]',
  },
  {
    name: 'coordinator-official',
    room: 'coordinator',
    routes: ['/koordinator/hasil-resmi'],
    path: (ids) => `/koordinator/hasil-resmi?periode=${ids.pemdiPeriodId}`,
    ready: '[data-testid="official-table"]',
  },
  {
    name: 'coordinator-history',
    room: 'coordinator',
    routes: ['/koordinator/riwayat'],
    path: () => '/koordinator/riwayat',
    ready: '[data-testid="history-table"]',
  },
  {
    name: 'coordinator-assignments',
    room: 'coordinator',
    routes: ['/koordinator/penugasan'],
    path: () => '/koordinator/penugasan',
    ready: '[data-testid="assignment-row"]',
  },
];

/** The tablet in landscape and portrait, and the coordinator's laptop. */
export const VIEWPORTS = [
  { width: 1024, height: 768 },
  { width: 800, height: 1280 },
  { width: 1366, height: 768 },
] as const;

export const LANGUAGES = ['id', 'en'] as const;

/**
 * Route patterns of the app that no screen in `SCREENS` stands for, read from the sources:
 * the tablet's routes in src/app/main.tsx, the coordinator's `ROUTES` and login page in
 * src/coordinator/index.tsx. Read as text: importing the rooms would start them.
 */
export function uncoveredRoutes(root = process.cwd()): string[] {
  const tablet = readFileSync(join(root, 'src/app/main.tsx'), 'utf8');
  const coordinator = readFileSync(join(root, 'src/coordinator/index.tsx'), 'utf8');
  const found = new Set<string>();
  for (const m of tablet.matchAll(/path === '([^']+)'|unit\('([^']+)'\)/g))
    found.add((m[1] ?? m[2]) as string);
  for (const m of coordinator.matchAll(/pattern: '([^']+)'|LOGIN_PATH = '([^']+)'/g))
    found.add((m[1] ?? m[2]) as string);
  const covered = new Set(SCREENS.flatMap((s) => s.routes));
  return [...found].filter((r) => !covered.has(r));
}

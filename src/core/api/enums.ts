import { ASSESSMENT_STATUSES } from '../entities';

/**
 * The closed vocabularies of the coordinator API: one list each, its TypeScript type derived
 * from the list (their schemas are in wire.ts). The server's database columns, its request
 * validation and the coordinator pages all read these. No zod here: the coordinator pages
 * import this module at runtime, everything else of the contract only as types.
 */

/**
 * Who an account is: coordinators edit, viewers read, verifiers work on enrolled tablets,
 * owners (an OPD's or other unit's account, `Account.unitId`) follow up the improvement
 * actions their unit is responsible for (issue 18) and see nothing else.
 */
export const ROLES = ['coordinator', 'viewer', 'verifier', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/** The kinds of unit, top down: pemda → OPD / kecamatan → kelurahan (see PARENT_KINDS). */
export const UNIT_KINDS = ['pemda', 'opd', 'kecamatan', 'kelurahan'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Which kind of unit may sit under which: pemda → OPD / kecamatan; kecamatan → kelurahan. */
export const PARENT_KINDS: Readonly<Record<UnitKind, readonly (UnitKind | null)[]>> = {
  pemda: [null],
  opd: ['pemda'],
  kecamatan: ['pemda'],
  kelurahan: ['kecamatan'],
};

/** Unit codes the server accepts: letters, digits, `. _ - /`, at most 64, starting alphanumeric. */
export const UNIT_CODE_RE = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$/;

/**
 * The key under which a unit code identifies a unit: the code in lower case, so
 * `36.72.OPD.01` and `36.72.opd.01` are the same unit. A kode unit (Kemendagri style,
 * e.g. `36.72.OPD.01`) is an identifier a person types into a form or a CSV file, and letter
 * case never tells two units of one Pemda apart; comparing codes as typed let a CSV import
 * with `36.72.opd.01` create a second unit beside `36.72.OPD.01`. The code itself is kept as
 * typed for display; only comparisons use this key. UNIT_CODE_RE admits ASCII only, so this
 * agrees with SQL `lower(code)` on SQLite and PostgreSQL, which the database's unique index
 * `units_code_ci_key` uses (migration 2026_12_11_0100_unit_code_case_insensitive).
 *
 * @example unitCodeKey('36.72.OPD.01') === unitCodeKey('36.72.opd.01') // true
 */
export function unitCodeKey(code: string): string {
  return code.toLowerCase();
}

/**
 * Finds units by code under the unitCodeKey rule: `(code) => unit | undefined`. A database
 * from before the rule may hold several units whose codes differ only in case; then the one
 * spelt exactly as asked wins, else the first of `units` (callers pass them in code order).
 */
export function unitCodeLookup<U extends { code: string }>(
  units: readonly U[],
): (code: string) => U | undefined {
  const exact = new Map<string, U>();
  const byKey = new Map<string, U>();
  for (const u of units) {
    exact.set(u.code, u);
    const key = unitCodeKey(u.code);
    if (!byKey.has(key)) byKey.set(key, u);
  }
  return (code) => exact.get(code) ?? byKey.get(unitCodeKey(code));
}

/** Life of an evaluation period: prepared (tablets see nothing), running, closed to edits. */
export const PERIOD_STATUSES = ['draft', 'active', 'closed'] as const;
export type PeriodStatus = (typeof PERIOD_STATUSES)[number];

/** Workflow of one unit's verification (the assessment record's `status` field). */
export { ASSESSMENT_STATUSES, type AssessmentStatus } from '../entities';

/**
 * A unit's progress as the dashboard shows it: the same six words as the assessment's
 * stored status, derived from it and from the files the server holds (`terkirim` only once
 * every evidence file arrived; see the server's progressStatus).
 */
export const PROGRESS_STATUSES = ASSESSMENT_STATUSES;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

/** Where a consolidated city level came from: the verifier, the penilaian mandiri, or nowhere. */
export const LEVEL_SOURCES = ['verified', 'self', 'none'] as const;
export type LevelSource = (typeof LEVEL_SOURCES)[number];

/** How a device identity was issued: a one-time enrolment code, or rotation of another identity. */
export const DEVICE_ORIGINS = ['enrol', 'rotate'] as const;
export type DeviceOrigin = (typeof DEVICE_ORIGINS)[number];

/** Why an identity stopped working: `revoked` (coordinator or logout), `released` (the tablet let go). */
export const DEVICE_REVOKED_REASONS = ['revoked', 'released'] as const;
export type DeviceRevokedReason = (typeof DEVICE_REVOKED_REASONS)[number];

/** The coordinator's decision on a finished verification. */
export const REVIEW_DECISIONS = ['approve', 'return'] as const;
export type Decision = (typeof REVIEW_DECISIONS)[number];

/** Units the dashboard lists per page by default, and at most (the heatmap shows the same page). */
export const DEFAULT_PAGE = 200;
export const MAX_PAGE = 1000;

/**
 * The improvement plan's cap of level-steps per indicator per period (a period setting):
 * levels are cumulative and the upper ones need a review cycle, so one period raising an
 * indicator from 1 to 5 is not credible. Whole numbers from min to max; new periods take
 * the default.
 */
export const PLAN_STEP_CAP = { min: 1, max: 4, default: 2 } as const;

/**
 * Which figure an index is: `official` — the instrument's method (PermenPANRB 59/2020,
 * 8/2026: an indicator marked not applicable counts as level 1, a missing outside index as
 * 1); `internal` — Telusur's own unit-level check that leaves not-applicable indicators out
 * and renormalises the weights, shown labelled as internal, never as the official index.
 */
export const INDEX_RULES = ['official', 'internal'] as const;
export type IndexRuleName = (typeof INDEX_RULES)[number];

import * as z from 'zod/mini';
import { compileFramework, type Framework, levelName, MAX_LEVEL } from './framework';
import type { LevelMap } from './scoring';
import { safeText } from './text';
import { IsoDateSchema } from './workflow-schema';

/**
 * Improvement actions (*tindak lanjut*, issue 18): what a unit commits to do so that an
 * indicator reaches a target level by a due date, who is responsible, which documents will
 * prove it, and where it stands. Actions are made on the coordinator's side (from the
 * improvement plan, from a verifier's rekomendasi, or by hand), followed up by the owning
 * unit (an OPD, through an `owner` account), and shown read-only on the tablets of the
 * verifiers of the unit in later periods, so the verifier checks what was promised.
 *
 * Kept out of the tablet's field-versioned entities on purpose: an action is online work of
 * the coordinator and the owner, edited with an expected version (409 on a stale one), and
 * travels to tablets as reference data in the offline package.
 */

// --- statuses ---------------------------------------------------------------------------

/** The stored status: planned, under way, done (closed with evidence). */
export const ACTION_STATUSES = ['rencana', 'berjalan', 'selesai'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const ActionStatusSchema = z.enum(ACTION_STATUSES);

/**
 * The status people see: the stored one, except that an action not done whose due date has
 * passed (in the organisation's time zone) reads `terlambat`. Never stored: it follows from
 * the dates (`actionDisplayStatus`).
 */
export const ACTION_DISPLAY_STATUSES = ['rencana', 'berjalan', 'terlambat', 'selesai'] as const;
export type ActionDisplayStatus = (typeof ACTION_DISPLAY_STATUSES)[number];
export const ActionDisplayStatusSchema = z.enum(ACTION_DISPLAY_STATUSES);

/** Labels of the display statuses, [Indonesian, English]. */
export const ACTION_STATUS_LABELS = {
  rencana: ['Rencana', 'Planned'],
  berjalan: ['Berjalan', 'In progress'],
  terlambat: ['Terlambat', 'Overdue'],
  selesai: ['Selesai', 'Done'],
} as const satisfies Record<ActionDisplayStatus, readonly [string, string]>;

/** The label of a display status in a locale. */
export function actionStatusLabel(s: ActionDisplayStatus, locale: 'id' | 'en' = 'id'): string {
  return ACTION_STATUS_LABELS[s][locale === 'en' ? 1 : 0];
}

/** Where an action came from: the improvement plan, a verifier's rekomendasi, or by hand. */
export const ACTION_ORIGINS = ['plan', 'rekomendasi', 'manual'] as const;
export type ActionOrigin = (typeof ACTION_ORIGINS)[number];
export const ActionOriginSchema = z.enum(ACTION_ORIGINS);

/** Limits of an action's texts and lists (server and pages check the same numbers). */
export const ACTION_LIMITS = {
  title: 2000,
  person: 200,
  evidenceItem: 1000,
  evidenceItems: 30,
  note: 4000,
  comment: 2000,
  links: 10,
  files: 20,
  /** Actions one bulk request (the plan turned into actions) may create. */
  bulk: 200,
} as const;

/**
 * The display status of an action on a day.
 *
 * @param action `status` as stored and `dueDate` as `YYYY-MM-DD`.
 * @param today The calendar day in the organisation's zone, `YYYY-MM-DD` (see `isoDayInZone`).
 * @returns `terlambat` when not `selesai` and `dueDate < today` (the due day itself is still
 *   on time), else the stored status.
 * @example actionDisplayStatus({ status: 'berjalan', dueDate: '2026-11-30' }, '2026-12-01') // 'terlambat'
 */
export function actionDisplayStatus(
  action: { status: ActionStatus; dueDate: string },
  today: string,
): ActionDisplayStatus {
  if (action.status !== 'selesai' && action.dueDate < today) return 'terlambat';
  return action.status;
}

/**
 * Whole days an open action is past its due date on `today` (0 when on time or done).
 * Both days are `YYYY-MM-DD` calendar days; the difference is counted in UTC days, so no
 * daylight-saving or zone offset can make it fractional.
 */
export function daysOverdue(
  action: { status: ActionStatus; dueDate: string },
  today: string,
): number {
  if (action.status === 'selesai' || action.dueDate >= today) return 0;
  const day = (s: string) =>
    Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));
  return Math.round((day(today) - day(action.dueDate)) / 86_400_000);
}

/**
 * The calendar day (`YYYY-MM-DD`) of an instant in an IANA zone (e.g. `Asia/Makassar`, see
 * core `ZONE_IANA`): the day the organisation's staff see on their wall calendar, which is
 * the day due dates are compared against.
 */
export function isoDayInZone(ms: number, ianaZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: ianaZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);
}

// --- the plan's arithmetic ----------------------------------------------------------------

/**
 * The levels the city would hold if every action succeeds: each action lifts its
 * indicator to its target level when that is higher than the level now (an action never
 * lowers a level; several actions on one indicator count with the highest target). Actions
 * already `selesai` count as succeeded too; they are verified in the next period. The
 * dashboard's "indeks jika semua tindak lanjut berhasil" is `computeIndex` of these levels
 * (the improvement plan's arithmetic, PermenPANRB 59/2020 and 8/2026 weights; not a guess).
 *
 * @param levels The city's levels now (city-index rule), by indicator number; null/absent =
 *   unassessed.
 * @param actions The actions on the city-level unit (any status).
 * @returns A new map; indicators without actions keep their level.
 */
export function promisedLevels(
  levels: LevelMap,
  actions: readonly { indicatorNo: number; targetLevel: number }[],
): Record<number, number | null | undefined> {
  const out: Record<number, number | null | undefined> = { ...levels };
  for (const a of actions) {
    const now = out[a.indicatorNo];
    if (now === null || now === undefined || a.targetLevel > now)
      out[a.indicatorNo] = a.targetLevel;
  }
  return out;
}

/**
 * The evidence an action for `targetLevel` promises, from the instrument's criteria: the
 * evidence hints (*bukti dukung*) of the target level, else its criteria text as one item.
 * Whole levels above the indicator's level: for a fractional target (Pemdi 2026) the next
 * whole level's evidence. Empty when the instrument says nothing for that level.
 */
export function promisedEvidence(
  fw: Framework,
  indicatorNo: number,
  targetLevel: number,
): string[] {
  const ind = compileFramework(fw).byNo.get(indicatorNo);
  if (!ind) return [];
  const level = Math.min(MAX_LEVEL, Math.ceil(targetLevel - 1e-9));
  const spec = ind.spec.levels?.[level - 1];
  if (!spec) return [];
  if (spec.evidence && spec.evidence.length > 0)
    return [...spec.evidence].slice(0, ACTION_LIMITS.evidenceItems);
  return spec.criteria ? [spec.criteria.slice(0, ACTION_LIMITS.evidenceItem)] : [];
}

/**
 * A default title for an action raising `indicatorNo` to `targetLevel`: "Capai level 3
 * (Terpadu) pada indikator 12" — the coordinator edits it.
 */
export function defaultActionTitle(
  fw: Framework,
  indicatorNo: number,
  targetLevel: number,
  locale: 'id' | 'en' = 'id',
): string {
  const name = Number.isInteger(targetLevel) ? levelName(fw, indicatorNo, targetLevel) : null;
  const lv = `${String(targetLevel).replace('.', locale === 'id' ? ',' : '.')}${name ? ` (${name})` : ''}`;
  return locale === 'en'
    ? `Reach level ${lv} on indicator ${indicatorNo}`
    : `Capai level ${lv} pada indikator ${indicatorNo}`;
}

// --- what travels to the tablet -------------------------------------------------------------

/** One file an owner attached as the evidence of a done action (stored by its SHA-256). */
export const ActionFileSchema = z.object({
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  name: safeText(255),
  mime: z.string().check(z.maxLength(100)),
  bytes: z.int().check(z.gte(0)),
  addedAt: z.int(),
  addedByName: z.nullable(z.string()),
});
export type ActionFile = z.infer<typeof ActionFileSchema>;

/**
 * An action as the verifier's tablet holds it (offline package field `actions`; read-only
 * there): the actions on, or owned by, the units assigned to the tablet's verifier, of every
 * period. The tablet shows an action on an indicator when the action's instrument is the
 * period's instrument (indicator numbers mean nothing across instruments) and lists the
 * others on the unit's page, naming their instrument.
 */
export const TabletActionSchema = z.object({
  id: z.string(),
  periodId: z.string(),
  periodName: z.string(),
  frameworkId: z.string(),
  indicatorNo: z.int(),
  unitId: z.string(),
  ownerUnitId: z.string(),
  ownerUnitName: z.string(),
  ownerPerson: z.string(),
  title: z.string(),
  fromLevel: z.nullable(z.number()),
  targetLevel: z.number(),
  dueDate: IsoDateSchema,
  evidence: z.array(z.string()),
  status: ActionStatusSchema,
  /** As on the server's day when the package was made; the tablet recomputes it daily. */
  displayStatus: ActionDisplayStatusSchema,
  closingNote: z.nullable(z.string()),
  closedAt: z.nullable(z.int()),
  closedByName: z.nullable(z.string()),
  links: z.array(z.string()),
  files: z.array(ActionFileSchema),
  updatedAt: z.int(),
});
export type TabletAction = z.infer<typeof TabletActionSchema>;

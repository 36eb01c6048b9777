import { compileFramework, type Framework, levelName } from './framework';
import type { StageValue } from './workflow-schema';

/**
 * The assessor's workflow as the official evaluation runs it (PermenPANRB 8/2026; the same
 * order served the 59/2020 evaluations): penilaian mandiri by the Pemda's internal assessor
 * team → verifikasi (penilaian) dokumen by the assessors, values provisional → interviu
 * (clarification; the agency may contest) → visitasi where needed → final. See
 * ../shared/reference/pemdi-2026.md §1 "Stages and actors".
 *
 * A period uses an ordered subset of these stages, chosen by the coordinator; the tablet
 * works in the period's current stage and shows the earlier ones beside it.
 */
export const STAGES = ['mandiri', 'dokumen', 'interviu', 'visitasi', 'final'] as const;
export type Stage = (typeof STAGES)[number];

/** Stage names as people read them, Indonesian and English. */
export const STAGE_LABELS = {
  mandiri: ['Penilaian mandiri', 'Self-assessment'],
  dokumen: ['Verifikasi dokumen', 'Document review'],
  interviu: ['Interviu', 'Interview'],
  visitasi: ['Visitasi', 'Site visit'],
  final: ['Final', 'Final'],
} as const satisfies Record<Stage, readonly [string, string]>;

/** A stage's name in `locale`. */
export function stageLabel(stage: Stage, locale: 'id' | 'en' = 'id'): string {
  return STAGE_LABELS[stage][locale === 'en' ? 1 : 0];
}

/** Stages of a period created without a choice: all five, in order. */
export const DEFAULT_STAGES: readonly Stage[] = STAGES;

/**
 * Stages of a period that existed before stages were kept: the coordinator's imported
 * self-assessment, then the verifiers' document check — what Telusur did until then.
 */
export const LEGACY_STAGES: readonly Stage[] = ['mandiri', 'dokumen'];

/** The stage after `current` among `stages`, or null when `current` is the last. */
export function nextStage(stages: readonly Stage[], current: Stage): Stage | null {
  const i = stages.indexOf(current);
  return i >= 0 && i + 1 < stages.length ? (stages[i + 1] as Stage) : null;
}

/** The stages before `current` among `stages`, in order (earliest first). */
export function earlierStages(stages: readonly Stage[], current: Stage): Stage[] {
  const i = stages.indexOf(current);
  return i < 0 ? [] : stages.slice(0, i);
}

/** Field of a verification holding its value in a stage: `stages.<stage>`. */
export const STAGE_FIELD_RE = /^stages\.(mandiri|dokumen|interviu|visitasi|final)$/;
export function stageField(stage: Stage): `stages.${Stage}` {
  return `stages.${stage}`;
}
/**
 * Stage-value conflicts (`stages.<stage>`) that go with a verified-value conflict of the same
 * record: one tap on a tablet gave both `verifiedLevel` and `stages.<stage>`, so both
 * conflicted. People see, count and settle them as one — the verified value's. Keyed by the
 * verified-value conflict's id; `sameSide` narrows the pairing further (a tablet pairs only
 * conflicts of the same role). A stage conflict alone (penilaian mandiri) stands alone.
 */
export function pairStageConflicts<
  T extends { id: string; entity: string; recordId: string; field: string },
>(list: readonly T[], sameSide: (lead: T, other: T) => boolean = () => true): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const lead of list) {
    if (lead.field !== 'verifiedLevel') continue;
    const followers = list.filter(
      (c) =>
        STAGE_FIELD_RE.test(c.field) &&
        c.entity === lead.entity &&
        c.recordId === lead.recordId &&
        sameSide(lead, c),
    );
    if (followers.length > 0) out.set(lead.id, followers);
  }
  return out;
}

/** The conflicts people see and count (`pairStageConflicts`: a paired stage conflict goes with its lead). */
export function shownConflicts<
  T extends { id: string; entity: string; recordId: string; field: string },
>(list: readonly T[], sameSide?: (lead: T, other: T) => boolean): T[] {
  const hidden = new Set([...pairStageConflicts(list, sameSide).values()].flat().map((c) => c.id));
  return list.filter((c) => !hidden.has(c.id));
}

/** The stage of a `stages.<stage>` field name, or null. */
export function stageOfField(field: string): Stage | null {
  const m = STAGE_FIELD_RE.exec(field);
  return m ? (m[1] as Stage) : null;
}

/**
 * The value of one indicator in `stage`: the stage's own value, or for penilaian mandiri
 * the self-assessed level the coordinator imported when the internal team's value was not
 * entered on a tablet. Null when the stage holds none.
 */
export function stageValueOf(
  fields: Readonly<Record<string, unknown>>,
  stage: Stage,
): number | null {
  const own = fields[stageField(stage)] as StageValue | null | undefined;
  if (own && typeof own === 'object' && 'value' in own) return own.value ?? null;
  if (stage === 'mandiri' && typeof fields.selfLevel === 'number') return fields.selfLevel;
  return null;
}

// --- period facts -------------------------------------------------------------------------

/**
 * What a period is: a *pemantauan* (monitoring, as the 2025 SPBE round on 59/2020) or an
 * *evaluasi* (the evaluation proper, as Indeks Pemdi 2026).
 */
export const PERIOD_TYPES = ['pemantauan', 'evaluasi'] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];
export const PERIOD_TYPE_LABELS = {
  pemantauan: ['Pemantauan', 'Monitoring'],
  evaluasi: ['Evaluasi', 'Evaluation'],
} as const satisfies Record<PeriodType, readonly [string, string]>;

/** Indicators of SPBE 2020 whose service the Pemda chooses (59/2020: 45, 46, 47). */
export const SECTOR_SERVICE_INDICATORS = [45, 46, 47] as const;

// --- evidence items (butir) ---------------------------------------------------------------

/**
 * The verifier's decision on one evidence item (*butir*) of a level, in the words of the
 * evaluation: diterima (accepted), revisi (sent back for revision), ditolak (rejected). They
 * are the states of the check fields `checks.<level>.<index>`: present → diterima,
 * inadequate → revisi, missing → ditolak.
 */
export const BUTIR_LABELS = {
  present: ['Diterima', 'Accepted'],
  inadequate: ['Perlu revisi', 'Revision'],
  missing: ['Ditolak', 'Rejected'],
} as const satisfies Record<string, readonly [string, string]>;

/**
 * The level the evidence items support: the highest level L such that every item of every
 * level 2..L is accepted (levels are cumulative: an item is automatically rejected while the
 * level below is not accepted, pemdi-2026.md §1). Level 1 needs no item. A suggestion only:
 * the verifier decides the value. Null for an unknown indicator or one valued from an
 * outside index (no items).
 *
 * @param stateOf the state of item `index` (0-based) of `level`, as in `checks.<level>.<index>`
 * @example suggestedLevel(fw, 5, (l) => (l <= 3 ? 'present' : null)) // 3
 */
export function suggestedLevel(
  fw: Framework,
  indicatorNo: number,
  stateOf: (level: number, index: number) => string | null | undefined,
): number | null {
  const ind = compileFramework(fw).byNo.get(indicatorNo);
  if (!ind || ind.spec.source) return null;
  let reached = 1;
  for (let level = 2; level <= 5; level++) {
    const items = ind.spec.levels?.[level - 1]?.evidence ?? [];
    if (items.length === 0 || items.some((_, i) => stateOf(level, i) !== 'present')) break;
    reached = level;
  }
  return reached;
}

// --- standard recommendations -------------------------------------------------------------

/**
 * The standard recommendation for an indicator at `level`: what the unit must do to reach
 * the next level, taken from the instrument's criteria and evidence items of that level.
 * The verifier inserts it and edits it. Null at level 5, for an unknown indicator, or when
 * the next level has no criteria text.
 *
 * @param level the value given (a whole level or an assessor value; the next whole level
 *   above it is the aim)
 * @returns `{ level, text }` — the level aimed at and the recommendation in `locale`
 */
export function standardRecommendation(
  fw: Framework,
  indicatorNo: number,
  level: number,
  locale: 'id' | 'en' = 'id',
): { level: number; text: string } | null {
  const ind = compileFramework(fw).byNo.get(indicatorNo);
  if (!ind) return null;
  const target = Math.floor(level + 1e-9) + 1;
  if (target > 5) return null;
  const spec = ind.spec.levels?.[target - 1];
  if (!spec?.criteria) return null;
  const name = levelName(fw, indicatorNo, target);
  const items = spec.evidence ?? [];
  const head =
    locale === 'en'
      ? `To reach level ${target}${name ? ` (${name})` : ''}: ${spec.criteria}`
      : `Untuk mencapai level ${target}${name ? ` (${name})` : ''}: ${spec.criteria}`;
  if (items.length === 0) return { level: target, text: head };
  const lead = locale === 'en' ? 'Prepare as evidence:' : 'Siapkan sebagai bukti dukung:';
  return { level: target, text: `${head}\n${lead}\n${items.map((e) => `- ${e}`).join('\n')}` };
}

/**
 * Every standard recommendation of an indicator, one per level it can aim at (2–5): the
 * library the tablet offers beside the rekomendasi field.
 */
export function recommendationLibrary(
  fw: Framework,
  indicatorNo: number,
  locale: 'id' | 'en' = 'id',
): { level: number; text: string }[] {
  const out: { level: number; text: string }[] = [];
  for (let from = 1; from <= 4; from++) {
    const r = standardRecommendation(fw, indicatorNo, from, locale);
    if (r) out.push(r);
  }
  return out;
}

/**
 * The written outputs of one indicator besides its value (the assessor's result sheet):
 * catatan (`notes`), rekomendasi, and the penjelasan in three parts — fakta (which document,
 * article, page, file), analisis, justifikasi — with the evidence files it cites.
 */
export const OUTPUT_FIELDS = [
  'notes',
  'rekomendasi',
  'penjelasanFakta',
  'penjelasanAnalisis',
  'penjelasanJustifikasi',
  'penjelasanFiles',
] as const;

import {
  beritaAcaraId,
  CHECK_FIELD_RE,
  type Framework,
  isProvisional,
  listIndicators,
  type RecordState,
  recordStateOf,
  type SigningState,
  stageOfField,
} from '../../../core';
import type { DecisionRow, ExportField, SigningClockRow } from '../../db/reporting.repository';
import { readSigning } from '../signing';

/**
 * What one assessment's record says beyond its levels, as the exports write it: who
 * verified, where the record stands (state, signing, decision) and, per indicator, the
 * verifier's notes, rekomendasi and penjelasan (fakta, analisis, justifikasi, the files it
 * cites), the value per stage, the not-applicable reason, each evidence document checked and
 * the coordinator comment that applies now.
 *
 * "Applies now": a coordinator's comments belong to the decision they came with (the latest
 * one, from the change log). After a return — also while the re-signed record
 * (`diperbaiki`) waits — the return's overall comment and per-indicator comments apply;
 * after a reopening, its reason. After an approval only what the approval itself wrote
 * applies: a comment of an earlier return is stale and is not exported. An overall comment
 * is a new `comment` record per decision, written at the decision's server time; each
 * decision clears the per-indicator comments it does not keep (review.service.ts), so a
 * comment written before an approval is one an older server left behind.
 */

/** The Indonesian words for a record's state (core record-state.ts). */
export const STATE_ID: Readonly<Record<RecordState, string>> = {
  draft: 'draf',
  signed: 'ditandatangani',
  returned: 'dikembalikan',
  resigned: 'ditandatangani ulang',
  approved: 'disetujui',
};

/** The Indonesian words for whether the signatures hold. */
export const SIGNING_ID: Readonly<Record<SigningState, string>> = {
  unsigned: 'belum ditandatangani',
  signed: 'sah',
  void: 'batal: hasil berubah setelah ditandatangani',
};

/** The mark of a predikat of a partial or incomplete record. */
export const PROVISIONAL_ID = 'SEMENTARA';

/** The mark of a signing time from a tablet whose clock was off. */
export const DOUBTFUL_CLOCK_ID = '⚠ jam tablet diragukan';

/** The Indonesian words for a coordinator decision, by the status it set. */
export const DECISION_ID: Readonly<Record<string, string>> = {
  disetujui: 'disetujui',
  dikembalikan: 'dikembalikan',
  dibuka: 'dibuka kembali',
};

/** The Indonesian words for an evidence document's state. */
export const CHECK_STATE_ID = {
  present: 'ada',
  missing: 'tidak ada',
  inadequate: 'tidak memadai',
  unchecked: 'belum diperiksa',
} as const;

/** One expected document of an indicator as the verifier checked it. */
export interface CheckExport {
  level: number;
  /** 1-based, as people number them. */
  index: number;
  /** The document the instrument expects at this level (its evidence hint). */
  evidence: string;
  state: keyof typeof CHECK_STATE_ID;
  note: string;
}

/** One indicator's texts and evidence checks. */
export interface IndicatorExport {
  /** The outside index as entered, for an indicator valued from another agency's index. */
  sourceValue: number | null;
  notes: string;
  naReason: string;
  /** The coordinator's comment on this indicator, when it applies now (else ''). */
  reviewComment: string;
  /** The documents checked (a state or a note), by level then number. */
  checks: CheckExport[];
  /** What the unit must do to reach the next level. */
  rekomendasi: string;
  /** The penjelasan in three parts (core workflow.ts OUTPUT_FIELDS). */
  penjelasanFakta: string;
  penjelasanAnalisis: string;
  penjelasanJustifikasi: string;
  /** Names of the evidence files the penjelasan cites (unknown ids are left out). */
  citedFiles: string[];
  /** The verification's `stages.<stage>` fields as stored (read with core `stageValueOf`). */
  stageFields: Record<string, unknown>;
}

/**
 * Whether a coordinator's comment written at `serverAt` belongs to the latest decision: a
 * decision writes its comments with it, at the same server time, so one written before is
 * an earlier decision's (stale). Without a decision, no coordinator comment applies.
 */
export function ofLatestDecision(
  decision: Pick<DecisionRow, 'at'> | null,
  serverAt: number | undefined,
): boolean {
  return !!decision && serverAt !== undefined && serverAt >= decision.at;
}

/** One assessment's record as the exports write it. */
export interface RecordExport {
  /** The verifier named in the berita acara (else ''; the caller falls back on the assignment). */
  verifierName: string;
  state: RecordState;
  signing: SigningState;
  partial: boolean;
  /**
   * Its predikat needs the "SEMENTARA" mark (core `isProvisional`): signed as partial, or
   * the record does not cover every applicable indicator.
   */
  provisional: boolean;
  signedAt: number | null;
  /** The signing time came from a tablet whose clock was off ("⚠ jam tablet diragukan"). */
  signedAtDoubtful: boolean;
  /** The latest coordinator decision, whether or not its comments still apply. */
  decision: DecisionRow | null;
  /** The coordinator's overall comment that applies now (else ''). */
  comment: string;
  indicators: Map<number, IndicatorExport>;
}

type Fields = Map<string, ExportField>;

const text = (r: Fields | undefined, f: string): string => {
  const v = r?.get(f)?.value;
  return typeof v === 'string' ? v : '';
};
const number = (r: Fields | undefined, f: string): number | null => {
  const v = r?.get(f)?.value;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

const ids = (r: Fields | undefined, f: string): string[] => {
  const v = r?.get(f)?.value;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
};

/** Each assessment's records (keyed `entity|recordId`), each a map of its fields. */
function recordsOf(fields: readonly ExportField[]): Map<string, Map<string, Fields>> {
  const out = new Map<string, Map<string, Fields>>();
  for (const f of fields) {
    let records = out.get(f.assessmentId);
    if (!records) {
      records = new Map();
      out.set(f.assessmentId, records);
    }
    const key = `${f.entity}|${f.recordId}`;
    let r = records.get(key);
    if (!r) {
      r = new Map();
      records.set(key, r);
    }
    r.set(f.field, f);
  }
  return out;
}

/** The verification records of one assessment, by indicator number. */
function* verifications(
  assessmentId: string,
  records: Map<string, Fields>,
): Generator<[number, Fields]> {
  for (const [key, r] of records) {
    if (!key.startsWith('verification|')) continue;
    const no = number(r, 'indicatorNo') ?? noOfId(assessmentId, key.slice(key.indexOf('|') + 1));
    if (no !== null) yield [no, r];
  }
}

/** The document the instrument expects for an indicator at a level and place. */
function evidenceTexts(fw: Framework): (no: number, level: number, index: number) => string {
  const byNo = new Map(listIndicators(fw).map((ind) => [ind.no, ind.spec.levels]));
  return (no, level, index) =>
    byNo.get(no)?.[level - 1]?.evidence[index] ?? `Bukti ${level}.${index + 1}`;
}

/**
 * The evidence documents checked per assessment and indicator of a batch, from the
 * `checks.*` fields of its verifications (`exportFields` with `checks`).
 */
export function evidenceChecks(
  fw: Framework,
  fields: readonly ExportField[],
): Map<string, Map<number, CheckExport[]>> {
  const evidence = evidenceTexts(fw);
  const out = new Map<string, Map<number, CheckExport[]>>();
  for (const [assessmentId, records] of recordsOf(fields)) {
    const byNo = new Map<number, CheckExport[]>();
    for (const [no, r] of verifications(assessmentId, records))
      byNo.set(
        no,
        checksOf(r, (level, index) => evidence(no, level, index)),
      );
    out.set(assessmentId, byNo);
  }
  return out;
}

/**
 * The records of a batch of assessments from their fields (`exportFields` with `record`,
 * and `checks` when the checks are wanted too), with each one's latest decision; `status`
 * gives each assessment's stored status, `clocks` how each signing time came in
 * (`signingClocks`: whether it is doubtful).
 */
export function recordExports(
  fw: Framework,
  fields: readonly ExportField[],
  decisions: readonly DecisionRow[],
  status: ReadonlyMap<string, string>,
  clocks: readonly SigningClockRow[] = [],
): Map<string, RecordExport> {
  const clockOf = new Map(clocks.map((c) => [c.assessmentId, c]));
  const nos = listIndicators(fw).map((i) => i.no);
  const evidence = evidenceTexts(fw);
  const decisionOf = new Map(decisions.map((d) => [d.assessmentId, d]));
  const out = new Map<string, RecordExport>();
  for (const [assessmentId, records] of recordsOf(fields)) {
    const ba = records.get(`beritaAcara|${beritaAcaraId(assessmentId)}`);
    const decision = decisionOf.get(assessmentId) ?? null;
    // Written with the latest decision (the same server time), or belonging to a return.
    const current = (f: ExportField | undefined) =>
      !!decision && !!f && (decision.status === 'dikembalikan' || f.serverAt >= decision.at);

    const fileName = new Map<string, string>();
    for (const [key, r] of records)
      if (key.startsWith('evidenceFile|')) fileName.set(key.slice(13), text(r, 'name'));
    const indicators = new Map<number, IndicatorExport>();
    for (const [no, r] of verifications(assessmentId, records))
      indicators.set(no, {
        sourceValue: number(r, 'sourceValue'),
        notes: text(r, 'notes'),
        naReason: text(r, 'naReason'),
        reviewComment: current(r.get('reviewComment')) ? text(r, 'reviewComment') : '',
        checks: checksOf(r, (level, index) => evidence(no, level, index)),
        rekomendasi: text(r, 'rekomendasi'),
        penjelasanFakta: text(r, 'penjelasanFakta'),
        penjelasanAnalisis: text(r, 'penjelasanAnalisis'),
        penjelasanJustifikasi: text(r, 'penjelasanJustifikasi'),
        citedFiles: ids(r, 'penjelasanFiles').flatMap((id) => {
          const name = fileName.get(id);
          return name === undefined ? [] : [name];
        }),
        stageFields: Object.fromEntries(
          [...r].flatMap(([field, f]) => (stageOfField(field) ? [[field, f.value]] : [])),
        ),
      });
    // A decision's overall comment is a new record written with it: never an older one.
    let comment: ExportField | null = null;
    for (const [key, r] of records) {
      const body = r.get('body');
      if (
        key.startsWith('comment|') &&
        body &&
        ofLatestDecision(decision, body.serverAt) &&
        text(r, 'kind') !== 'verifier' &&
        number(r, 'indicatorNo') === null &&
        text(r, 'body').trim() !== '' &&
        (!comment || body.serverAt >= comment.serverAt)
      )
        comment = body;
    }
    const signing = readSigning(
      assessmentId,
      [...records.values()].flatMap((r) => [...r.values()]),
      nos,
      clockOf.get(assessmentId),
    );
    out.set(assessmentId, {
      verifierName: text(ba, 'verifierName').trim(),
      state: recordStateOf(status.get(assessmentId) ?? ''),
      signing: signing.state,
      partial: signing.partial,
      provisional: isProvisional({
        partial: signing.partial,
        complete: signing.completeness.complete,
      }),
      signedAt: signing.signedAt,
      signedAtDoubtful: signing.timeDoubtful,
      decision,
      comment: typeof comment?.value === 'string' ? comment.value.trim() : '',
      indicators,
    });
  }
  return out;
}

/** The documents of a verification the verifier checked (a state or a note), in order. */
function checksOf(r: Fields, evidence: (level: number, index: number) => string): CheckExport[] {
  const checks: CheckExport[] = [];
  for (const [field, f] of r) {
    const m = CHECK_FIELD_RE.exec(field);
    if (!m || !f.value || typeof f.value !== 'object') continue;
    const v = f.value as { state?: unknown; note?: unknown };
    const state =
      v.state === 'present' || v.state === 'missing' || v.state === 'inadequate'
        ? v.state
        : 'unchecked';
    const note = typeof v.note === 'string' ? v.note : '';
    if (state === 'unchecked' && note.trim() === '') continue;
    const level = Number(m[1]);
    const index = Number(m[2]);
    checks.push({ level, index: index + 1, evidence: evidence(level, index), state, note });
  }
  return checks.sort((x, y) => x.level - y.level || x.index - y.index);
}

/** The indicator a verification's deterministic id `<assessmentId>:<no>` names. */
function noOfId(assessmentId: string, recordId: string): number | null {
  const suffix = recordId.slice(assessmentId.length + 1);
  return recordId.startsWith(`${assessmentId}:`) && /^\d{1,3}$/.test(suffix)
    ? Number(suffix)
    : null;
}

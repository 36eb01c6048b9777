// Specific core modules, not the barrel: the home screen counts conflicts with this module,
// and the first load must not carry core's schemas (zod) or its audit wording.
import { pairStageConflicts, shownConflicts as shownStageConflicts } from '../../core/workflow';
import type { Conflict, TelusurStore, Verification } from '../../store';

/**
 * Open conflicts as the verifier meets them outside the indicator's own page: counted per
 * unit on the home card, marked per indicator on the checklist (with this tablet's own value),
 * listed on the storage page. Which side is "mine" depends on this tablet's part in the
 * conflict (store `ConflictRole`).
 */

/** One side of a conflict as the tablet shows it. */
export interface ConflictSide {
  value: unknown;
  /** Who wrote it ("Verifikator Dua (Tab Bulakan)"); null for this tablet's side. */
  author: string | null;
  /** When the edit was made on its tablet (hybrid clock), else the best time known. */
  editedAt: number | null;
  /** When the server received it (null: not known, e.g. rows of older app versions). */
  receivedAt: number | null;
  /** That tablet's clock was off when the edit came in. */
  doubtful: boolean;
}

export interface ConflictSides {
  mine: ConflictSide;
  other: ConflictSide;
  /** Which edit was made later on its tablet; null when the times do not tell. */
  newer: 'mine' | 'other' | null;
}

/** The wire fields a stored row may carry (rows of older app versions lack them). */
interface ConflictTimes {
  localEditedAt?: number | null;
  localReceivedAt?: number | null;
  serverEditedAt?: number | null;
  localClockDoubtful?: boolean;
  serverClockDoubtful?: boolean;
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

const sameRole = (a: Conflict, b: Conflict) => (a.role ?? 'raised') === (b.role ?? 'raised');

/**
 * Stage-value conflicts that go with a verified-value conflict of the same record and role
 * (core `pairStageConflicts`): the verifier sees and settles them as one.
 */
export function pairedStageConflicts(list: readonly Conflict[]): Map<string, Conflict[]> {
  return pairStageConflicts(list, sameRole);
}

/** The conflicts the verifier sees and counts: a paired stage conflict goes with its lead. */
export function shownConflicts<T extends Conflict>(list: readonly T[]): T[] {
  return shownStageConflicts(list, sameRole);
}

/**
 * This tablet's value and the other one, with their times: for a conflict this tablet
 * raised, its value is the one the server did not apply (`localValue`); for one where its
 * value was disputed, its value is the server's (`serverValue`).
 */
export function conflictSides(c: Conflict): ConflictSides {
  const t = c as Conflict & ConflictTimes;
  const local: ConflictSide = {
    value: c.localValue,
    author: c.localAuthor ?? null,
    editedAt: num(t.localEditedAt) ?? c.localAt,
    receivedAt: num(t.localReceivedAt),
    doubtful: t.localClockDoubtful === true,
  };
  const server: ConflictSide = {
    value: c.serverValue,
    author: c.serverAuthor,
    // A value the server made itself (a coordinator's decision) has no tablet time.
    editedAt: num(t.serverEditedAt) ?? c.serverAt,
    receivedAt: c.serverAt,
    doubtful: t.serverClockDoubtful === true,
  };
  const disputed = c.role === 'disputed';
  const mine = disputed ? { ...server, author: null } : { ...local, author: null };
  const other = disputed ? local : server;
  const newer =
    mine.editedAt === null || other.editedAt === null || mine.editedAt === other.editedAt
      ? null
      : mine.editedAt > other.editedAt
        ? 'mine'
        : 'other';
  return { mine, other, newer };
}

/** The indicator number a verification id names (`<assessmentId>:<no>`), else null. */
function indicatorOfId(recordId: string): number | null {
  const n = Number(recordId.slice(recordId.lastIndexOf(':') + 1));
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** Open conflicts by indicator number (0: the assessment or its berita acara). */
export type IndicatorConflicts = Map<number, Conflict[]>;

/**
 * The open conflicts of an assessment by indicator: a verification's by its id, an evidence
 * file's and a comment's by the indicator they belong to. Conflicts of the assessment or the
 * berita acara are under 0.
 */
export async function conflictsByIndicator(
  store: TelusurStore,
  assessmentId: string,
): Promise<IndicatorConflicts> {
  const open = shownConflicts(await store.conflicts.listByAssessment(assessmentId));
  const out: IndicatorConflicts = new Map();
  if (open.length === 0) return out;
  const needsLookup = open.some((c) => c.entity === 'evidenceFile' || c.entity === 'comment');
  const [files, comments] = needsLookup
    ? await Promise.all([
        store.evidence.listByAssessment(assessmentId, { includeDeleted: true }),
        store.comments.listByAssessment(assessmentId),
      ])
    : [[], []];
  const owner = new Map<string, number | null>([
    ...files.map((f) => [f.id, f.indicatorNo] as [string, number]),
    ...comments.map((c) => [c.id, c.indicatorNo] as [string, number | null]),
  ]);
  for (const c of open) {
    const no =
      c.entity === 'verification' ? indicatorOfId(c.recordId) : (owner.get(c.recordId) ?? null);
    const key = no ?? 0;
    out.set(key, [...(out.get(key) ?? []), c]);
  }
  return out;
}

/**
 * A verification as this tablet's verifier left it: on fields of a conflict this tablet
 * raised, the record holds the other tablet's value (the server kept it), so its own value
 * is put back for display. Nothing is written.
 */
export function withOwnValues(
  v: Verification | undefined,
  conflicts: readonly Conflict[] | undefined,
): Verification | undefined {
  if (!v || !conflicts?.length) return v;
  const own = conflicts.filter(
    (c) => c.entity === 'verification' && c.recordId === v.id && c.role !== 'disputed',
  );
  if (own.length === 0) return v;
  const out: Record<string, unknown> = { ...v };
  for (const c of own) out[c.field] = c.localValue;
  return out as Verification;
}

/** An open conflict named for the storage page: its unit and indicator. */
export interface OpenConflict {
  conflict: Conflict;
  assessmentId: string;
  unitName: string;
  /** Null for conflicts of the whole assessment or its berita acara. */
  indicatorNo: number | null;
}

/** Every open conflict on this tablet, by unit name then indicator. */
export async function listOpenConflicts(store: TelusurStore): Promise<OpenConflict[]> {
  const open = await store.conflicts.listOpen();
  if (open.length === 0) return [];
  const units = new Map((await store.reference.listUnits()).map((u) => [u.id, u.name]));
  const out: OpenConflict[] = [];
  for (const assessmentId of new Set(open.map((c) => c.assessmentId))) {
    const a = await store.assessments.get(assessmentId);
    const unitName = (a && units.get(a.unitId)) ?? a?.unitId ?? assessmentId;
    for (const [no, list] of await conflictsByIndicator(store, assessmentId)) {
      for (const conflict of list)
        out.push({ conflict, assessmentId, unitName, indicatorNo: no === 0 ? null : no });
    }
  }
  return out.sort(
    (x, y) => x.unitName.localeCompare(y.unitName) || (x.indicatorNo ?? 0) - (y.indicatorNo ?? 0),
  );
}

import type { Framework } from '../../core';
import type {
  Assessment,
  BeritaAcara,
  Comment,
  Period,
  TelusurStore,
  Unit,
  Verification,
} from '../../store';
import { frameworkFor } from '../state/workspace';

/** Everything a unit's screens show, loaded in one live query. */
export interface AssessmentView {
  assessment: Assessment;
  framework: Framework;
  unit: Unit | null;
  period: Period | null;
  verifications: Map<number, Verification>;
  beritaAcara: BeritaAcara | null;
  /** The unit's comments: the verifier's, and the coordinator's return and reopening reasons. */
  comments: Comment[];
}

export async function loadAssessment(
  store: TelusurStore,
  id: string,
): Promise<AssessmentView | null> {
  const assessment = await store.assessments.get(id);
  if (!assessment) return null;
  const [framework, unit, period, verifs, beritaAcara, comments] = await Promise.all([
    frameworkFor(store, assessment.frameworkId),
    store.reference.getUnit(assessment.unitId),
    store.reference.getPeriod(assessment.periodId),
    store.verifications.listByAssessment(id),
    store.beritaAcara.get(id),
    store.comments.listByAssessment(id),
  ]);
  return {
    assessment,
    framework,
    unit,
    period,
    verifications: new Map(verifs.map((v) => [v.indicatorNo, v])),
    beritaAcara,
    comments,
  };
}

/**
 * True while the server's current assignments (as last synced) name this assessment, or its
 * period and unit. A withdrawn unit stays on the tablet with its unsent and refused work.
 */
export function isAssigned(
  assignments: readonly { periodId: string; unitId: string; assessmentId?: unknown }[],
  assessment: Pick<Assessment, 'id' | 'periodId' | 'unitId'>,
): boolean {
  return assignments.some(
    (a) =>
      a.assessmentId === assessment.id ||
      (a.periodId === assessment.periodId && a.unitId === assessment.unitId),
  );
}

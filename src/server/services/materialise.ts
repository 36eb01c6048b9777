import { type Stage, type StageValue, stageField, verificationId } from '../../core';
import type { Repositories } from '../db/repositories';
import type { Assessment } from '../domain';
import { RecordBatch, type WriteMeta } from './record-batch';

/**
 * Server-owned data tablets receive by pull like any other change: the assessment record an
 * assignment creates, and the self-assessed levels (penilaian mandiri) of its unit as verification
 * fields. Written into the sync record store as ordinary changes (version bump, change log) inside
 * the caller's transaction.
 */

function meta(source: WriteMeta['source'], actor: string | null): WriteMeta {
  return { source, deviceId: null, deviceSeq: null, accountId: actor, deviceAt: null, hlc: null };
}

/** A new assessment's fields plus its unit's current self-assessment. */
export async function materialiseAssessment(
  repos: Repositories,
  assessment: Assessment,
  actor: string | null,
  now: number,
): Promise<void> {
  const batch = await RecordBatch.open(repos, now);
  await batch.load([assessment.id]);
  batch.serverWrite(
    'assessment',
    assessment.id,
    {
      periodId: assessment.periodId,
      unitId: assessment.unitId,
      frameworkId: assessment.frameworkId,
      status: assessment.status,
      submittedAt: assessment.submittedAt,
    },
    assessment.id,
    meta('assignment', actor),
  );
  await writeSelfLevels(repos, batch, assessment, meta('assignment', actor));
  await batch.flush();
}

/**
 * After self-assessed levels of a period changed: bring the verification records of the
 * units' assessments (where one exists) in line with the stored levels. Indicators whose
 * level was removed get `selfLevel: null`.
 */
export async function materialiseSelfLevels(
  repos: Repositories,
  periodId: string,
  unitIds: readonly string[],
  actor: string | null,
  now: number,
): Promise<void> {
  let batch: RecordBatch | null = null;
  for (const unitId of new Set(unitIds)) {
    const assessment = await repos.assignments.findAssessment(periodId, unitId);
    if (!assessment) continue;
    batch ??= await RecordBatch.open(repos, now);
    await writeSelfLevels(repos, batch, assessment, meta('self_assessment', actor));
  }
  await batch?.flush();
}

async function writeSelfLevels(
  repos: Repositories,
  batch: RecordBatch,
  a: Assessment,
  m: WriteMeta,
): Promise<void> {
  const levels = await repos.selfAssessments.listForUnits(a.periodId, [a.unitId]);
  const existing = await repos.sync.fieldsOfAssessment(a.id, {
    entity: 'verification',
    fields: ['selfLevel'],
  });
  const ids = new Set([
    ...levels.map((l) => verificationId(a.id, l.indicatorNo)),
    ...existing.map((f) => f.recordId),
  ]);
  await batch.load([...ids]);
  const given = new Set<string>();
  for (const l of levels) {
    const id = verificationId(a.id, l.indicatorNo);
    given.add(id);
    batch.serverWrite(
      'verification',
      id,
      {
        assessmentId: a.id,
        indicatorNo: l.indicatorNo,
        selfLevel: l.level,
        selfJustification: l.justification,
      },
      a.id,
      m,
    );
  }
  for (const f of existing) {
    if (given.has(f.recordId) || f.value === null) continue;
    batch.serverWrite(
      'verification',
      f.recordId,
      { selfLevel: null, selfJustification: '' },
      a.id,
      m,
    );
  }
}

/**
 * A verifier's values in one stage of an assessment, written on the server as the tablet
 * writes them (the stage value `{value, by, at}` and `verifiedLevel`, the latest value,
 * together; in penilaian mandiri the stage value only). Only the demo seed does this: a
 * tablet sends its own values by push.
 *
 * @param values indicator number → value (already in the instrument's domain)
 * @param by the verifier: account id (audit) and name (kept in the stage value)
 */
export async function writeStageValues(
  repos: Repositories,
  assessmentId: string,
  stage: Stage,
  values: Readonly<Record<number, number>>,
  by: { accountId: string; name: string },
  now: number,
): Promise<void> {
  const batch = await RecordBatch.open(repos, now);
  await batch.load([assessmentId]);
  const m: WriteMeta = { ...meta('push', by.accountId), deviceAt: now };
  for (const [no, value] of Object.entries(values)) {
    const sv: StageValue = { value, by: by.name, at: now };
    batch.serverWrite(
      'verification',
      verificationId(assessmentId, Number(no)),
      {
        assessmentId,
        indicatorNo: Number(no),
        [stageField(stage)]: sv,
        ...(stage === 'mandiri' ? {} : { verifiedLevel: value }),
      },
      assessmentId,
      m,
    );
  }
  await batch.flush();
}

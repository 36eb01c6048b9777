/**
 * Reads and writes per table: the records a verifier edits (assessments, verifications,
 * berita acara, comments — every write through the single write path), the server-owned
 * reference data, conflicts and sync cursors. Evidence and its files are in evidence.ts.
 */
import type { Table } from 'dexie';
import { beritaAcaraId, checkField, type TabletAction, uuidv7, verificationId } from '../core';
import type {
  AssessmentRepository,
  BeritaAcaraRepository,
  CommentRepository,
  ConflictRepository,
  CursorApi,
  ReferenceRepository,
  VerificationRepository,
} from './api';
import { byNumber, guard, rowsToDomain, type StoreContext, tableOf, toDomain } from './context';
import { rowByKey, rowsWhere } from './direct';
import { RecordNotFoundError, ValidationError } from './errors';
import type { RecordRow } from './schema';
import type { Assessment, BeritaAcara, Comment, Conflict, Verification } from './types';
import { save, stage, validate } from './write';

/** Conflicts are not an entity; errors about a missing one name the verification table. */
const CONFLICT_ERROR_ENTITY = 'verification' as const;

/** One indicator's verification per assessment (id from core `verificationId`). */
export function verificationRepository(c: StoreContext): VerificationRepository {
  const repository: VerificationRepository = {
    // Native reads when allowed (direct.ts): the same rows, without Dexie's layers.
    get: (assessmentId, no) =>
      guard(() =>
        rowByKey<RecordRow>(c, 'verifications', verificationId(assessmentId, no)).then((r) =>
          toDomain<Verification>(r),
        ),
      ),
    listByAssessment: (assessmentId) =>
      guard(() =>
        rowsWhere<RecordRow>(c, 'verifications', 'assessmentId', assessmentId).then((rows) =>
          rowsToDomain<Verification>(rows.sort(byNumber('indicatorNo'))),
        ),
      ),
    update: (assessmentId, no, changes) =>
      save<Verification>(c, 'verification', verificationId(assessmentId, no), changes, {
        assessmentId,
        indicatorNo: no,
      }),
    setCheck: (assessmentId, no, level, index, check) =>
      repository.update(assessmentId, no, { [checkField(level, index)]: check }),
  };
  return repository;
}

export function assessmentRepository(c: StoreContext): AssessmentRepository {
  const db = c.db;
  return {
    get: (id) => guard(() => db.assessments.get(id).then((r) => toDomain<Assessment>(r))),
    list: () =>
      guard(() => db.assessments.toArray().then((rows) => rowsToDomain<Assessment>(rows))),
    findByUnit: (periodId, unitId) =>
      guard(() =>
        db.assessments
          .where('[periodId+unitId]')
          .equals([periodId, unitId])
          .first()
          .then((r) => toDomain<Assessment>(r)),
      ),
    create: ({ id, ...fields }) =>
      save<Assessment>(
        c,
        'assessment',
        id ?? uuidv7(c.now()),
        { status: 'sedang', ...fields },
        {},
        'create',
      ),
    update: (id, changes) => save<Assessment>(c, 'assessment', id, changes, {}),
  };
}

export function beritaAcaraRepository(c: StoreContext): BeritaAcaraRepository {
  const db = c.db;
  return {
    get: (assessmentId) =>
      guard(() =>
        db.beritaAcara.get(beritaAcaraId(assessmentId)).then((r) => toDomain<BeritaAcara>(r)),
      ),
    update: (assessmentId, changes) =>
      save<BeritaAcara>(c, 'beritaAcara', beritaAcaraId(assessmentId), changes, {
        assessmentId,
      }),
  };
}

export function commentRepository(c: StoreContext): CommentRepository {
  const commentsOf = (assessmentId: string, indicatorNo?: number) =>
    guard(() =>
      (indicatorNo === undefined
        ? rowsWhere<RecordRow>(c, 'comments', 'assessmentId', assessmentId)
        : rowsWhere<RecordRow>(c, 'comments', '[assessmentId+indicatorNo]', [
            assessmentId,
            indicatorNo,
          ])
      ).then((rows) => rowsToDomain<Comment>(rows.sort(byNumber('createdAt')))),
    );
  return {
    add: ({ assessmentId, indicatorNo, body, author }) => {
      const at = c.now();
      return save<Comment>(
        c,
        'comment',
        uuidv7(at),
        { body },
        { assessmentId, indicatorNo, author, createdAt: at },
        'create',
      );
    },
    update: (id, changes) => save<Comment>(c, 'comment', id, changes, null),
    listByAssessment: (assessmentId) => commentsOf(assessmentId),
    listByIndicator: (assessmentId, indicatorNo) => commentsOf(assessmentId, indicatorNo),
  };
}

/**
 * Server-owned periods, units, assignments, frameworks and improvement actions: written by
 * sync, no outbox.
 */
export function referenceRepository(c: StoreContext): ReferenceRepository {
  const db = c.db;
  const putAll = <T>(table: Table<T, string>, rows: T[]) =>
    guard(() => db.transaction('rw', table, () => table.bulkPut(rows)).then(() => undefined));
  return {
    putPeriods: (rows) => putAll(db.periods, rows),
    putUnits: (rows) => putAll(db.units, rows),
    putAssignments: (rows) => putAll(db.assignments, rows),
    putFrameworks: (rows) => putAll(db.frameworks, rows),
    removeAssignments: (ids) => guard(() => db.assignments.bulkDelete(ids)),
    listPeriods: () => guard(() => db.periods.toArray()),
    getPeriod: (id) => guard(() => db.periods.get(id).then((r) => r ?? null)),
    listUnits: () => guard(() => db.units.toArray()),
    getUnit: (id) => guard(() => db.units.get(id).then((r) => r ?? null)),
    listAssignments: (periodId) =>
      guard(() =>
        periodId === undefined
          ? db.assignments.toArray()
          : db.assignments.where('periodId').equals(periodId).toArray(),
      ),
    listFrameworks: () => guard(() => db.frameworks.toArray()),
    getFramework: (id) => guard(() => db.frameworks.get(id).then((r) => r ?? null)),
    replaceActions: (rows) =>
      guard(() =>
        db.transaction('rw', db.actions, async () => {
          await db.actions.clear();
          await db.actions.bulkPut(rows);
        }),
      ),
    listActionsForUnit: (unitId) => guard(() => actionsOfUnit(c, unitId)),
    listActionsForIndicator: (unitId, frameworkId, indicatorNo) =>
      guard(() =>
        actionsOfUnit(c, unitId).then((rows) =>
          rows.filter((a) => a.frameworkId === frameworkId && a.indicatorNo === indicatorNo),
        ),
      ),
  };
}

/** Actions on a unit or owned by it, once each, by due date, indicator, id. */
async function actionsOfUnit(c: StoreContext, unitId: string): Promise<TabletAction[]> {
  const db = c.db;
  return db.transaction('r', db.actions, async () => {
    const [on, owned] = await Promise.all([
      db.actions.where('unitId').equals(unitId).toArray(),
      db.actions.where('ownerUnitId').equals(unitId).toArray(),
    ]);
    const byId = new Map([...on, ...owned].map((a) => [a.id, a]));
    return [...byId.values()].sort(
      (a, b) =>
        a.dueDate.localeCompare(b.dueDate) ||
        a.indicatorNo - b.indicatorNo ||
        a.id.localeCompare(b.id),
    );
  });
}

export function conflictRepository(c: StoreContext): ConflictRepository {
  const db = c.db;
  return {
    put: (rows) =>
      guard(() =>
        db.transaction('rw', [db.conflicts, db.outbox], async () => {
          // A conflict this tablet settled, whose settling change is still unsent, stays
          // settled: a server list fetched before that change arrived would reopen it.
          const local = await db.conflicts.bulkGet(rows.map((r) => r.id));
          const keep: Conflict[] = [];
          for (const [i, row] of rows.entries()) {
            const mine = local[i];
            if (!row.resolved && mine?.resolved) {
              const pending = await db.outbox
                .where('[entity+id]')
                .equals([row.entity, row.recordId])
                .filter((m) => Object.hasOwn(m.changes, row.field))
                .count();
              if (pending > 0) continue;
            }
            keep.push(row);
          }
          await db.conflicts.bulkPut(keep);
        }),
      ),
    listByAssessment: (assessmentId, options) =>
      guard(() =>
        db.conflicts
          .where('assessmentId')
          .equals(assessmentId)
          .toArray()
          .then((rows) => rows.filter((r) => options?.includeResolved || !r.resolved)),
      ),
    listOpen: () => guard(() => db.conflicts.filter((r) => !r.resolved).toArray()),
    markResolved: (id) =>
      guard(() => db.conflicts.update(id, { resolved: true }).then(() => undefined)),
    resolve: (id, value) => resolveConflicts(c, [{ id, value }]),
    resolveTogether: (choices) => resolveConflicts(c, choices),
  };
}

/**
 * See ConflictRepository.resolve / resolveTogether: the chosen values as ONE change of their
 * record, based on the server's versions (the choice is made knowing the server's values).
 */
async function resolveConflicts(
  c: StoreContext,
  choices: readonly { id: string; value: unknown }[],
): Promise<void> {
  const db = c.db;
  if (choices.length === 0) return;
  const conflicts = await guard(() => db.conflicts.bulkGet(choices.map((x) => x.id)));
  const found = conflicts.map((conflict, i) => {
    if (!conflict) throw new RecordNotFoundError(CONFLICT_ERROR_ENTITY, choices[i]?.id ?? '');
    return conflict;
  });
  const first = found[0] as (typeof found)[number];
  if (found.some((x) => x.entity !== first.entity || x.recordId !== first.recordId))
    throw new ValidationError(first.entity, [
      { field: 'recordId', message: 'conflicts of different records' },
    ]);
  const changes: Record<string, unknown> = {};
  found.forEach((x, i) => {
    changes[x.field] = choices[i]?.value;
  });
  const clean = validate(first.entity, changes);
  const table = tableOf(db, first.entity);
  await guard(() =>
    db.transaction('rw', [table, db.assessments, db.outbox, db.meta, db.conflicts], async () => {
      const row = await table.get(first.recordId);
      if (!row) throw new RecordNotFoundError(first.entity, first.recordId);
      const versions = { ...row._versions };
      for (const x of found) versions[x.field] = x.serverVersion;
      await table.put({ ...row, _versions: versions });
      await stage(
        c,
        first.entity,
        first.recordId,
        clean,
        null,
        'upsert',
        new Set(found.map((x) => x.field)),
      );
      for (const x of found) await db.conflicts.update(x.id, { resolved: true });
    }),
  );
}

/** Named sync cursors (meta rows `cursor:<name>`). */
export function cursorApi(c: StoreContext): CursorApi {
  const db = c.db;
  return {
    get: (name) =>
      guard(() =>
        db.meta.get(`cursor:${name}`).then((r) => (typeof r?.value === 'string' ? r.value : null)),
      ),
    set: (name, value) =>
      guard(() => db.meta.put({ key: `cursor:${name}`, value }).then(() => undefined)),
  };
}

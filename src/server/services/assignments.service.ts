import {
  type AssignmentCreateResult,
  type OfflinePackage,
  PROTOCOL_VERSION,
  type ReassignResult,
  type Stage,
  type TabletAction,
  uuidv7,
} from '../../core';
import type { AssignmentFilter } from '../db/assignments.repository';
import { isUniqueViolation } from '../db/errors';
import { inTransaction } from '../db/repositories';
import type { Assessment, Assignment, Principal, SelfAssessmentLevel, Unit } from '../domain';
import { fieldProblem, Problem } from '../problems';
import { type ActorId, BaseService, type ServiceDeps } from './context';
import type { FrameworksService } from './frameworks.service';
import { materialiseAssessment, writeStageValues } from './materialise';
import { organisationView } from './organisation.service';
import type { PeriodsService } from './periods.service';

/** Assignments (unit × period × verifier), the assessment each creates, and verifier scope. */
export class AssignmentsService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly periods: PeriodsService,
    private readonly frameworks: FrameworksService,
    /** The actions of the verifier's units for the offline package (issue 18). */
    private readonly actions?: { forTablet(verifierId: string): Promise<TabletAction[]> },
  ) {
    super(deps);
  }

  list(filter: AssignmentFilter): Promise<Assignment[]> {
    return this.repos.assignments.list(filter);
  }

  /**
   * Assign units of a period to a verifier. Idempotent: pairs already assigned are
   * returned unchanged. The unit's assessment (one per period × unit) is created with the
   * first assignment and shared by every verifier assigned to that unit.
   */
  async create(
    input: { periodId: string; verifierId: string; unitIds: readonly string[] },
    actor: ActorId,
  ): Promise<AssignmentCreateResult> {
    const period = await this.periods.get(input.periodId).catch((e) => {
      if (e instanceof Problem && e.code === 'not_found')
        throw fieldProblem(
          'periodId',
          'unknown_reference',
          'Periode tidak ditemukan.',
          'Period not found.',
        );
      throw e;
    });
    if (period.status === 'closed') throw new Problem('period_closed');
    const verifier = await this.activeVerifier(input.verifierId);
    const unitIds = [...new Set(input.unitIds)];
    const units = await this.repos.units.findByIds(unitIds);
    const found = new Set(units.map((u) => u.id));
    const missing = unitIds.findIndex((id) => !found.has(id));
    if (missing >= 0) {
      throw fieldProblem(
        `unitIds.${missing}`,
        'unknown_reference',
        'Unit tidak ditemukan.',
        'Unit not found.',
      );
    }
    const run = () =>
      inTransaction(this.deps.db, async (repos) => {
        // Take the change-log writer lock before inserting assessments, not in between:
        // two overlapping assignments could otherwise wait on each other (deadlock).
        await repos.sync.lockWriters();
        const now = this.now();
        const out: Assignment[] = [];
        let created = 0;
        for (const unitId of unitIds) {
          const existing = await repos.assignments.find(period.id, unitId, verifier.id);
          if (existing) {
            out.push(existing);
            continue;
          }
          let assessment = await repos.assignments.findAssessment(period.id, unitId);
          if (!assessment) {
            assessment = await repos.assignments.insertAssessment({
              id: uuidv7(now),
              periodId: period.id,
              unitId,
              frameworkId: period.frameworkId,
              now,
            });
            // Tablets receive the new assessment and its self-assessment by pull, as changes.
            await materialiseAssessment(repos, assessment, actor, now);
          }
          const a: Assignment = {
            id: uuidv7(now),
            periodId: period.id,
            unitId,
            verifierId: verifier.id,
            assessmentId: assessment.id,
            createdAt: now,
          };
          await repos.assignments.insert({ ...a, createdBy: actor });
          out.push(a);
          created++;
        }
        return { assignments: out, created };
      });
    try {
      return await run();
    } catch (e) {
      // Two coordinators assigning the same unit at once: the loser retries and finds the rows.
      if (isUniqueViolation(e)) return run();
      throw e;
    }
  }

  /**
   * Hand assignments to another verifier in one transaction: each one is replaced by its
   * period × unit assigned to `verifierId` (recorded as created by `actor`, as a single
   * assignment is), unless that verifier already holds it. The unit's assessment stays, so
   * nothing a tablet sent is lost; the previous verifier's tablet drops the unit on its next
   * sync, as after a single removal. Nothing changes when any assignment is refused.
   *
   * @throws Problem 422 `validation_failed` (field `verifierId` or `assignmentIds.N`:
   *   `unknown_reference`), 409 `not_a_verifier` (inactive), 409 `period_closed`
   */
  async reassign(
    input: { assignmentIds: readonly string[]; verifierId: string },
    actor: ActorId,
  ): Promise<ReassignResult> {
    const verifier = await this.activeVerifier(input.verifierId);
    const ids = [...new Set(input.assignmentIds)];
    const found = new Map((await this.repos.assignments.findByIds(ids)).map((a) => [a.id, a]));
    const missing = input.assignmentIds.findIndex((id) => !found.has(id));
    if (missing >= 0) {
      throw fieldProblem(
        `assignmentIds.${missing}`,
        'unknown_reference',
        'Penugasan tidak ditemukan (mungkin baru saja dihapus). Muat ulang halaman.',
        'Assignment not found (it may have just been removed). Reload the page.',
      );
    }
    const periods = await this.repos.periods.findByIds([
      ...new Set([...found.values()].map((a) => a.periodId)),
    ]);
    if (periods.some((p) => p.status === 'closed')) throw new Problem('period_closed');
    const run = () =>
      inTransaction(this.deps.db, async (repos) => {
        // The same lock order as `create`, so the two never wait on each other.
        await repos.sync.lockWriters();
        const now = this.now();
        const out: Assignment[] = [];
        let moved = 0;
        for (const id of ids) {
          const old = found.get(id) as Assignment;
          if (old.verifierId === verifier.id) {
            out.push(old);
            continue;
          }
          let next = await repos.assignments.find(old.periodId, old.unitId, verifier.id);
          if (!next) {
            next = {
              id: uuidv7(now),
              periodId: old.periodId,
              unitId: old.unitId,
              verifierId: verifier.id,
              assessmentId: old.assessmentId,
              createdAt: now,
            };
            await repos.assignments.insert({ ...next, createdBy: actor });
          }
          await repos.assignments.delete(old.id);
          out.push(next);
          moved++;
        }
        return { assignments: out, moved, unchanged: ids.length - moved };
      });
    try {
      return await run();
    } catch (e) {
      // A coordinator assigned one of these units to the same verifier meanwhile: retry.
      if (isUniqueViolation(e)) return run();
      throw e;
    }
  }

  /**
   * A verifier's values in one stage of a unit's assessment, written on the server (the
   * demo seed only; see materialise.ts `writeStageValues`).
   *
   * @throws Error when the unit has no assessment in the period (a seeding mistake)
   */
  async seedStageValues(
    periodId: string,
    unitId: string,
    stage: Stage,
    values: Readonly<Record<number, number>>,
    by: { accountId: string; name: string },
  ): Promise<void> {
    const a = await this.repos.assignments.findAssessment(periodId, unitId);
    if (!a) throw new Error(`no assessment of unit ${unitId} in period ${periodId}`);
    await inTransaction(this.deps.db, (repos) =>
      writeStageValues(repos, a.id, stage, values, by, this.now()),
    );
  }

  async delete(id: string): Promise<void> {
    const a = await this.repos.assignments.findById(id);
    if (!a) throw new Problem('not_found', { what: 'Penugasan', whatEn: 'Assignment' });
    // The assessment stays: it may already hold verification data from a tablet.
    await this.repos.assignments.delete(id);
  }

  /**
   * The account `id` when it is a verifier that may receive assignments.
   *
   * @throws Problem 422 `validation_failed` (field `verifierId`: `unknown_reference`), 409
   *   `not_a_verifier` (inactive)
   */
  private async activeVerifier(id: string) {
    const verifier = await this.repos.accounts.findById(id);
    if (verifier?.role !== 'verifier') {
      throw fieldProblem(
        'verifierId',
        'unknown_reference',
        'Verifikator tidak ditemukan.',
        'Verifier not found.',
      );
    }
    if (!verifier.active) throw new Problem('not_a_verifier');
    return verifier;
  }

  /** Coordinators and viewers see every unit; a verifier only units assigned to it in that period. */
  async assertCanAccess(principal: Principal, periodId: string, unitId: string): Promise<void> {
    if (principal.account.role !== 'verifier') return;
    const a = await this.repos.assignments.find(periodId, unitId, principal.account.id);
    if (!a) throw new Problem('not_assigned');
  }

  async getAssessment(id: string, principal: Principal): Promise<Assessment> {
    const a = await this.repos.assignments.findAssessmentById(id);
    if (!a) throw new Problem('not_found', { what: 'Penilaian', whatEn: 'Assessment' });
    await this.assertCanAccess(principal, a.periodId, a.unitId);
    return a;
  }

  /**
   * The verifier's offline package: assignments in periods that are not draft, and the
   * improvement actions of the assigned units (`actions`, see ActionsService.forTablet).
   */
  async offlinePackage(principal: Principal): Promise<OfflinePackage> {
    const verifierId = principal.account.id;
    const all = await this.repos.assignments.list({ verifierId });
    const periods = (
      await this.repos.periods.findByIds([...new Set(all.map((a) => a.periodId))])
    ).filter((p) => p.status !== 'draft');
    const periodIds = new Set(periods.map((p) => p.id));
    const assignments = all.filter((a) => periodIds.has(a.periodId));
    const assignedUnitIds = new Set(assignments.map((a) => a.unitId));
    const units = new Map<string, Unit>();
    let frontier = [...assignedUnitIds];
    while (frontier.length) {
      const batch = await this.repos.units.findByIds(frontier.filter((id) => !units.has(id)));
      for (const u of batch) units.set(u.id, u);
      frontier = batch
        .map((u) => u.parentId)
        .filter((p): p is string => p !== null && !units.has(p));
    }
    const selfAssessments: SelfAssessmentLevel[] = [];
    for (const p of periods) {
      const ids = [...new Set(assignments.filter((a) => a.periodId === p.id).map((a) => a.unitId))];
      selfAssessments.push(...(await this.repos.selfAssessments.listForUnits(p.id, ids)));
    }
    const incarnation = await this.repos.sync.currentIncarnation();
    return {
      serverTime: this.now(),
      protocol: PROTOCOL_VERSION,
      verifier: {
        id: principal.account.id,
        name: principal.account.name,
        email: principal.account.email,
      },
      device: principal.device ? { id: principal.device.id, label: principal.device.label } : null,
      periods,
      frameworks: await this.frameworks.documents([...new Set(periods.map((p) => p.frameworkId))]),
      units: [...units.values()]
        .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
        .map((u) => ({ ...u, assigned: assignedUnitIds.has(u.id) })),
      assignments,
      assessments: await this.repos.assignments.findAssessmentsByIds([
        ...new Set(assignments.map((a) => a.assessmentId)),
      ]),
      selfAssessments,
      organisation: organisationView(await this.repos.organisation.get()),
      // Actions on, or owned by, the assigned units, of every period (read-only there).
      ...(this.actions ? { actions: await this.actions.forTablet(verifierId) } : {}),
      // Read first by a tablet at every sync: it re-bases before it pushes anything.
      ...(incarnation ? { incarnation } : {}),
    };
  }
}

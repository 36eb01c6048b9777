import { fieldSchema, verificationId } from '../../core';
import { inTransaction } from '../db/repositories';
import { fieldProblem, Problem } from '../problems';
import type { AuditEntry, ConflictView } from '../sync-domain';
import { BaseService } from './context';
import { RecordBatch } from './record-batch';

/**
 * Conflicts for coordinators (list, resolve) and the audit trail per assessment and
 * indicator. A coordinator's resolution is an ordinary change: the chosen value becomes
 * the next version of the field, is logged, and reaches every tablet by pull.
 */
export class ConflictsService extends BaseService {
  list(filter: {
    periodId?: string | undefined;
    status?: 'open' | 'resolved' | 'all' | undefined;
  }): Promise<ConflictView[]> {
    return this.repos.conflicts.views({
      periodId: filter.periodId,
      status: filter.status ?? 'open',
    });
  }

  async resolve(id: string, value: unknown, actor: string): Promise<ConflictView> {
    return inTransaction(this.deps.db, async (repos) => {
      const batch = await RecordBatch.open(repos, this.now());
      const c = await repos.conflicts.findById(id);
      if (!c) throw new Problem('not_found', { what: 'Konflik', whatEn: 'Conflict' });
      if (c.resolvedAt !== null) throw new Problem('conflict_resolved');
      const parsed = fieldSchema(c.entity, c.field)?.safeParse(value);
      if (!parsed?.success) {
        throw fieldProblem(
          'value',
          'invalid_value',
          `Nilai tidak sah untuk isian "${c.field}".`,
          `Not a valid value for the field "${c.field}".`,
        );
      }
      await batch.load([c.recordId]);
      // Always a new version, even when the server's value is chosen: a tablet that still
      // shows its own value then receives the decision by pull like any other change.
      batch.write(c.entity, c.recordId, c.field, parsed.data, c.assessmentId, {
        source: 'resolution',
        deviceId: null,
        deviceSeq: null,
        accountId: actor,
        deviceAt: null,
        hlc: null,
      });
      await batch.flush();
      const [view] = await repos.conflicts.views({ ids: [id] });
      if (!view) throw new Error('resolved conflict vanished');
      return view;
    });
  }

  /**
   * Who changed what and when (device and server time), from which tablet. With an
   * indicator: its verification plus the evidence files and comments of that indicator.
   */
  async audit(assessmentId: string, indicatorNo?: number): Promise<AuditEntry[]> {
    const a = await this.repos.assignments.findAssessmentById(assessmentId);
    if (!a) throw new Problem('not_found', { what: 'Penilaian', whatEn: 'Assessment' });
    if (indicatorNo === undefined) return this.repos.sync.audit(assessmentId, null);
    const tagged = await this.repos.sync.fieldsOfAssessment(assessmentId, {
      fields: ['indicatorNo'],
    });
    const records = tagged
      .filter((f) => f.value === indicatorNo)
      .map((f) => ({ entity: f.entity, recordId: f.recordId }));
    const v = verificationId(assessmentId, indicatorNo);
    if (!records.some((r) => r.entity === 'verification' && r.recordId === v))
      records.push({ entity: 'verification', recordId: v });
    return this.repos.sync.audit(assessmentId, records);
  }
}

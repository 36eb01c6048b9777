import { type ConflictListItem, fieldSchema, signingCovers, verificationId } from '../../core';
import { inTransaction } from '../db/repositories';
import { groupBy } from '../lib/group-by';
import { fieldProblem, Problem } from '../problems';
import type { AuditEntry, ConflictView } from '../sync-domain';
import { BaseService, type ServiceDeps } from './context';
import type { FrameworksService } from './frameworks.service';
import { RecordBatch } from './record-batch';
import { readSigning } from './signing';
import { fieldValueProblem } from './value-domain';

/**
 * Conflicts for coordinators (list, resolve) and the audit trail per assessment and
 * indicator. A coordinator's resolution is an ordinary change: the chosen value becomes
 * the next version of the field, is logged, and reaches every tablet by pull.
 */
export class ConflictsService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly frameworks: FrameworksService,
  ) {
    super(deps);
  }

  /**
   * Conflicts of a period (open unless asked otherwise), each saying whether choosing the
   * tablet's value would void a berita acara whose signing holds now (`voidsSigning`).
   */
  async list(filter: {
    periodId?: string | undefined;
    status?: 'open' | 'resolved' | 'all' | undefined;
  }): Promise<ConflictListItem[]> {
    const views = await this.repos.conflicts.views({
      periodId: filter.periodId,
      status: filter.status ?? 'open',
    });
    const ids = [
      ...new Set(views.filter((v) => signingCovers(v.entity, v.field)).map((v) => v.assessmentId)),
    ];
    const fields = ids.length
      ? groupBy(
          await this.repos.reporting.exportFields(ids, { record: true, checks: false }),
          (f) => f.assessmentId,
        )
      : new Map();
    const signed = new Set(
      ids.filter((id) => readSigning(id, fields.get(id) ?? [], []).state === 'signed'),
    );
    return views.map((v) => ({
      ...v,
      voidsSigning: signed.has(v.assessmentId) && signingCovers(v.entity, v.field),
    }));
  }

  /**
   * Settle a conflict with the chosen value (the tablet's, the server's, or another one the
   * coordinator types), written as the field's next version.
   *
   * @throws Problem 404 `not_found`, 409 `conflict_resolved`, 422 `validation_failed`
   *   (field `value`: `invalid_value`, or `value_out_of_domain` for an indicator value its
   *   instrument does not take)
   */
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
      // An indicator value the instrument does not take (a coordinator may type any value).
      const a = await repos.assignments.findAssessmentById(c.assessmentId);
      const fw = a ? await this.frameworks.getIn(repos, a.frameworkId) : null;
      const no = batch.get(c.entity, c.recordId, 'indicatorNo')?.value;
      const outside =
        fw &&
        fieldValueProblem(
          fw,
          c.entity,
          c.field,
          typeof no === 'number' ? no : indicatorOfId(c.assessmentId, c.recordId),
          parsed.data,
        );
      if (outside) throw fieldProblem('value', outside.code, outside.message, outside.messageEn);
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

/** The indicator a verification's deterministic id `<assessmentId>:<no>` names, else null. */
function indicatorOfId(assessmentId: string, recordId: string): number | null {
  const tail = recordId.slice(assessmentId.length + 1);
  return recordId.startsWith(`${assessmentId}:`) && /^\d{1,3}$/.test(tail) ? Number(tail) : null;
}

import {
  type AssessmentDetail,
  type BeritaAcaraView,
  beritaAcaraId,
  CHECK_FIELD_RE,
  type CheckView,
  COMMENT_KINDS,
  type CommentKind,
  compileFramework,
  completeness,
  computeIndex,
  DECISION_STATUS,
  decisionAllowed,
  decisionOf,
  type EntityName,
  type EvidenceCheck,
  type EvidenceFileView,
  type Framework,
  type IndicatorOutputs,
  type IndicatorReview,
  parseProves,
  type RecordDecision,
  type ReopenRequest,
  type ReviewInput,
  type StageValue,
  shownConflicts,
  stageField,
  stageValueOf,
  uuidv7,
  verificationId,
} from '../../core';
import type { DecisionRow, SigningClockRow } from '../db/reporting.repository';
import { inTransaction, type Repositories } from '../db/repositories';
import type { Period, Principal, UnitKind } from '../domain';
import { fieldProblem, Problem } from '../problems';
import type { FieldState } from '../sync-domain';
import type { AssignmentsService } from './assignments.service';
import { summarise } from './city-index';
import { BaseService, type ServiceDeps } from './context';
import { progressStatus } from './dashboard.service';
import { ofLatestDecision } from './exports/records';
import type { FrameworksService } from './frameworks.service';
import type { PeriodsService } from './periods.service';
import { RecordBatch, type WriteMeta } from './record-batch';
import { readSigning, recordVersion } from './signing';

/**
 * A submitted verification as the coordinator reviews it (and as the per-unit report
 * prints it), and the coordinator's decisions (core record-state.ts): approve, return with
 * an overall comment and comments per indicator, or reopen an approved one with a written
 * reason. A decision is written into the sync record store as ordinary server changes
 * (source `review`, through RecordBatch like assignments and conflict resolutions), so the
 * tablet receives the assessment's status, the verifications' `reviewComment` and the
 * decision's comment at its next pull, and the change log is its audit.
 *
 * A decision carries the `expectedVersion` the detail gave (the seq of the record's latest
 * change): one taken on a record that changed since it was read — by a tablet or by
 * another decision, e.g. a double click — is refused 409 `record_changed`. Approve and
 * return need a berita acara whose signatures hold (409 `not_signed` when unsigned or void).
 */

/**
 * Signatures are accepted only as PNG data URLs: the pages render them with <img src>, never
 * as markup, so an SVG (which may carry script) or any other type is refused.
 */
const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

type Records = Map<string, Map<string, FieldState>>;

function recordsOf(fields: readonly FieldState[], entity: EntityName): Records {
  const out: Records = new Map();
  for (const f of fields) {
    if (f.entity !== entity) continue;
    let r = out.get(f.recordId);
    if (!r) {
      r = new Map();
      out.set(f.recordId, r);
    }
    r.set(f.field, f);
  }
  return out;
}

const str = (r: Map<string, FieldState> | undefined, f: string): string => {
  const v = r?.get(f)?.value;
  return typeof v === 'string' ? v : '';
};
const num = (r: Map<string, FieldState> | undefined, f: string): number | null => {
  const v = r?.get(f)?.value;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};
const png = (v: string): string | null => (v && PNG_DATA_URL.test(v) ? v : null);
/** A stored `location` field as the view shows it, or null when absent or malformed. */
const place = (r: Map<string, FieldState> | undefined): EvidenceFileView['location'] => {
  const v = r?.get('location')?.value as { lat?: unknown; lng?: unknown } | null | undefined;
  return v && typeof v.lat === 'number' && typeof v.lng === 'number'
    ? { lat: v.lat, lng: v.lng }
    : null;
};

export class ReviewService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly periods: PeriodsService,
    private readonly frameworks: FrameworksService,
    private readonly assignments: AssignmentsService,
  ) {
    super(deps);
  }

  /**
   * Everything about one assessment: levels, evidence checks and files, notes, berita
   * acara, comments, review state. Coordinators and viewers see every assessment; a
   * verifier only its assigned ones (403 not_assigned).
   */
  async detail(assessmentId: string, principal: Principal): Promise<AssessmentDetail> {
    const a = await this.assignments.getAssessment(assessmentId, principal);
    const period = await this.periods.get(a.periodId);
    const fw = await this.frameworks.get(a.frameworkId);
    const unit = await this.repos.units.findById(a.unitId);
    if (!unit) throw new Problem('not_found', { what: 'Unit', whatEn: 'Unit' });
    const parent = unit.parentId ? await this.repos.units.findById(unit.parentId) : null;
    const fields = await this.repos.sync.fieldsOfAssessment(assessmentId);
    const selfRows = await this.repos.reporting.selfLevels(a.periodId, [a.unitId]);
    const conflicts = await this.repos.conflicts.views({
      assessmentIds: [assessmentId],
      status: 'open',
    });
    const [clock] = await this.repos.reporting.signingClocks([assessmentId]);
    const [decision] = await this.repos.reporting.lastDecisions([assessmentId]);
    return this.build(fw, period, a, unit, parent?.name ?? null, fields, selfRows, conflicts, {
      clock: clock ?? null,
      decision: decision ?? null,
    });
  }

  private async build(
    fw: Framework,
    period: Period,
    a: Awaited<ReturnType<AssignmentsService['getAssessment']>>,
    unit: { id: string; code: string; name: string; kind: UnitKind },
    parentName: string | null,
    fields: FieldState[],
    selfRows: { indicatorNo: number; level: number }[],
    conflicts: { id: string; recordId: string; entity: EntityName; field: string }[],
    log: { clock: SigningClockRow | null; decision: DecisionRow | null },
  ): Promise<AssessmentDetail> {
    const c = compileFramework(fw);
    const groupName = new Map(c.groups.map((g) => [g.spec.id, g.spec.name]));
    const verifications = recordsOf(fields, 'verification');
    const evidence = recordsOf(fields, 'evidenceFile');
    const comments = recordsOf(fields, 'comment');
    const ba = recordsOf(fields, 'beritaAcara').get(beritaAcaraId(a.id));
    const assessment = recordsOf(fields, 'assessment').get(a.id);
    const selfTable = new Map(selfRows.map((r) => [r.indicatorNo, r.level]));

    const liveFiles = [...evidence.values()].filter(
      (r) => r.get('deleted')?.value !== true && typeof r.get('sha256')?.value === 'string',
    );
    const held = await this.repos.files.heldAmong(liveFiles.map((r) => str(r, 'sha256')));
    const filesByNo = new Map<number, EvidenceFileView[]>();
    const indicatorByNo = new Map(c.indicators.map((ind) => [ind.no, ind]));
    for (const r of liveFiles) {
      const no = num(r, 'indicatorNo');
      if (no === null) continue;
      const sha = str(r, 'sha256');
      const ref = parseProves(str(r, 'proves'));
      // A link to an item the instrument does not have (another version's) is not shown.
      const evidence = ref
        ? indicatorByNo.get(no)?.spec.levels?.[ref.level - 1]?.evidence[ref.index]
        : undefined;
      const source = str(r, 'capturedAtSource');
      const view: EvidenceFileView = {
        recordId: r.get('sha256')?.recordId ?? '',
        sha256: sha,
        name: str(r, 'name') || sha.slice(0, 12),
        mime: str(r, 'mime'),
        bytes: num(r, 'bytes') ?? 0,
        capturedAt: num(r, 'capturedAt'),
        capturedAtSource: source === 'camera' || source === 'tablet' ? source : null,
        location: place(r),
        proves: ref && evidence !== undefined ? { ...ref, evidence } : null,
        held: held.has(sha),
        url: str(r, 'url') || null,
        checkedAt: num(r, 'checkedAt'),
      };
      filesByNo.set(no, [...(filesByNo.get(no) ?? []), view]);
    }
    const conflictsByRecord = new Map<string, number>();
    // Counted as the tablet and the sync page show them: a stage value's conflict that
    // came with its verified value's is one conflict, not two.
    const shown = shownConflicts(conflicts);
    for (const k of shown)
      conflictsByRecord.set(k.recordId, (conflictsByRecord.get(k.recordId) ?? 0) + 1);

    const fileNames = new Map([...evidence].map(([id, r]) => [id, str(r, 'name')]));
    const outputsOf = (
      r: Map<string, FieldState> | undefined,
      selfLevel: number | null,
    ): IndicatorOutputs => {
      const cited = r?.get('penjelasanFiles')?.value;
      return {
        rekomendasi: str(r, 'rekomendasi'),
        penjelasanFakta: str(r, 'penjelasanFakta'),
        penjelasanAnalisis: str(r, 'penjelasanAnalisis'),
        penjelasanJustifikasi: str(r, 'penjelasanJustifikasi'),
        citedFiles: (Array.isArray(cited) ? cited : []).flatMap((id) => {
          const name = typeof id === 'string' ? fileNames.get(id) : undefined;
          return name === undefined ? [] : [{ recordId: id as string, name }];
        }),
        stages: period.stages.map((stage) => {
          const own = r?.get(stageField(stage))?.value as Partial<StageValue> | null | undefined;
          return {
            stage,
            value: stageValueOf({ [stageField(stage)]: own, selfLevel }, stage),
            by: typeof own?.by === 'string' ? own.by : '',
            at: typeof own?.at === 'number' ? own.at : null,
          };
        }),
      };
    };

    const verified: Record<number, number | null> = {};
    const self: Record<number, number | null> = {};
    const na: number[] = [];
    const indicators: IndicatorReview[] = c.indicators.map((ind) => {
      const id = verificationId(a.id, ind.no);
      const r = verifications.get(id);
      const checks: CheckView[] = [];
      for (const [field, f] of r ?? []) {
        const m = CHECK_FIELD_RE.exec(field);
        const value = f.value as EvidenceCheck | null;
        if (!m || !value || typeof value !== 'object') continue;
        const level = Number(m[1]);
        const index = Number(m[2]);
        checks.push({
          level,
          index,
          evidence: ind.spec.levels?.[level - 1]?.evidence[index] ?? `Bukti ${level}.${index + 1}`,
          state: value.state ?? null,
          note: typeof value.note === 'string' ? value.note : '',
        });
      }
      checks.sort((x, y) => x.level - y.level || x.index - y.index);
      const notApplicable = r?.get('notApplicable')?.value === true;
      const selfLevel = num(r, 'selfLevel') ?? selfTable.get(ind.no) ?? null;
      const verifiedLevel = num(r, 'verifiedLevel');
      verified[ind.no] = verifiedLevel;
      self[ind.no] = selfLevel;
      if (notApplicable) na.push(ind.no);
      return {
        no: ind.no,
        name: ind.spec.name,
        groups: ind.path.map((g) => groupName.get(g) ?? g),
        selfLevel,
        selfJustification: str(r, 'selfJustification'),
        verifiedLevel,
        sourceValue: num(r, 'sourceValue'),
        notApplicable,
        naReason: str(r, 'naReason'),
        notes: str(r, 'notes'),
        reviewComment: str(r, 'reviewComment'),
        checks,
        files: filesByNo.get(ind.no) ?? [],
        openConflicts: conflictsByRecord.get(id) ?? 0,
        outputs: outputsOf(r, selfLevel),
      };
    });

    let beritaAcara: BeritaAcaraView | null = null;
    if (ba) {
      const vs = str(ba, 'verifierSignature');
      const rs = str(ba, 'representativeSignature');
      beritaAcara = {
        verifierName: str(ba, 'verifierName'),
        verifierRole: str(ba, 'verifierRole'),
        verifierSignature: png(vs),
        verifierNip: str(ba, 'verifierNip'),
        representativeName: str(ba, 'representativeName'),
        representativeRole: str(ba, 'representativeRole'),
        representativeSignature: png(rs),
        representativeNip: str(ba, 'representativeNip'),
        place: str(ba, 'place'),
        signedAt: num(ba, 'signedAt'),
        summary: str(ba, 'summary'),
        signatureRejected: (!!vs && !png(vs)) || (!!rs && !png(rs)),
      };
    }

    const statusField = assessment?.get('status');
    const status = typeof statusField?.value === 'string' ? statusField.value : a.status;
    const decided = decisionOf(status) !== null;
    let last: AssessmentDetail['review']['last'] = null;
    if (decided && statusField) {
      const by = statusField.updatedByAccount
        ? await this.repos.accounts.findById(statusField.updatedByAccount)
        : null;
      last = { status, by: by?.name ?? null, at: statusField.serverAt };
    }
    const changedSinceDecision =
      decided &&
      !!statusField &&
      fields.some((f) => f.updatedByDevice !== null && f.updatedSeq > statusField.updatedSeq);
    // Files once per content, as the dashboard and the tablet count them: a photo proving
    // two indicators (two records, one SHA-256) is one file.
    const liveShas = new Set(liveFiles.map((r) => str(r, 'sha256')));
    const fileCount = liveShas.size;
    const heldCount = [...liveShas].filter((sha) => held.has(sha)).length;
    // Done as signing counts it (core completeness): not applicable only with its reason.
    const done = (() => {
      const k = completeness(
        c.indicators.map((i) => i.no),
        indicators.map((i) => ({
          no: i.no,
          verifiedLevel: i.verifiedLevel,
          notApplicable: i.notApplicable,
          naReason: i.naReason,
        })),
      );
      return k.verified + k.notApplicable;
    })();
    const signing = readSigning(
      a.id,
      fields,
      c.indicators.map((i) => i.no),
      log.clock,
    );
    const open = period.status !== 'closed';

    return {
      assessment: {
        id: a.id,
        periodId: a.periodId,
        unitId: a.unitId,
        status,
        progress: progressStatus({
          assessmentId: a.id,
          status,
          done,
          files: fileCount,
          filesHeld: heldCount,
        }),
        submittedAt: a.submittedAt,
        updatedAt: a.updatedAt,
      },
      unit: { id: unit.id, code: unit.code, name: unit.name, kind: unit.kind, parentName },
      period,
      framework: { id: fw.id, name: fw.name, version: fw.version },
      generatedAt: this.now(),
      indices: {
        self: summarise(computeIndex(fw, self, { rule: 'official' })),
        verified: summarise(computeIndex(fw, verified, { notApplicable: na, rule: 'official' })),
        // Telusur's own figure without the not-applicable indicators, labelled as internal.
        internal:
          na.length > 0
            ? summarise(computeIndex(fw, verified, { notApplicable: na, rule: 'internal' }))
            : null,
      },
      indicators,
      beritaAcara,
      signing,
      comments: [...comments.entries()]
        .map(([id, r]) => ({
          id,
          kind: commentKind(r?.get('kind')?.value),
          indicatorNo: num(r, 'indicatorNo'),
          body: str(r, 'body'),
          author: str(r, 'author'),
          createdAt: num(r, 'createdAt'),
        }))
        // A coordinator's comment shows while its decision is the latest (a reopening's
        // reason replaces the return's comment); the verifier's own comments always show.
        .filter(
          (x) =>
            x.body.trim() !== '' &&
            (x.kind === 'verifier' ||
              ofLatestDecision(log.decision, comments.get(x.id)?.get('body')?.serverAt)),
        )
        .sort((x, y) => (x.createdAt ?? 0) - (y.createdAt ?? 0)),
      files: { total: fileCount, held: heldCount },
      openConflicts: shown.length,
      review: {
        decidable: open && decisionAllowed(status, 'approve') && signing.state === 'signed',
        reopenable: open && decisionAllowed(status, 'reopen'),
        expectedVersion: recordVersion(fields),
        last,
        changedSinceDecision,
      },
    };
  }

  /**
   * Approve or return a signed verification, in one transaction through RecordBatch (the
   * change-log writer lock first): the assessment's `status` becomes `disetujui` or
   * `dikembalikan`; the decision's comments replace the per-indicator `reviewComment`s of
   * the earlier one (an indicator not named is cleared, so no stale comment stays); a
   * non-empty overall `comment` becomes a `comment` record of that decision's kind.
   * Returning needs an overall comment or a comment on at least one indicator.
   *
   * @throws Problem 404 not_found, 409 period_closed, 422 validation_failed
   *   (`unknown_indicator`, `comment_required`, `not_submitted` — not signed and sent yet),
   *   409 record_changed (stale `expectedVersion`), 409 not_signed (berita acara unsigned
   *   or its signatures void), 409 record_incomplete (approving an incomplete record not
   *   signed as partial), 409 signing_time_doubtful (approving a record signed on a tablet
   *   whose clock was off: it must be returned and signed again).
   */
  async decide(
    assessmentId: string,
    input: ReviewInput,
    principal: Principal,
  ): Promise<AssessmentDetail> {
    const a = await this.openAssessment(assessmentId);
    const fw = await this.frameworks.get(a.frameworkId);
    const nos = compileFramework(fw).indicators.map((i) => i.no);
    const known = new Set(nos);
    const comments = new Map<number, string>();
    input.comments.forEach((c, i) => {
      if (!known.has(c.indicatorNo))
        throw fieldProblem(
          `comments.${i}.indicatorNo`,
          'unknown_indicator',
          `Indikator ${c.indicatorNo} tidak ada dalam instrumen periode ini.`,
          `Indicator ${c.indicatorNo} is not in this period's instrument.`,
        );
      comments.set(c.indicatorNo, c.comment.trim());
    });
    const overall = input.comment.trim();
    if (
      input.decision === 'return' &&
      overall === '' &&
      ![...comments.values()].some((c) => c !== '')
    )
      throw fieldProblem(
        'comments',
        'comment_required',
        'Tulis catatan umum atau catatan pada paling sedikit satu indikator sebelum mengembalikan verifikasi.',
        'Write an overall comment or a comment on at least one indicator before returning the verification.',
      );
    const decision: RecordDecision = input.decision;
    await this.inDecision(
      a.id,
      input.expectedVersion,
      principal,
      async (batch, fields, meta, repos) => {
        const current = batch.get('assessment', a.id, 'status')?.value ?? a.status;
        if (typeof current !== 'string' || !decisionAllowed(current, decision))
          throw fieldProblem(
            'decision',
            'not_submitted',
            'Verifikasi unit ini belum selesai di tablet (berita acara belum ditandatangani dan dikirim), sehingga belum dapat disetujui atau dikembalikan.',
            'This unit’s verification is not finished on the tablet yet (berita acara not signed and sent), so it cannot be approved or returned.',
          );
        const [clock] = await repos.reporting.signingClocks([a.id]);
        const signing = readSigning(a.id, fields, nos, clock);
        if (signing.state !== 'signed') throw new Problem('not_signed', { state: signing.state });
        const missing =
          signing.completeness.missing.length + signing.completeness.missingReason.length;
        if (decision === 'approve' && missing > 0 && !signing.partial)
          throw new Problem('record_incomplete', { missing });
        // A signing time from a tablet whose clock was off cannot be approved as the
        // record's date; returning it (to be signed again) stays possible.
        if (decision === 'approve' && signing.timeDoubtful)
          throw new Problem('signing_time_doubtful');
        batch.serverWrite('assessment', a.id, { status: DECISION_STATUS[decision] }, a.id, meta);
        // Every per-indicator comment of the earlier decision not given again is cleared.
        const held = fields.filter(
          (f) => f.entity === 'verification' && f.field === 'reviewComment' && f.value !== '',
        );
        for (const f of held) {
          const no = Number(f.recordId.slice(f.recordId.lastIndexOf(':') + 1));
          if (!comments.has(no)) comments.set(no, '');
        }
        for (const [no, comment] of comments) {
          const id = verificationId(a.id, no);
          // Nothing to clear on a verification the server has never seen.
          if (comment === '' && !batch.get('verification', id, 'reviewComment')) continue;
          batch.serverWrite(
            'verification',
            id,
            { assessmentId: a.id, indicatorNo: no, reviewComment: comment },
            a.id,
            meta,
          );
        }
        if (overall !== '') this.writeComment(batch, a.id, decision, overall, principal, meta);
      },
    );
    return this.detail(assessmentId, principal);
  }

  /**
   * Reopen an approved verification (`disetujui` → `dibuka`) so the tablet may edit it
   * again; the written reason becomes a `reopen` comment the verifier reads on the tablet,
   * and the status change with its author stays in the change log (the audit).
   *
   * @throws Problem 404 not_found, 409 period_closed, 422 validation_failed
   *   (`reason_required`), 409 record_changed (stale `expectedVersion`), 409 not_approved.
   */
  async reopen(
    assessmentId: string,
    input: ReopenRequest,
    principal: Principal,
  ): Promise<AssessmentDetail> {
    const a = await this.openAssessment(assessmentId);
    const reason = input.reason.trim();
    if (reason === '')
      throw fieldProblem(
        'reason',
        'reason_required',
        'Tulis alasan membuka kembali verifikasi ini; verifikator membacanya di tablet.',
        'Write why this verification is reopened; the verifier reads it on the tablet.',
      );
    await this.inDecision(a.id, input.expectedVersion, principal, async (batch, _fields, meta) => {
      const current = batch.get('assessment', a.id, 'status')?.value ?? a.status;
      if (typeof current !== 'string' || !decisionAllowed(current, 'reopen'))
        throw new Problem('not_approved');
      batch.serverWrite('assessment', a.id, { status: DECISION_STATUS.reopen }, a.id, meta);
      this.writeComment(batch, a.id, 'reopen', reason, principal, meta);
    });
    return this.detail(assessmentId, principal);
  }

  /** The assessment a decision is about, in an open period (404 not_found, 409 period_closed). */
  private async openAssessment(assessmentId: string) {
    const a = await this.repos.assignments.findAssessmentById(assessmentId);
    if (!a) throw new Problem('not_found', { what: 'Penilaian', whatEn: 'Assessment' });
    const period = await this.periods.get(a.periodId);
    if (period.status === 'closed') throw new Problem('period_closed');
    return a;
  }

  /**
   * The frame of a decision: one transaction, the writer lock, the record's fields read
   * under it and checked against `expectedVersion` (409 `record_changed`), the assessment
   * record loaded into the batch, then `write` and flush.
   */
  private async inDecision(
    assessmentId: string,
    expectedVersion: number,
    principal: Principal,
    write: (
      batch: RecordBatch,
      fields: Awaited<ReturnType<Repositories['sync']['fieldsOfAssessment']>>,
      meta: WriteMeta,
      repos: Repositories,
    ) => Promise<void>,
  ): Promise<void> {
    await inTransaction(this.deps.db, async (repos) => {
      const batch = await RecordBatch.open(repos, this.now());
      const fields = await repos.sync.fieldsOfAssessment(assessmentId);
      if (recordVersion(fields) !== expectedVersion) throw new Problem('record_changed');
      await batch.load([...new Set([assessmentId, ...fields.map((f) => f.recordId)])]);
      await write(
        batch,
        fields,
        {
          source: 'review',
          deviceId: null,
          deviceSeq: null,
          accountId: principal.account.id,
          deviceAt: null,
          hlc: null,
        },
        repos,
      );
      await batch.flush();
    });
  }

  /** A coordinator's comment of a decision, as a new `comment` record the tablets pull. */
  private writeComment(
    batch: RecordBatch,
    assessmentId: string,
    kind: CommentKind,
    body: string,
    principal: Principal,
    meta: WriteMeta,
  ): void {
    const now = this.now();
    batch.serverWrite(
      'comment',
      uuidv7(now),
      {
        assessmentId,
        indicatorNo: null,
        body,
        author: principal.account.name,
        createdAt: now,
        kind,
      },
      assessmentId,
      meta,
    );
  }
}

/** A stored comment's kind; a comment from before kinds existed is the verifier's. */
function commentKind(v: unknown): CommentKind {
  return (COMMENT_KINDS as readonly unknown[]).includes(v) ? (v as CommentKind) : 'verifier';
}

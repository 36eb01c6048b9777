import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ACTION_LIMITS,
  type Action,
  type ActionCloseRequest,
  type ActionCommentRequest,
  type ActionCounts,
  type ActionCreateRequest,
  type ActionDisplayStatus,
  type ActionFile,
  type ActionList,
  type ActionListRequest,
  type ActionPatchRequest,
  type ActionsProgress,
  actionDisplayStatus,
  compileFramework,
  computeIndex,
  DEFAULT_ZONE_CODE,
  daysOverdue,
  defaultActionTitle,
  type EvidenceMime,
  evidenceKindOf,
  evidenceLimitBytes,
  evidenceMimeOf,
  type Framework,
  isoDayInZone,
  type LevelSource,
  type OwnerAccount,
  type OwnerCredentials,
  type PeriodRef,
  promisedEvidence,
  promisedLevels,
  sniffRenderableMime,
  type TabletAction,
  uuidv7,
  valueProblem,
  ZONE_IANA,
} from '../../core';
import type { ActionChange, ActionRow } from '../db/actions.repository';
import { inTransaction, type Repositories } from '../db/repositories';
import type { Account, Period, Principal, Unit } from '../domain';
import { hashPassword, newReadablePassword } from '../lib/crypto';
import { fieldProblem, type Lang, Problem, problemBody } from '../problems';
import { type CityIndexService, consolidateLevel, summarise } from './city-index';
import { BaseService, type ServiceDeps } from './context';
import { evidenceTooLarge, type FilesService, type ServedFile } from './files.service';
import type { FrameworksService } from './frameworks.service';

/** Who is asking, as far as actions go. */
type Reader = Pick<Principal, 'account'>;

const notFound = () => new Problem('not_found', { what: 'Tindak lanjut', whatEn: 'Action' });

/** Comma decimal for Indonesian texts ("2,5"). */
const idNumber = (n: number | null) => (n === null ? '–' : String(n).replace('.', ','));

/**
 * Whether a file's first bytes are what its evidence type says: photos and PDF by their
 * signatures (core `sniffRenderableMime`, the same check the download path makes), office
 * files and zip archives are zip containers (`PK\x03\x04`), RAR starts with `Rar!`. A file
 * whose bytes disagree is refused at upload, so nothing is stored under a false type.
 */
export function evidenceBytesAgree(mime: EvidenceMime, head: Uint8Array): boolean {
  const kind = evidenceKindOf(mime);
  if (kind === 'photo' || kind === 'pdf') return sniffRenderableMime(head) === mime;
  const is = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (mime === 'application/vnd.rar') return is(0x52, 0x61, 0x72, 0x21);
  return is(0x50, 0x4b, 0x03, 0x04);
}

/** Counts of display statuses. */
function countOf(statuses: readonly ActionDisplayStatus[]): ActionCounts {
  const c: ActionCounts = { rencana: 0, berjalan: 0, terlambat: 0, selesai: 0, total: 0 };
  for (const s of statuses) {
    c[s] += 1;
    c.total += 1;
  }
  return c;
}

function periodRef(p: Period): PeriodRef {
  return { id: p.id, name: p.name, year: p.year, frameworkId: p.frameworkId };
}

/**
 * Improvement actions (tindak lanjut, issue 18) and owner accounts: what the coordinator
 * agrees with a unit, followed up by that unit's owner account, closed with evidence, shown
 * on the dashboard (with the index if every action succeeds) and on the verifiers' tablets.
 *
 * Scope: coordinators and viewers see every action; an owner the actions whose unit or owner
 * unit is its unit or a unit below it (others are 404); a verifier only the files of actions
 * on or owned by units assigned to it in a period that is not a draft (403 `not_assigned`).
 */
export class ActionsService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly cities: CityIndexService,
    private readonly frameworks: FrameworksService,
    private readonly files: FilesService,
  ) {
    super(deps);
  }

  // --- reading ------------------------------------------------------------------------

  /** The server's clock now (epoch ms): the seed dates its demo actions from it. */
  clockNow(): number {
    return this.now();
  }

  /** The organisation's calendar day now (`YYYY-MM-DD`), by the injected clock. */
  async today(repos: Repositories = this.repos): Promise<string> {
    return isoDayInZone(this.now(), await zoneOf(repos));
  }

  /**
   * Actions the caller may read, filtered (`status` is the display status); `counts` are
   * those of every filter but `status`.
   *
   * @throws Problem 403 `forbidden` for a verifier (tablets read actions from the package)
   */
  async list(who: Reader, q: ActionListRequest): Promise<ActionList> {
    const units = await this.repos.units.list();
    const touching = await this.scopeOf(who, units);
    const rows = await this.repos.actions.list({
      periodId: q.periodId,
      unitId: q.unitId,
      indicatorNo: q.indicatorNo === undefined ? undefined : Number(q.indicatorNo),
      ownerUnitIds: q.ownerUnitId ? [...below(units, q.ownerUnitId)] : undefined,
      touching: touching ? [...touching] : undefined,
    });
    const today = await this.today();
    const all = await this.views(rows, today, units);
    // Counted before the status filter, so a page's status tabs show every count.
    const counts = countOf(all.map((a) => a.displayStatus));
    const actions = q.status ? all.filter((a) => a.displayStatus === q.status) : all;
    return { today, actions, counts };
  }

  /** One action (404 `not_found` when unknown or outside an owner's scope). */
  async get(who: Reader, id: string): Promise<Action> {
    const row = await this.readable(who, id);
    return this.view(row);
  }

  // --- creating -----------------------------------------------------------------------

  /**
   * Create one action (coordinator). See `ActionCreateBody` for the rules.
   *
   * @throws Problem 422 `validation_failed` (unknown period, unit, owner unit, indicator or
   *   rekomendasi), `invalid_value` (target outside the indicator's domain),
   *   `action_target_not_higher`
   */
  async create(who: Reader, body: ActionCreateRequest): Promise<Action> {
    const id = await inTransaction(this.deps.db, (repos) =>
      this.insertOne(repos, who.account.id, body, new Map()),
    );
    return this.view(await this.mustFind(id));
  }

  /**
   * Create several actions in one transaction: all or nothing. When any row is refused,
   * 422 `action_bulk_invalid` with `details.rows` = `[{ row, code, message, details? }]`
   * (`row` counts from 1, in the request's order) and nothing is created.
   */
  async bulk(who: Reader, body: { actions: ActionCreateRequest[] }): Promise<ActionList> {
    const errors: { row: number; problem: Problem }[] = [];
    let ids: string[] = [];
    try {
      ids = await inTransaction(this.deps.db, async (repos) => {
        const made: string[] = [];
        const levelCache = new Map<string, Map<number, LevelNow>>();
        for (const [i, a] of body.actions.entries()) {
          try {
            made.push(await this.insertOne(repos, who.account.id, a, levelCache));
          } catch (e) {
            if (!(e instanceof Problem)) throw e;
            errors.push({ row: i + 1, problem: e });
          }
        }
        // Rolls the whole transaction back: nothing of a refused batch is kept.
        if (errors.length > 0) throw new Problem('action_bulk_invalid');
        return made;
      });
    } catch (e) {
      if (e instanceof Problem && e.code === 'action_bulk_invalid') {
        throw new Problem('action_bulk_invalid', { count: errors.length }, (lang: Lang) => ({
          rows: errors.map((x) => ({ row: x.row, ...problemBody(x.problem, lang) })),
        }));
      }
      throw e;
    }
    const rows: ActionRow[] = [];
    for (const id of ids) rows.push(await this.mustFind(id));
    const today = await this.today();
    const actions = await this.views(rows, today);
    return { today, actions, counts: countOf(actions.map((a) => a.displayStatus)) };
  }

  private async insertOne(
    repos: Repositories,
    actor: string,
    b: ActionCreateRequest,
    levelCache: Map<string, Map<number, LevelNow>>,
  ): Promise<string> {
    const period = await repos.periods.findById(b.periodId);
    if (!period)
      throw fieldProblem(
        'periodId',
        'unknown_reference',
        'Periode tidak ditemukan.',
        'Period not found.',
      );
    const fw = await this.frameworks.getIn(repos, period.frameworkId);
    if (!fw) throw new Error(`instrument ${period.frameworkId} of period ${period.id} missing`);
    if (!compileFramework(fw).byNo.has(b.indicatorNo))
      throw fieldProblem(
        'indicatorNo',
        'unknown_reference',
        `Indikator ${b.indicatorNo} tidak ada dalam instrumen periode ini.`,
        `Indicator ${b.indicatorNo} is not in this period's instrument.`,
      );
    const unit = await repos.units.findById(b.unitId);
    if (!unit)
      throw fieldProblem('unitId', 'unknown_reference', 'Unit tidak ditemukan.', 'Unit not found.');
    const ownerUnitId = b.ownerUnitId ?? b.unitId;
    if (ownerUnitId !== b.unitId && !(await repos.units.findById(ownerUnitId)))
      throw fieldProblem(
        'ownerUnitId',
        'unknown_reference',
        'Unit penanggung jawab tidak ditemukan.',
        'Responsible unit not found.',
      );
    const origin = b.origin ?? 'manual';
    let originRef: string | null = null;
    if (origin === 'rekomendasi') {
      const a = await repos.assignments.findAssessment(period.id, unit.id);
      const cells = a ? await repos.reporting.verificationCells([a.id]) : [];
      const found = cells.find(
        (c) => c.recordId === b.originRef && c.indicatorNo === b.indicatorNo,
      );
      if (!b.originRef || !found)
        throw fieldProblem(
          'originRef',
          'unknown_reference',
          'Rekomendasi tidak ditemukan: sebutkan verifikasi indikator ini pada unit dan periode yang sama.',
          'Recommendation not found: name the verification of this indicator of the same unit and period.',
        );
      originRef = b.originRef;
    } else if (b.originRef !== undefined) {
      throw fieldProblem(
        'originRef',
        'not_allowed',
        'Rujukan asal hanya untuk tindak lanjut dari rekomendasi.',
        'An origin reference is only for actions made from a recommendation.',
      );
    }
    const key = `${period.id}|${unit.id}`;
    let levels = levelCache.get(key);
    if (!levels) {
      levels = await unitLevels(repos, period.id, unit.id);
      levelCache.set(key, levels);
    }
    const now = levels.get(b.indicatorNo) ?? { level: null, source: 'none' as LevelSource };
    checkTarget(fw, b.indicatorNo, b.targetLevel, now.level);
    const id = uuidv7(this.now());
    const evidence = b.evidence ?? promisedEvidence(fw, b.indicatorNo, b.targetLevel);
    await repos.actions.insert({
      id,
      periodId: period.id,
      frameworkId: fw.id,
      indicatorNo: b.indicatorNo,
      unitId: unit.id,
      ownerUnitId,
      ownerPerson: b.ownerPerson ?? '',
      title: b.title ?? defaultActionTitle(fw, b.indicatorNo, b.targetLevel),
      fromLevel: now.level,
      fromSource: now.source,
      targetLevel: b.targetLevel,
      dueDate: b.dueDate,
      evidence,
      status: 'rencana',
      origin,
      originRef,
      closingNote: null,
      links: [],
      closedAt: null,
      closedBy: null,
      createdAt: this.now(),
      createdBy: actor,
      updatedAt: this.now(),
    });
    return id;
  }

  // --- changing -----------------------------------------------------------------------

  /**
   * Change an action. Coordinator: any field; `status` `rencana` ⇄ `berjalan`, or
   * `berjalan` on a `selesai` action to reopen it (the closing note, links and closer are
   * kept as a comment line, the closing fields cleared). Owner: only `status` `rencana` ⇄
   * `berjalan` of its open actions.
   *
   * @throws Problem 404 `not_found`, 403 `forbidden` (owner beyond status), 409
   *   `action_changed` (stale `expectedVersion`), 409 `action_closed` (a `selesai` action
   *   changed without reopening it), 422 `validation_failed` / `invalid_value` /
   *   `action_target_not_higher`
   */
  async patch(who: Reader, id: string, p: ActionPatchRequest): Promise<Action> {
    const owner = who.account.role === 'owner';
    const { expectedVersion, ...fields } = p;
    if (owner && Object.keys(fields).some((k) => k !== 'status')) throw new Problem('forbidden');
    await inTransaction(this.deps.db, async (repos) => {
      const row = await this.readable(who, id, repos);
      if (row.version !== expectedVersion) throw new Problem('action_changed');
      const change: ActionChange = {};
      let reopenLine: string | null = null;
      if (row.status === 'selesai') {
        if (fields.status !== 'berjalan') throw new Problem('action_closed');
        if (owner) throw new Problem('forbidden');
        reopenLine = await this.reopenLine(repos, row);
        Object.assign(change, {
          status: 'berjalan',
          closingNote: null,
          closedAt: null,
          closedBy: null,
          links: [],
        });
      } else if (fields.status !== undefined) change.status = fields.status;
      if (!owner) {
        if (fields.title !== undefined) change.title = fields.title;
        if (fields.ownerPerson !== undefined) change.ownerPerson = fields.ownerPerson;
        if (fields.dueDate !== undefined) change.dueDate = fields.dueDate;
        if (fields.evidence !== undefined) change.evidence = fields.evidence;
        if (fields.ownerUnitId !== undefined) {
          if (!(await repos.units.findById(fields.ownerUnitId)))
            throw fieldProblem(
              'ownerUnitId',
              'unknown_reference',
              'Unit penanggung jawab tidak ditemukan.',
              'Responsible unit not found.',
            );
          change.ownerUnitId = fields.ownerUnitId;
        }
        if (fields.targetLevel !== undefined) {
          const fw = await this.frameworks.getIn(repos, row.frameworkId);
          if (!fw) throw new Error(`instrument ${row.frameworkId} missing`);
          checkTarget(fw, row.indicatorNo, fields.targetLevel, row.fromLevel);
          change.targetLevel = fields.targetLevel;
        }
      }
      if (!(await repos.actions.update(id, expectedVersion, change, this.now())))
        throw new Problem('action_changed');
      if (reopenLine)
        await repos.actions.addComment({
          id: uuidv7(this.now()),
          actionId: id,
          at: this.now(),
          accountId: who.account.id,
          text: reopenLine,
        });
    });
    return this.view(await this.mustFind(id));
  }

  /** The history line a reopening leaves: what the closing said, and who closed it when. */
  private async reopenLine(repos: Repositories, row: ActionRow): Promise<string> {
    const names = await repos.actions.accountNames(row.closedBy ? [row.closedBy] : []);
    const by = row.closedBy ? (names.get(row.closedBy) ?? '–') : '–';
    const when = row.closedAt ? isoDayInZone(row.closedAt, await zoneOf(repos)) : '–';
    const files = (await repos.actions.filesOf([row.id])).map((f) => f.name);
    const parts = [
      `Dibuka kembali. Catatan penutupan sebelumnya (${when}, ${by}): ${row.closingNote ?? ''}`,
    ];
    if (row.links.length) parts.push(`Tautan: ${row.links.join(' ')}`);
    if (files.length) parts.push(`Berkas: ${files.join(', ')}`);
    return parts.join(' — ').slice(0, 8000);
  }

  /**
   * Delete an action (coordinator).
   *
   * @throws Problem 404 `not_found`, 409 `action_closed` (a `selesai` action is history)
   */
  async remove(who: Reader, id: string): Promise<void> {
    await inTransaction(this.deps.db, async (repos) => {
      const row = await this.readable(who, id, repos);
      if (row.status === 'selesai') throw new Problem('action_closed');
      await repos.actions.delete(id);
    });
  }

  /**
   * Close an action with its evidence: a note and at least one attached file or one link.
   *
   * @throws Problem 404, 409 `action_changed` / `action_closed`, 422 `action_evidence_required`
   */
  async close(who: Reader, id: string, b: ActionCloseRequest): Promise<Action> {
    await inTransaction(this.deps.db, async (repos) => {
      const row = await this.readable(who, id, repos);
      if (row.version !== b.expectedVersion) throw new Problem('action_changed');
      if (row.status === 'selesai') throw new Problem('action_closed');
      const links = [...new Set(b.links ?? [])];
      const files = await repos.actions.filesOf([id]);
      if (!b.note.trim() || (links.length === 0 && files.length === 0))
        throw new Problem('action_evidence_required');
      const ok = await repos.actions.update(
        id,
        b.expectedVersion,
        {
          status: 'selesai',
          closingNote: b.note,
          links,
          closedAt: this.now(),
          closedBy: who.account.id,
        },
        this.now(),
      );
      if (!ok) throw new Problem('action_changed');
    });
    return this.view(await this.mustFind(id));
  }

  /** Add a comment (coordinator or owner in scope; any status). Bumps the version. */
  async comment(who: Reader, id: string, b: ActionCommentRequest): Promise<Action> {
    await inTransaction(this.deps.db, async (repos) => {
      const row = await this.readable(who, id, repos);
      await repos.actions.addComment({
        id: uuidv7(this.now()),
        actionId: id,
        at: this.now(),
        accountId: who.account.id,
        text: b.text,
      });
      if (!(await repos.actions.update(id, row.version, {}, this.now())))
        throw new Problem('action_changed');
    });
    return this.view(await this.mustFind(id));
  }

  /**
   * Attach an evidence file to an open action. The type is core `evidenceMimeOf(name,
   * declared)`; the bytes must agree with it (`evidenceBytesAgree`) and fit its kind's
   * limit. Stored in the evidence file store by SHA-256 (FilesService, the same checked
   * path tablet uploads finish through) and recorded in `files`.
   *
   * @throws Problem 404, 409 `action_closed`, 415 `unsupported_media_type`, 413
   *   `evidence_too_large`, 422 `evidence_type_mismatch`
   */
  async addFile(
    who: Reader,
    id: string,
    name: string,
    declared: string,
    bytes: Uint8Array,
  ): Promise<Action> {
    const row = await this.readable(who, id);
    if (row.status === 'selesai') throw new Problem('action_closed');
    const mime = evidenceMimeOf(name, declared.split(';')[0]?.trim().toLowerCase() ?? '');
    if (!mime) throw new Problem('unsupported_media_type');
    const limit = evidenceLimitBytes(mime, 'stored') ?? 0;
    if (bytes.length > limit) throw evidenceTooLarge(mime, limit);
    if (bytes.length === 0 || !evidenceBytesAgree(mime, bytes.subarray(0, 16)))
      throw new Problem('evidence_type_mismatch', { name: name.slice(0, 100), type: mime });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const outcome = await this.files.finaliseUpload({
      uploadId: `action:${sha256}`,
      sha256,
      mime,
      deviceId: null,
      read: async () => Readable.from([Buffer.from(bytes)]),
    });
    if (outcome === 'hash_mismatch') throw new Problem('hash_mismatch');
    await inTransaction(this.deps.db, async (repos) => {
      const now = await this.readable(who, id, repos);
      if (now.status === 'selesai') throw new Problem('action_closed');
      const attached = await repos.actions.filesOf([id]);
      if (attached.length >= ACTION_LIMITS.files && !attached.some((f) => f.sha256 === sha256))
        throw fieldProblem(
          'files',
          'too_many',
          `Paling banyak ${ACTION_LIMITS.files} berkas per tindak lanjut.`,
          `At most ${ACTION_LIMITS.files} files per action.`,
        );
      await repos.actions.addFile({
        actionId: id,
        sha256,
        name,
        mime,
        bytes: bytes.length,
        addedAt: this.now(),
        addedBy: who.account.id,
      });
      if (!(await repos.actions.update(id, now.version, {}, this.now())))
        throw new Problem('action_changed');
    });
    return this.view(await this.mustFind(id));
  }

  /**
   * Detach a file from an open action (its bytes stay in the store: other records may name
   * them).
   *
   * @throws Problem 404 (action or file), 409 `action_closed`
   */
  async removeFile(who: Reader, id: string, sha256: string): Promise<Action> {
    await inTransaction(this.deps.db, async (repos) => {
      const row = await this.readable(who, id, repos);
      if (row.status === 'selesai') throw new Problem('action_closed');
      if (!(await repos.actions.removeFile(id, sha256)))
        throw new Problem('not_found', { what: 'Berkas', whatEn: 'File' });
      if (!(await repos.actions.update(id, row.version, {}, this.now())))
        throw new Problem('action_changed');
    });
    return this.view(await this.mustFind(id));
  }

  /**
   * An action's file for download. Coordinators, viewers and owners in scope; a verifier
   * only for actions on or owned by units assigned to it in a period that is not a draft.
   *
   * @throws Problem 404 `not_found`, 403 `not_assigned`
   */
  async file(p: Principal, id: string, sha256: string): Promise<ServedFile> {
    let row: ActionRow;
    if (p.account.role === 'verifier') {
      const found = await this.repos.actions.findById(id);
      if (!found) throw notFound();
      const mine = await this.verifierUnits(p.account.id);
      if (!mine.has(found.unitId) && !mine.has(found.ownerUnitId))
        throw new Problem('not_assigned');
      row = found;
    } else row = await this.readable(p, id);
    const f = (await this.repos.actions.filesOf([row.id])).find((x) => x.sha256 === sha256);
    const fileNotFound = () => new Problem('not_found', { what: 'Berkas', whatEn: 'File' });
    // Served only when the evidence store confirms the bytes (never a 500 mid-download).
    if (!f || (await this.files.evidence.stat(sha256))?.bytes !== f.bytes) throw fileNotFound();
    return {
      sha256,
      mime: f.mime,
      name: f.name,
      bytes: f.bytes,
      recordId: null,
      open: (range) => this.files.evidence.open(sha256, range),
    };
  }

  // --- the tablet and the dashboard -----------------------------------------------------

  /**
   * The actions for a verifier's offline package: those on, or owned by, units assigned to
   * it in periods that are not drafts, of every period; display status as of the server's
   * day.
   */
  async forTablet(verifierId: string): Promise<TabletAction[]> {
    const mine = await this.verifierUnits(verifierId);
    if (mine.size === 0) return [];
    const rows = await this.repos.actions.list({ touching: [...mine] });
    const today = await this.today();
    const views = await this.views(rows, today);
    return views.map((a) => ({
      id: a.id,
      periodId: a.period.id,
      periodName: a.period.name,
      frameworkId: a.framework.id,
      indicatorNo: a.indicatorNo,
      unitId: a.unitId,
      ownerUnitId: a.ownerUnitId,
      ownerUnitName: a.ownerUnitName,
      ownerPerson: a.ownerPerson,
      title: a.title,
      fromLevel: a.fromLevel,
      targetLevel: a.targetLevel,
      dueDate: a.dueDate,
      evidence: a.evidence,
      status: a.status,
      displayStatus: a.displayStatus,
      closingNote: a.closingNote,
      closedAt: a.closedAt,
      closedByName: a.closedByName,
      links: a.links,
      files: a.files,
      updatedAt: a.updatedAt,
    }));
  }

  /**
   * The dashboard's action panel of a period: counts (overall and per owner unit), the city
   * index now (city-index rule) and the index if every action on the city-level unit
   * succeeds: `computeIndex(fw, promisedLevels(levels now, those actions))`, with the same
   * not-applicable marks and official rule as the index now (exact, no rounding).
   *
   * @throws Problem 404 `not_found` (period)
   */
  async progress(periodId: string): Promise<ActionsProgress> {
    const { period, fw, city } = await this.cities.forPeriod(periodId);
    const rows = await this.repos.actions.list({ periodId });
    const today = await this.today();
    const units = await this.repos.units.list();
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const display = rows.map((r) => actionDisplayStatus(r, today));
    const byOwner = new Map<string, ActionDisplayStatus[]>();
    rows.forEach((r, i) => {
      const list = byOwner.get(r.ownerUnitId) ?? [];
      list.push(display[i] as ActionDisplayStatus);
      byOwner.set(r.ownerUnitId, list);
    });
    const cityUnitId = city.levels.unit?.id ?? null;
    const onCity = rows.filter((r) => r.unitId === cityUnitId);
    const promised = promisedLevels(city.levels.consolidated, onCity);
    const promisedIndex = computeIndex(fw, promised, {
      notApplicable: city.levels.notApplicable,
      rule: 'official',
    });
    const c = compileFramework(fw);
    const nos = [...new Set(onCity.map((r) => r.indicatorNo))].sort((a, b) => a - b);
    return {
      period: periodRef(period),
      framework: { id: fw.id, name: fw.name, version: fw.version },
      today,
      counts: countOf(display),
      owners: [...byOwner.entries()]
        .map(([unitId, s]) => ({
          unitId,
          unitName: unitName.get(unitId) ?? '',
          counts: countOf(s),
        }))
        .sort(
          (a, b) => a.unitName.localeCompare(b.unitName, 'id') || (a.unitId < b.unitId ? -1 : 1),
        ),
      current: summarise(city.consolidated),
      promised: summarise(promisedIndex),
      targetIndex: period.targetIndex ?? null,
      indicators: nos.map((no) => {
        const on = onCity.filter((r) => r.indicatorNo === no);
        return {
          no,
          name: c.byNo.get(no)?.spec.name ?? '',
          current: city.levels.consolidated[no] ?? null,
          promised: promised[no] ?? null,
          actionCount: on.length,
          openCount: on.filter((r) => r.status !== 'selesai').length,
        };
      }),
    };
  }

  // --- owner accounts -----------------------------------------------------------------

  /** Owner accounts (coordinator, viewer: all; an owner: the accounts of its own unit). */
  async owners(who: Reader): Promise<OwnerAccount[]> {
    let accounts = await this.repos.accounts.listByRole('owner');
    if (who.account.role === 'owner')
      accounts = accounts.filter((a) => a.unitId === who.account.unitId);
    return this.ownerViews(accounts);
  }

  /**
   * Make an owner account for a unit with a generated password (shown once; its scrypt
   * hash is stored).
   *
   * @throws Problem 409 `email_taken`, 422 `validation_failed` (`unitId`: `unknown_reference`)
   */
  async createOwner(b: { email: string; name: string; unitId: string }): Promise<OwnerCredentials> {
    const unit = await this.repos.units.findById(b.unitId);
    if (!unit)
      throw fieldProblem('unitId', 'unknown_reference', 'Unit tidak ditemukan.', 'Unit not found.');
    if (await this.repos.accounts.emailTaken(b.email.trim())) throw new Problem('email_taken');
    const password = newReadablePassword();
    const account = await this.repos.accounts.insert({
      id: uuidv7(this.now()),
      email: b.email.trim(),
      name: b.name.trim(),
      role: 'owner',
      passwordHash: await hashPassword(password, this.deps.config.scrypt),
      demo: false,
      unitId: unit.id,
      now: this.now(),
    });
    return { account: await this.ownerView(account), password };
  }

  /**
   * Change an owner account; deactivating it ends its sessions at once.
   *
   * @throws Problem 404 `not_found`, 422 `validation_failed` (`unitId`)
   */
  async updateOwner(
    id: string,
    p: { name?: string | undefined; unitId?: string | undefined; active?: boolean | undefined },
  ): Promise<OwnerAccount> {
    await this.ownerAccount(id);
    if (p.unitId !== undefined && !(await this.repos.units.findById(p.unitId)))
      throw fieldProblem('unitId', 'unknown_reference', 'Unit tidak ditemukan.', 'Unit not found.');
    await this.repos.accounts.update(
      id,
      { name: p.name?.trim(), unitId: p.unitId, active: p.active },
      this.now(),
    );
    if (p.active === false) await this.repos.sessions.deleteForAccount(id);
    return this.ownerView(await this.ownerAccount(id));
  }

  /** A new generated password for an owner account; its sessions end. */
  async resetOwnerPassword(id: string): Promise<OwnerCredentials> {
    await this.ownerAccount(id);
    const password = newReadablePassword();
    await this.repos.accounts.setPasswordHash(
      id,
      await hashPassword(password, this.deps.config.scrypt),
      this.now(),
    );
    await this.repos.sessions.deleteForAccount(id);
    return { account: await this.ownerView(await this.ownerAccount(id)), password };
  }

  private async ownerAccount(id: string): Promise<Account> {
    const a = await this.repos.accounts.findById(id);
    if (a?.role !== 'owner')
      throw new Problem('not_found', { what: 'Akun penanggung jawab', whatEn: 'Owner account' });
    return a;
  }

  private async ownerView(a: Account): Promise<OwnerAccount> {
    return (await this.ownerViews([a]))[0] as OwnerAccount;
  }

  private async ownerViews(accounts: readonly Account[]): Promise<OwnerAccount[]> {
    const units = await this.repos.units.list();
    const name = new Map(units.map((u) => [u.id, u.name]));
    const open = await this.repos.actions.openCountByOwnerUnit();
    return accounts.map((a) => {
      const mine = a.unitId ? below(units, a.unitId) : new Set<string>();
      let n = 0;
      for (const u of mine) n += open.get(u) ?? 0;
      return {
        ...a,
        unitName: a.unitId ? (name.get(a.unitId) ?? '') : '',
        openActionCount: n,
      };
    });
  }

  // --- scope --------------------------------------------------------------------------

  /**
   * The units whose actions the caller may read: null for every unit (coordinator,
   * viewer), an owner's unit and the units below it.
   *
   * @throws Problem 403 `forbidden` for any other role
   */
  private async scopeOf(
    who: Reader,
    units?: readonly Unit[],
    repos: Repositories = this.repos,
  ): Promise<Set<string> | null> {
    const role = who.account.role;
    if (role === 'coordinator' || role === 'viewer') return null;
    if (role === 'owner' && who.account.unitId)
      return below(units ?? (await repos.units.list()), who.account.unitId);
    throw new Problem('forbidden');
  }

  /** The action when the caller may read it; 404 when unknown or outside an owner's scope. */
  private async readable(who: Reader, id: string, repos = this.repos): Promise<ActionRow> {
    const row = await repos.actions.findById(id);
    if (!row) throw notFound();
    // Inside a transaction every read goes through its repositories (SQLite has one
    // connection: a read beside the transaction would wait for it forever).
    const scope = await this.scopeOf(who, undefined, repos);
    if (scope && !scope.has(row.unitId) && !scope.has(row.ownerUnitId)) throw notFound();
    return row;
  }

  /** Units assigned to a verifier in periods that are not drafts. */
  private async verifierUnits(verifierId: string): Promise<Set<string>> {
    const all = await this.repos.assignments.list({ verifierId });
    const periods = await this.repos.periods.findByIds([...new Set(all.map((a) => a.periodId))]);
    const live = new Set(periods.filter((p) => p.status !== 'draft').map((p) => p.id));
    return new Set(all.filter((a) => live.has(a.periodId)).map((a) => a.unitId));
  }

  private async mustFind(id: string): Promise<ActionRow> {
    const row = await this.repos.actions.findById(id);
    if (!row) throw notFound();
    return row;
  }

  // --- answers ------------------------------------------------------------------------

  private async view(row: ActionRow): Promise<Action> {
    return (await this.views([row], await this.today()))[0] as Action;
  }

  /** Actions as the API answers them (names, files, comments, display status on `today`). */
  private async views(
    rows: readonly ActionRow[],
    today: string,
    units?: readonly Unit[],
  ): Promise<Action[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [files, comments, periods, allUnits] = await Promise.all([
      this.repos.actions.filesOf(ids),
      this.repos.actions.commentsOf(ids),
      this.repos.periods.findByIds([...new Set(rows.map((r) => r.periodId))]),
      units ? Promise.resolve(units) : this.repos.units.list(),
    ]);
    const periodById = new Map(periods.map((p) => [p.id, p]));
    const unitName = new Map(allUnits.map((u) => [u.id, u.name]));
    const fws = new Map<string, Framework>();
    for (const fid of new Set(rows.map((r) => r.frameworkId)))
      fws.set(fid, await this.frameworks.get(fid));
    const names = await this.repos.actions.accountNames(
      [
        ...rows.flatMap((r) => [r.createdBy, r.closedBy]),
        ...files.map((f) => f.addedBy),
        ...comments.map((c) => c.accountId),
      ].filter((x): x is string => x !== null),
    );
    const nameOf = (id: string | null) => (id ? (names.get(id) ?? null) : null);
    return rows.map((r): Action => {
      const p = periodById.get(r.periodId) as Period;
      const fw = fws.get(r.frameworkId) as Framework;
      const af: ActionFile[] = files
        .filter((f) => f.actionId === r.id)
        .map((f) => ({
          sha256: f.sha256,
          name: f.name,
          mime: f.mime,
          bytes: f.bytes,
          addedAt: f.addedAt,
          addedByName: nameOf(f.addedBy),
        }));
      return {
        id: r.id,
        period: periodRef(p),
        framework: { id: fw.id, name: fw.name, version: fw.version },
        indicatorNo: r.indicatorNo,
        indicatorName: compileFramework(fw).byNo.get(r.indicatorNo)?.spec.name ?? '',
        unitId: r.unitId,
        unitName: unitName.get(r.unitId) ?? '',
        ownerUnitId: r.ownerUnitId,
        ownerUnitName: unitName.get(r.ownerUnitId) ?? '',
        ownerPerson: r.ownerPerson,
        title: r.title,
        fromLevel: r.fromLevel,
        fromSource: r.fromSource as LevelSource,
        targetLevel: r.targetLevel,
        dueDate: r.dueDate,
        evidence: r.evidence,
        status: r.status,
        displayStatus: actionDisplayStatus(r, today),
        daysOverdue: daysOverdue(r, today),
        origin: r.origin,
        originRef: r.originRef,
        closingNote: r.closingNote,
        closedAt: r.closedAt,
        closedBy: r.closedBy,
        closedByName: nameOf(r.closedBy),
        links: r.links,
        files: af,
        comments: comments
          .filter((c) => c.actionId === r.id)
          .map((c) => ({
            id: c.id,
            at: c.at,
            by: c.accountId,
            byName: nameOf(c.accountId),
            text: c.text,
          })),
        createdAt: r.createdAt,
        createdBy: r.createdBy,
        createdByName: nameOf(r.createdBy),
        updatedAt: r.updatedAt,
        version: r.version,
      };
    });
  }
}

// --- pure helpers ----------------------------------------------------------------------

/** The organisation's IANA zone (WIB until the organisation is set up). */
async function zoneOf(repos: Repositories): Promise<string> {
  const org = await repos.organisation.get();
  return ZONE_IANA[org?.zone ?? DEFAULT_ZONE_CODE];
}

interface LevelNow {
  level: number | null;
  source: LevelSource;
}

/**
 * A unit's level of every indicator in a period: the verified level of its assessment's
 * verification, else its penilaian mandiri level, else none — the city-index rule
 * (city-index.ts `consolidateLevel`), which for the city-level unit is exactly the city's.
 */
async function unitLevels(
  repos: Repositories,
  periodId: string,
  unitId: string,
): Promise<Map<number, LevelNow>> {
  const a = await repos.assignments.findAssessment(periodId, unitId);
  const [self, cells] = await Promise.all([
    repos.reporting.selfLevels(periodId, [unitId]),
    a ? repos.reporting.verificationCells([a.id]) : Promise.resolve([]),
  ]);
  const out = new Map<number, LevelNow>();
  const nos = new Set([
    ...self.map((s) => s.indicatorNo),
    ...cells.map((c) => c.indicatorNo).filter((n): n is number => n !== null),
  ]);
  for (const no of nos) {
    const s = self.find((x) => x.indicatorNo === no)?.level ?? null;
    const v = cells.find((c) => c.indicatorNo === no)?.verifiedLevel ?? null;
    out.set(no, consolidateLevel(s, v));
  }
  return out;
}

/**
 * A target must be a value of the indicator's domain and above the level now.
 *
 * @throws Problem 422 `invalid_value`, `action_target_not_higher`
 */
function checkTarget(fw: Framework, no: number, target: number, now: number | null): void {
  const bad = valueProblem(fw, no, target);
  if (bad) throw new Problem('invalid_value', { detail: bad.message, detailEn: bad.messageEn });
  if (now !== null && target <= now)
    throw new Problem('action_target_not_higher', {
      no,
      target: idNumber(target),
      targetEn: String(target),
      current: idNumber(now),
      currentEn: String(now),
    });
}

/** A unit and every unit below it in the tree. */
function below(units: readonly Unit[], rootId: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const u of units)
    if (u.parentId) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u.id]);
  const out = new Set<string>([rootId]);
  const stack = [rootId];
  while (stack.length) {
    const id = stack.pop() as string;
    for (const c of children.get(id) ?? [])
      if (!out.has(c)) {
        out.add(c);
        stack.push(c);
      }
  }
  return out;
}

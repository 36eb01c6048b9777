import {
  type CitySummaryIndicator,
  compileFramework,
  computeIndex,
  DEFAULT_ZONE_CODE,
  type Framework,
  type IndexResult,
  listIndicators,
  type UnitProgress,
  type ZoneCode,
} from '../../../core';
import type { VerificationCell } from '../../db/reporting.repository';
import type { Repositories } from '../../db/repositories';
import type { Period } from '../../domain';
import { groupBy } from '../../lib/group-by';
import { type CityIndex, namedCityIndicators, type PeriodCity } from '../city-index';
import { toUnitProgress } from '../dashboard.service';
import {
  type CheckExport,
  evidenceChecks,
  type IndicatorExport,
  type RecordExport,
  recordExports,
} from './records';

/**
 * What the levels export (levels.ts) writes, read from the database: what is small is read
 * once for the whole period (units, levels, not-applicable marks, file counts); what is
 * large (notes, reasons, evidence checks, berita acara, comments) is read a batch of units
 * at a time while the file is written, so a period of 10,000 units never sits in memory
 * as text.
 */

/** One unit of the export, with its official indices (exact). */
export interface UnitExport {
  unit: UnitProgress;
  parentName: string;
  /** The verifiers assigned to the unit this period, by name. */
  assigned: string[];
  self: IndexResult;
  verified: IndexResult;
  selfLevels: Map<number, number>;
  cells: Map<number, VerificationCell>;
}

/** A unit with what its record says (null without an assessment or any record yet). */
export interface UnitRecord {
  unit: UnitExport;
  record: RecordExport | null;
}

export type EvidenceStatus = 'tidak berlaku' | 'belum diperiksa' | 'lengkap' | 'ada kekurangan';

/** One row of the unit × indicator table. */
export interface LevelRow extends UnitRecord {
  no: number;
  name: string;
  domain: string;
  aspect: string;
  self: number | null;
  verified: number | null;
  notApplicable: boolean;
  texts: IndicatorExport | null;
  evidence: EvidenceStatus;
  present: number;
  missing: number;
  inadequate: number;
  files: number;
  held: number;
}

/** One checked evidence document of one indicator of one unit. */
export interface EvidenceRow {
  unit: UnitExport;
  no: number;
  name: string;
  check: CheckExport;
}

/** Units whose records one read fetches. */
const BATCH = 100;

/** Everything both formats write, read with a fixed number of queries per batch of units. */
export interface LevelsExport {
  period: Period;
  fw: Framework;
  generatedAt: number;
  /** The zone every time of the export is written in (the organisation's; WIB before set-up). */
  zone: ZoneCode;
  /** The organisation's name (sheet "Info"); null before set-up. */
  organisation: string | null;
  city: CityIndex;
  cityIndicators: CitySummaryIndicator[];
  units: UnitExport[];
  /**
   * The units with their records, a batch at a time, in code order. `checks: false` skips
   * the evidence checks (a pass that needs only each unit's state and texts).
   */
  records(options: { checks: boolean }): AsyncGenerator<UnitRecord[]>;
  /** The unit × indicator rows of one unit. */
  rowsOf(u: UnitRecord): LevelRow[];
  /**
   * The evidence documents checked, a batch of units at a time, in code order, by
   * indicator (reading the checks alone).
   */
  evidence(): AsyncGenerator<EvidenceRow[]>;
}

/**
 * Units (with an assessment or a self-assessment) × indicators of a period, with indices,
 * from the city index already read in this request, and the organisation's name and zone.
 */
export async function loadLevelsExport(
  repos: Repositories,
  { period, fw, city }: PeriodCity,
  generatedAt: number,
): Promise<LevelsExport> {
  const indicators = listIndicators(fw);
  const c = compileFramework(fw);
  const groupName = new Map(c.groups.map((g) => [g.spec.id, g.spec.name]));
  const domainOf = new Map(
    indicators.map((ind) => [
      ind.no,
      ind.path.length > 1 ? (groupName.get(ind.path[0] as string) ?? '') : '',
    ]),
  );
  const aspectOf = new Map(
    indicators.map((ind) => [ind.no, groupName.get(ind.path.at(-1) as string) ?? '']),
  );
  const r = repos.reporting;
  const [progress, cells, selfRows, files, verifiers] = await Promise.all([
    r.unitProgress(period.id),
    r.periodCells(period.id),
    r.selfLevels(period.id),
    r.evidenceFileCounts(period.id),
    r.assignedVerifiers(period.id),
  ]);
  const names = new Map(progress.map((u) => [u.unitId, u.name]));
  const cellsByAssessment = groupBy(cells, (x) => x.assessmentId);
  const selfByUnit = groupBy(selfRows, (x) => x.unitId);
  const verifiersByUnit = groupBy(verifiers, (x) => x.unitId);
  const filesByKey = new Map(files.map((f) => [`${f.assessmentId}:${f.indicatorNo}`, f]));
  const units: UnitExport[] = [];
  for (const p of progress) {
    const selfLevels = new Map(
      (selfByUnit.get(p.unitId) ?? []).map((x) => [x.indicatorNo, x.level]),
    );
    if (!p.assessmentId && selfLevels.size === 0) continue;
    const byNo = new Map(
      (p.assessmentId ? (cellsByAssessment.get(p.assessmentId) ?? []) : [])
        .filter((x) => x.indicatorNo !== null)
        .map((x) => [x.indicatorNo as number, x]),
    );
    const na = [...byNo.values()]
      .filter((x) => x.notApplicable)
      .map((x) => x.indicatorNo as number);
    units.push({
      unit: toUnitProgress(p, indicators.length),
      parentName: p.parentId ? (names.get(p.parentId) ?? '') : '',
      assigned: (verifiersByUnit.get(p.unitId) ?? []).map((v) => v.name),
      self: computeIndex(fw, Object.fromEntries(selfLevels), { rule: 'official' }),
      verified: computeIndex(
        fw,
        Object.fromEntries([...byNo].map(([no, x]) => [no, x.verifiedLevel])),
        { notApplicable: na, rule: 'official' },
      ),
      selfLevels,
      cells: byNo,
    });
  }

  /** The units in batches, each with the assessments it holds. */
  function* batches(): Generator<{ units: UnitExport[]; ids: string[] }> {
    for (let i = 0; i < units.length; i += BATCH) {
      const batch = units.slice(i, i + BATCH);
      const ids = batch.flatMap((u) => (u.unit.assessmentId ? [u.unit.assessmentId] : []));
      yield { units: batch, ids };
    }
  }

  async function* records(options: { checks: boolean }): AsyncGenerator<UnitRecord[]> {
    for (const batch of batches()) {
      const status = new Map(
        batch.units.flatMap((u) =>
          u.unit.assessmentId ? [[u.unit.assessmentId, u.unit.storedStatus ?? '']] : [],
        ),
      );
      const [fields, decisions, clocks] = batch.ids.length
        ? await Promise.all([
            r.exportFields(batch.ids, { record: true, checks: options.checks }),
            r.lastDecisions(batch.ids),
            r.signingClocks(batch.ids),
          ])
        : [[], [], []];
      const byAssessment = recordExports(fw, fields, decisions, status, clocks);
      yield batch.units.map((unit) => ({
        unit,
        record: unit.unit.assessmentId ? (byAssessment.get(unit.unit.assessmentId) ?? null) : null,
      }));
    }
  }

  async function* evidence(): AsyncGenerator<EvidenceRow[]> {
    for (const batch of batches()) {
      const fields = batch.ids.length
        ? await r.exportFields(batch.ids, { record: false, checks: true })
        : [];
      const checks = evidenceChecks(fw, fields);
      yield batch.units.flatMap((unit) => {
        const byNo = unit.unit.assessmentId ? checks.get(unit.unit.assessmentId) : undefined;
        return indicators.flatMap((ind) =>
          (byNo?.get(ind.no) ?? []).map((check) => ({
            unit,
            no: ind.no,
            name: ind.spec.name,
            check,
          })),
        );
      });
    }
  }

  const rowsOf = (u: UnitRecord): LevelRow[] =>
    indicators.map((ind) => {
      const cell = u.unit.cells.get(ind.no);
      const texts = u.record?.indicators.get(ind.no) ?? null;
      const a = u.unit.unit.assessmentId;
      const f = a ? filesByKey.get(`${a}:${ind.no}`) : undefined;
      const n: Record<CheckExport['state'], number> = {
        present: 0,
        missing: 0,
        inadequate: 0,
        unchecked: 0,
      };
      for (const x of texts?.checks ?? []) n[x.state]++;
      const { present, missing, inadequate } = n;
      const notApplicable = cell?.notApplicable ?? false;
      return {
        ...u,
        no: ind.no,
        name: ind.spec.name,
        domain: domainOf.get(ind.no) ?? '',
        aspect: aspectOf.get(ind.no) ?? '',
        self: u.unit.selfLevels.get(ind.no) ?? null,
        verified: cell?.verifiedLevel ?? null,
        notApplicable,
        texts,
        evidence: notApplicable
          ? 'tidak berlaku'
          : missing + inadequate > 0
            ? 'ada kekurangan'
            : present > 0
              ? 'lengkap'
              : 'belum diperiksa',
        present,
        missing,
        inadequate,
        files: f?.files ?? 0,
        held: f?.held ?? 0,
      };
    });

  const organisation = await repos.organisation.get();
  return {
    period,
    fw,
    generatedAt,
    zone: organisation?.zone ?? DEFAULT_ZONE_CODE,
    organisation: organisation?.name ?? null,
    city,
    cityIndicators: namedCityIndicators(fw, city.levels),
    units,
    records,
    rowsOf,
    evidence,
  };
}

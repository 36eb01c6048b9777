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
 * What the levels export (levels.ts) writes, read from the database: the list of units
 * (who they are, their counts, their verifiers) is read once for the whole period; all the
 * rest (levels, not-applicable marks, file counts, notes, reasons, evidence checks, berita
 * acara, comments) is read a batch of units at a time while the file is written, so the
 * memory an export holds does not grow with the period (10,000 units × 47 indicators).
 */

/** One unit of the period's export, as listed once (without its levels). */
export interface UnitBase {
  unit: UnitProgress;
  parentName: string;
  /** The verifiers assigned to the unit this period, by name. */
  assigned: string[];
}

/** One unit of the export with its levels and official indices (exact), read with its batch. */
export interface UnitExport extends UnitBase {
  self: IndexResult;
  verified: IndexResult;
  selfLevels: Map<number, number>;
  cells: Map<number, VerificationCell>;
  /** Evidence files referenced (not deleted) and held, by indicator. */
  files: Map<number, { files: number; held: number }>;
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
  unit: UnitBase;
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
  /** Units exported: those with an assessment or a self-assessment. */
  unitCount: number;
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
 * `batch`: units read at a time (100; the files are the same whatever it is).
 */
export async function loadLevelsExport(
  repos: Repositories,
  { period, fw, city }: PeriodCity,
  generatedAt: number,
  batch = BATCH,
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
  const [progress, selfAssessed, verifiers] = await Promise.all([
    r.unitProgress(period.id),
    r.selfAssessedUnits(period.id),
    r.assignedVerifiers(period.id),
  ]);
  const names = new Map(progress.map((u) => [u.unitId, u.name]));
  const withSelf = new Set(selfAssessed);
  const verifiersByUnit = groupBy(verifiers, (x) => x.unitId);
  const units: UnitBase[] = progress
    .filter((p) => p.assessmentId !== null || withSelf.has(p.unitId))
    .map((p) => ({
      unit: toUnitProgress(p, indicators.length),
      parentName: p.parentId ? (names.get(p.parentId) ?? '') : '',
      assigned: (verifiersByUnit.get(p.unitId) ?? []).map((v) => v.name),
    }));

  /** The units in batches, each with the assessments it holds. */
  function* batches(): Generator<{ units: UnitBase[]; ids: string[] }> {
    for (let i = 0; i < units.length; i += batch) {
      const part = units.slice(i, i + batch);
      const ids = part.flatMap((u) => (u.unit.assessmentId ? [u.unit.assessmentId] : []));
      yield { units: part, ids };
    }
  }

  /** A batch's units with their levels, indices and file counts (three reads). */
  async function withLevels(batch: { units: UnitBase[]; ids: string[] }): Promise<UnitExport[]> {
    const [cells, selfRows, files] = await Promise.all([
      batch.ids.length ? r.exportCells(batch.ids) : [],
      r.selfLevels(
        period.id,
        batch.units.map((u) => u.unit.unitId),
      ),
      batch.ids.length ? r.evidenceFileCounts(batch.ids) : [],
    ]);
    const cellsByAssessment = groupBy(cells, (x) => x.assessmentId);
    const selfByUnit = groupBy(selfRows, (x) => x.unitId);
    const filesByAssessment = groupBy(files, (x) => x.assessmentId);
    return batch.units.map((base) => {
      const a = base.unit.assessmentId;
      const selfLevels = new Map(
        (selfByUnit.get(base.unit.unitId) ?? []).map((x) => [x.indicatorNo, x.level]),
      );
      const byNo = new Map(
        (a ? (cellsByAssessment.get(a) ?? []) : [])
          .filter((x) => x.indicatorNo !== null)
          .map((x) => [x.indicatorNo as number, x]),
      );
      const na = [...byNo.values()]
        .filter((x) => x.notApplicable)
        .map((x) => x.indicatorNo as number);
      return {
        ...base,
        self: computeIndex(fw, Object.fromEntries(selfLevels), { rule: 'official' }),
        verified: computeIndex(
          fw,
          Object.fromEntries([...byNo].map(([no, x]) => [no, x.verifiedLevel])),
          { notApplicable: na, rule: 'official' },
        ),
        selfLevels,
        cells: byNo,
        files: new Map(
          (a ? (filesByAssessment.get(a) ?? []) : []).map((f) => [
            f.indicatorNo,
            { files: f.files, held: f.held },
          ]),
        ),
      };
    });
  }

  async function* records(options: { checks: boolean }): AsyncGenerator<UnitRecord[]> {
    for (const batch of batches()) {
      const status = new Map(
        batch.units.flatMap((u) =>
          u.unit.assessmentId ? [[u.unit.assessmentId, u.unit.storedStatus ?? '']] : [],
        ),
      );
      const [withIndices, fields, decisions, clocks] = await Promise.all([
        withLevels(batch),
        ...(batch.ids.length
          ? ([
              r.exportFields(batch.ids, { record: true, checks: options.checks }),
              r.lastDecisions(batch.ids),
              r.signingClocks(batch.ids),
            ] as const)
          : ([[], [], []] as const)),
      ]);
      const byAssessment = recordExports(fw, fields, decisions, status, clocks);
      yield withIndices.map((unit) => ({
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
      const f = u.unit.files.get(ind.no);
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
        unit: u.unit,
        record: u.record,
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
    unitCount: units.length,
    records,
    rowsOf,
    evidence,
  };
}

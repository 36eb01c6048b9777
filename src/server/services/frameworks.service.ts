import {
  builtInFrameworks,
  type Framework,
  FrameworkError,
  type GroupSpec,
  parseFramework,
  serializeFramework,
} from '../../core';
import { isUniqueViolation } from '../db/errors';
import type { Repositories } from '../db/repositories';
import type { FrameworkSummary } from '../domain';
import { Problem } from '../problems';
import { type ActorId, BaseService } from './context';

/**
 * Everything of an instrument that its arithmetic, its stored records or its bands depend
 * on, as one comparable text: group ids and weights, indicator numbers, weights, scales
 * (name and number of levels), value domains and outside-index sources (range, mapping,
 * interpolation), the number of evidence items per level (verifications store their checks
 * by position, `checks.<level>.<index>`), predicate bands, the not-applicable rule and the
 * index scale. Names, criteria, evidence wording and the basis text are not part of it: a
 * correction of those changes no index and no stored check.
 */
export function scoringStructure(fw: Framework): string {
  const group = (g: GroupSpec): unknown => ({
    id: g.id,
    weight: g.weight,
    groups: (g.groups ?? []).map(group),
    indicators: (g.indicators ?? []).map((i) => ({
      no: i.no,
      weight: i.weight,
      scale: i.scale,
      values: i.values ?? null,
      source: i.source
        ? {
            range: i.source.range ?? null,
            mapping: i.source.mapping ?? null,
            interpolate: i.source.interpolate ?? 'step',
          }
        : null,
      evidence: (i.levels ?? []).map((l) => l.evidence.length),
    })),
  });
  return JSON.stringify({
    values: fw.values ?? 'level',
    notApplicable: fw.notApplicable ?? 'level-1',
    indexScale: fw.indexScale ?? null,
    scales: Object.keys(fw.scales)
      .sort()
      .map((k) => [k, fw.scales[k]?.length ?? 0]),
    predicates: fw.predicates.map((p) => [p.name, p.min, p.max ?? null]),
    groups: fw.groups.map(group),
  });
}

/**
 * Start-up refused: a built-in instrument shipped with this code changes the scoring
 * structure of the stored one that periods use. The message names the instrument, both
 * versions and the way out.
 */
export class BuiltInStructureError extends Error {
  constructor(
    readonly frameworkId: string,
    readonly storedVersion: string,
    readonly shippedVersion: string,
    readonly periodCount: number,
  ) {
    super(
      `built-in instrument "${frameworkId}": this version (${shippedVersion}) changes the scoring structure ` +
        `(groups, weights, values, sources, scales, evidence items or predicate bands) of the stored version ` +
        `(${storedVersion}) that ${periodCount} period(s) use. Refusing to start: the index of an existing ` +
        `period must never change silently. Ship the new structure under a new instrument id, or go back to ` +
        `the previous Telusur version; a demo database can be reset with \`npm run seed\`.`,
    );
    this.name = 'BuiltInStructureError';
  }
}

/** Instruments: the built-in SPBE 2020 and Pemdi 2026, plus imported JSON files (validated by core). */
export class FrameworksService extends BaseService {
  /**
   * Parsed documents by id, with the text they were parsed from: a built-in's text may be
   * corrected in place (installBuiltIns), so a hit counts only for the same text.
   */
  private readonly cache = new Map<string, { json: string; fw: Framework }>();

  /**
   * Bring the built-in instruments into the database (start-up; idempotent), each by id:
   * - missing → inserted;
   * - stored with the same document → nothing to do;
   * - stored with another document (a new version) whose `scoringStructure` is identical →
   *   the stored document is replaced in place (version, name, criteria, evidence hints): a
   *   text correction changes no index and no stored check;
   * - another scoring structure → replaced in place when no period uses the instrument
   *   (nothing was computed with it); refused when periods use it.
   * An imported instrument (not built-in) that happens to carry a built-in's id is left as
   * it is.
   *
   * @throws BuiltInStructureError when a built-in in use would change its scoring structure
   */
  async installBuiltIns(): Promise<void> {
    for (const fw of builtInFrameworks) {
      let stored = await this.repos.frameworks.findDocument(fw.id);
      if (!stored) {
        try {
          await this.insert(fw, true, this.now(), null);
          continue;
        } catch (e) {
          // Another process inserted it since the read (a start-up without the start-up
          // lock, e.g. an older Telusur): theirs is compared below like any stored one.
          if (!isUniqueViolation(e)) throw e;
          stored = await this.repos.frameworks.findDocument(fw.id);
          if (!stored) throw e;
        }
      }
      const json = JSON.stringify(serializeFramework(fw));
      if (!stored.builtIn || stored.json === json) continue;
      const old = parseFramework(JSON.parse(stored.json));
      if (scoringStructure(old) !== scoringStructure(fw)) {
        const used = await this.repos.periods.countUsingFramework(fw.id);
        if (used > 0) throw new BuiltInStructureError(fw.id, old.version, fw.version, used);
      }
      await this.repos.frameworks.updateDocument({
        id: fw.id,
        version: fw.version,
        name: fw.name,
        json,
      });
      this.cache.delete(fw.id);
    }
  }

  list(): Promise<FrameworkSummary[]> {
    return this.repos.frameworks.list();
  }

  /** The validated framework, or a 404 problem. */
  async get(id: string): Promise<Framework> {
    const doc = await this.repos.frameworks.findDocument(id);
    if (!doc) throw new Problem('not_found', { what: 'Instrumen', whatEn: 'Instrument' });
    return this.parseStored(id, doc.json);
  }

  /**
   * The validated framework read through `repos` (a transaction's: on SQLite a read outside
   * the open transaction would wait for it), parsed once per stored text; null when unknown.
   */
  async getIn(repos: Repositories, id: string): Promise<Framework | null> {
    const doc = await repos.frameworks.findDocument(id);
    return doc ? this.parseStored(id, doc.json) : null;
  }

  /** Documents for several ids (the tablet's offline package), as stored. */
  async documents(ids: readonly string[]): Promise<Framework[]> {
    const docs = await this.repos.frameworks.findDocuments(ids);
    return docs.map((d) => this.parseStored(d.id, d.json));
  }

  /** Import an instrument file; 422 listing every problem, 409 when the id exists. */
  async import(json: unknown, actor: ActorId): Promise<FrameworkSummary> {
    let fw: Framework;
    try {
      fw = parseFramework(json);
    } catch (e) {
      if (e instanceof FrameworkError) {
        throw new Problem(
          'framework_invalid',
          { count: e.problems.length },
          { problems: e.problems },
        );
      }
      throw e;
    }
    if (await this.repos.frameworks.findDocument(fw.id))
      throw new Problem('framework_exists', { id: fw.id });
    const now = this.now();
    await this.insert(fw, false, now, actor);
    return {
      id: fw.id,
      version: fw.version,
      name: fw.name,
      builtIn: false,
      createdAt: now,
      periodCount: 0,
    };
  }

  async delete(id: string): Promise<void> {
    const doc = await this.repos.frameworks.findDocument(id);
    if (!doc) throw new Problem('not_found', { what: 'Instrumen', whatEn: 'Instrument' });
    if (doc.builtIn) throw new Problem('framework_built_in');
    if ((await this.repos.periods.countUsingFramework(id)) > 0)
      throw new Problem('framework_in_use');
    await this.repos.frameworks.delete(id);
    this.cache.delete(id);
  }

  private parseStored(id: string, json: string): Framework {
    const hit = this.cache.get(id);
    if (hit && hit.json === json) return hit.fw;
    const fw = parseFramework(JSON.parse(json));
    this.cache.set(id, { json, fw });
    return fw;
  }

  /** Store a validated instrument as its canonical JSON document. */
  private insert(fw: Framework, builtIn: boolean, now: number, createdBy: ActorId | null) {
    return this.repos.frameworks.insert({
      id: fw.id,
      version: fw.version,
      name: fw.name,
      json: JSON.stringify(serializeFramework(fw)),
      builtIn,
      now,
      createdBy,
    });
  }
}

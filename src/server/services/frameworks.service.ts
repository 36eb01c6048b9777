import {
  builtInFrameworks,
  type Framework,
  FrameworkError,
  parseFramework,
  serializeFramework,
} from '../../core';
import type { FrameworkSummary } from '../domain';
import { Problem } from '../problems';
import { type ActorId, BaseService } from './context';

/** Instruments: the built-in SPBE 2020 plus imported JSON files (validated by core). */
export class FrameworksService extends BaseService {
  /** Parsed documents by id; a stored document never changes under the same id. */
  private readonly cache = new Map<string, { json: string; fw: Framework }>();

  /** Copy built-in instruments into the database when missing (start-up; idempotent). */
  async installBuiltIns(): Promise<void> {
    for (const fw of builtInFrameworks) {
      if (await this.repos.frameworks.findDocument(fw.id)) continue;
      await this.insert(fw, true, this.now(), null);
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

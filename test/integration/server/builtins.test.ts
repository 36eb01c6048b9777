import { expect, it } from 'vitest';
import {
  type Framework,
  type GroupSpec,
  type IndicatorSpec,
  pemdi2026,
  serializeFramework,
  spbe2020,
} from '../../../src/core';
import { prepareDatabase } from '../../../src/server/app';
import { createRepositories } from '../../../src/server/db/repositories';
import { BuiltInStructureError } from '../../../src/server/services/frameworks.service';
import { describeEachDialect } from '../../helpers/server-context';

/**
 * The built-in instruments at start-up: a new release may correct their text (names,
 * criteria, evidence hints) in place, but never the arithmetic under periods that use them.
 */

/** An instrument document as stored (canonical JSON of core's serialisation). */
const doc = (fw: Framework) => JSON.parse(JSON.stringify(serializeFramework(fw))) as Framework;

/** An indicator of a document, to edit in place. */
function indicator(fw: Framework, no: number): IndicatorSpec {
  const find = (groups: readonly GroupSpec[]): IndicatorSpec | undefined => {
    for (const g of groups) {
      const hit = g.indicators?.find((i) => i.no === no) ?? find(g.groups ?? []);
      if (hit) return hit;
    }
    return undefined;
  };
  const hit = find(fw.groups);
  if (!hit) throw new Error(`indicator ${no} not found`);
  return hit;
}

describeEachDialect(
  'built-in instruments at start-up',
  (ctx) => {
    const repos = () => createRepositories(ctx().db);
    const stored = async (id: string) =>
      JSON.parse((await repos().frameworks.findDocument(id))?.json ?? 'null') as Framework;
    const store = (fw: Framework) =>
      repos().frameworks.updateDocument({
        id: fw.id,
        version: fw.version,
        name: fw.name,
        json: JSON.stringify(fw),
      });
    /** SPBE 2020 as an older release stored it: version 1.0.0, indicator 13 under its old name. */
    const olderSpbe = () => {
      const old = doc(spbe2020);
      old.version = '1.0.0';
      indicator(old, 13).name = 'Keterpaduan Rencana dan Anggaran';
      return old;
    };

    it('installs every built-in on an empty database', async () => {
      const list = await ctx().services.frameworks.list();
      expect(list.map((f) => [f.id, f.version, f.builtIn])).toEqual([
        ['pemdi-2026', pemdi2026.version, true],
        ['spbe-2020', spbe2020.version, true],
      ]);
      expect(await stored('spbe-2020')).toEqual(doc(spbe2020));
    });

    it('corrects a built-in’s text in place when its scoring structure is unchanged, also under periods', async () => {
      const s = ctx().services;
      const period = await s.periods.create({
        name: 'Evaluasi SPBE 2025',
        year: 2025,
        frameworkId: 'spbe-2020',
        targetIndex: 3,
      });
      await store(olderSpbe());
      // A server that read the older text before keeps no stale copy after the correction.
      const before = await s.frameworks.get('spbe-2020');
      expect(before.version).toBe('1.0.0');

      await s.frameworks.installBuiltIns();
      expect(await stored('spbe-2020')).toEqual(doc(spbe2020));
      const after = await s.frameworks.get('spbe-2020');
      expect(after.version).toBe(spbe2020.version);
      expect(indicator(after, 13).name).toBe('Keterpaduan Rencana dan Anggaran SPBE');
      const listed = (await s.frameworks.list()).find((f) => f.id === 'spbe-2020');
      expect(listed).toMatchObject({ version: spbe2020.version, periodCount: 1 });
      expect((await s.periods.get(period.id)).frameworkId).toBe('spbe-2020');
      // Idempotent.
      await s.frameworks.installBuiltIns();
      expect(await stored('spbe-2020')).toEqual(doc(spbe2020));
    });

    it('refuses to start when a built-in in use would change its scoring structure, and changes nothing', async () => {
      // The stored release had another band edge: this release would move predicates of
      // existing periods, so start-up stops with a message naming the instrument.
      const old = olderSpbe();
      const baik = old.predicates.find((p) => p.name === 'Baik');
      const cukup = old.predicates.find((p) => p.name === 'Cukup');
      if (!baik || !cukup) throw new Error('bands not found');
      baik.min = 2.5;
      await store(old);
      const refused = ctx().services.frameworks.installBuiltIns();
      await expect(refused).rejects.toBeInstanceOf(BuiltInStructureError);
      await expect(refused).rejects.toThrow(
        /built-in instrument "spbe-2020": this version \(1\.0\.1\) changes the scoring structure .* stored version \(1\.0\.0\) that 1 period\(s\) use\. Refusing to start/,
      );
      await expect(prepareDatabase(ctx().db, () => ctx().clock.now)).rejects.toThrow(
        BuiltInStructureError,
      );
      expect(await stored('spbe-2020')).toEqual(old);
      // So is another number of evidence items: stored checks are kept by position.
      const moved = olderSpbe();
      indicator(moved, 1).levels?.[1]?.evidence.push('Bukti baru');
      await store(moved);
      await expect(ctx().services.frameworks.installBuiltIns()).rejects.toThrow(
        BuiltInStructureError,
      );
      await store(doc(spbe2020));
    });

    it('replaces a built-in whose structure changed while no period uses it (nothing was computed with it)', async () => {
      const old = doc(pemdi2026);
      old.version = '0.9.0';
      // Another split of the aspect's weight: a structural change.
      indicator(old, 1).weight = 6;
      indicator(old, 2).weight = 4;
      await store(old);
      await ctx().services.frameworks.installBuiltIns();
      expect(await stored('pemdi-2026')).toEqual(doc(pemdi2026));
    });
  },
  { seed: false },
);

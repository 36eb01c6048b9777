import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { computeIndex, listIndicators, spbe2020 } from '../../../src/core';
import {
  CITY_LEVELS,
  kecamatanCode,
  kelurahanCode,
  opdCode,
  PEMDA_CODE,
} from '../../../src/server/seed';
import { describeEachDialect } from '../../helpers/server-context';
import { assessmentOf, evidenceFile, levels, rawTablet, storeFile } from './helpers';

const cityLevels = Object.fromEntries(
  listIndicators(spbe2020).map((ind, i) => [ind.no, CITY_LEVELS[i] as number]),
);

// PostgreSQL runs only where TELUSUR_PG_URL points at a server (describeEachDialect skips
// it otherwise: a developer machine may have none; CI sets it).
describeEachDialect('dashboard aggregation', (ctx) => {
  it('starts from the city self-assessment: 2.10 Cukup, every level "self"', async () => {
    const token = await ctx().login('coordinator');
    const r = await ctx().call('GET', `/api/dashboard/${ctx().demo?.periodId}`, { token });
    expect(r.status).toBe(200);
    expect(r.body.city.self).toMatchObject({ index: 2.1, predicate: 'Cukup', complete: true });
    expect(r.body.city.consolidated.index).toBe(2.1);
    expect(r.body.consolidation).toMatchObject({
      rule: 'pemda_verified_else_self',
      unit: { code: PEMDA_CODE },
      verifiedCount: 0,
      selfOnlyCount: 47,
      unassessedCount: 0,
    });
    expect(r.body.city.target).toBe(3);
    expect(r.body.progress.total).toBe(72);
    expect(r.body.progress.assigned).toBe(11);
  });

  it('city index = official computeIndex of the consolidated levels (verified else self): not applicable counts as level 1', async () => {
    const h = ctx();
    const tablet = await rawTablet(h, 'verifier1');
    const city = await assessmentOf(h, PEMDA_CODE);
    // Verification lowers two policy indicators, raises a service one, and finds 46 not applicable.
    await tablet.push(levels(city, { 1: 1, 2: 1, 32: 4, 10: null }, [46]));
    const token = await h.login('coordinator');
    const r = await h.call('GET', `/api/dashboard/${h.demo?.periodId}`, { token });
    expect(r.status).toBe(200);
    const consolidated = { ...cityLevels, 1: 1, 2: 1, 32: 4 };
    const expected = computeIndex(spbe2020, consolidated, { notApplicable: [46] });
    // PermenPANRB 59/2020 scores every indicator: 46 counts as level 1, nothing renormalised.
    expect(expected.index).toBe(computeIndex(spbe2020, { ...consolidated, 46: 1 }).index);
    expect(r.body.city.consolidated).toEqual({
      index: expected.index,
      predicate: expected.predicate,
      complete: true,
      assessedCount: 47,
      applicableCount: 47,
      rule: 'official',
      renormalised: false,
      notApplicableAsLevel1: 1,
      missingSourceAsLevel1: 0,
    });
    // Leaving 46 out (level 2 in the city's statement) would have raised the index.
    const left = computeIndex(spbe2020, consolidated, { notApplicable: [46], rule: 'internal' });
    expect(r.body.city.consolidated.index).toBeLessThan(left.index as number);
    // Self index is the city's statement, untouched by verification.
    expect(r.body.city.self.index).toBe(computeIndex(spbe2020, cityLevels).index);
    expect(r.body.consolidation).toMatchObject({
      verifiedCount: 3,
      selfOnlyCount: 43,
      unassessedCount: 0,
      notApplicable: [46],
    });
    // Domain and aspect indices, self vs consolidated, are core's group indices.
    const self = computeIndex(spbe2020, cityLevels);
    expect(
      r.body.groups.map((g: { id: string; self: number; consolidated: number }) => [
        g.id,
        g.self,
        g.consolidated,
      ]),
    ).toEqual(expected.groups.map((g, i) => [g.id, self.groups[i]?.index, g.index]));
    const a8 = r.body.groups.find((g: { id: string }) => g.id === 'A8');
    expect(a8.consolidated).not.toBe(a8.self);
  });

  it('derives each unit’s progress from its status field and whether the server holds its files', async () => {
    const h = ctx();
    const t1 = await rawTablet(h, 'verifier1', 'Tablet progres');
    const diskominfo = await assessmentOf(h, opdCode(7));
    const bappeda = await assessmentOf(h, opdCode(3));
    const cibeber = await assessmentOf(h, kecamatanCode(0));
    const bytes = new TextEncoder().encode('foto SK arsitektur');
    const held = createHash('sha256').update(bytes).digest('hex');
    const missing = 'f'.repeat(64);
    await storeFile(h.services, bytes, held);
    const file = (a: string, id: string, sha256: string) =>
      evidenceFile(a, id, { sha256, bytes: 18, capturedAt: h.clock.now });
    await t1.push([
      ...levels(diskominfo, { 1: 3, 2: 3 }),
      file(diskominfo, 'ev-1', held),
      { entity: 'assessment', id: diskominfo, changes: { status: 'selesai' } },
      ...levels(bappeda, { 1: 2 }),
      file(bappeda, 'ev-2', missing),
      { entity: 'assessment', id: bappeda, changes: { status: 'selesai' } },
      ...levels(cibeber, { 5: 2 }, [47]),
      { entity: 'assessment', id: cibeber, changes: { status: 'sedang' } },
    ]);
    const token = await h.login('viewer');
    const r = await h.call('GET', `/api/dashboard/${h.demo?.periodId}`, { token });
    expect(r.status).toBe(200);
    const unit = (code: string) =>
      r.body.units.find((u: { code: string }) => u.code === code) as Record<string, unknown>;
    expect(unit(opdCode(7))).toMatchObject({
      status: 'terkirim',
      storedStatus: 'selesai',
      verified: 2,
      done: 2,
      files: 1,
      filesHeld: 1,
    });
    expect(unit(opdCode(3))).toMatchObject({ status: 'selesai', files: 1, filesHeld: 0 });
    expect(unit(kecamatanCode(0))).toMatchObject({
      status: 'sedang',
      verified: 1,
      notApplicable: 1,
      done: 2,
    });
    expect(unit(opdCode(0))).toMatchObject({ status: 'belum', assigned: false });
    // The city unit has verified levels (previous test) but no status yet: it counts as sedang.
    expect(unit(PEMDA_CODE)).toMatchObject({ status: 'sedang', storedStatus: 'belum' });
    expect(r.body.progress.byStatus).toEqual({
      belum: 7,
      sedang: 2,
      selesai: 1,
      terkirim: 1,
      disetujui: 0,
      dikembalikan: 0,
      dibuka: 0,
      diperbaiki: 0,
    });
    // Only assigned units, when asked: the 11 with an assessment.
    const assigned = await h.call('GET', `/api/dashboard/${h.demo?.periodId}?assigned=true`, {
      token,
    });
    expect(assigned.body.unitCount).toBe(11);
    expect(assigned.body.units.every((u: { assigned: boolean }) => u.assigned)).toBe(true);

    // Filters: one kecamatan (itself and its kelurahan), one kind.
    const kec = await h.call(
      'GET',
      `/api/dashboard/${h.demo?.periodId}?parentId=${await h.unitId(kecamatanCode(0))}`,
      { token },
    );
    expect(kec.body.units.map((u: { code: string }) => u.code)).toEqual([
      kecamatanCode(0),
      ...Array.from({ length: 6 }, (_, i) => kelurahanCode(0, i)),
    ]);
    const opd = await h.call('GET', `/api/dashboard/${h.demo?.periodId}?kind=opd`, { token });
    expect(opd.body.progress.total).toBe(20);
    expect(new Set(opd.body.units.map((u: { kind: string }) => u.kind))).toEqual(new Set(['opd']));
    // The heatmap row of a unit: verified and self levels per indicator, its own index.
    const row = kec.body.heatmap.rows.find((x: { code: string }) => x.code === kecamatanCode(0));
    expect(row.verified[4]).toBe(2);
    expect(row.notApplicable).toEqual([47]);
    expect(row.self[0]).toBe(Math.max(1, (CITY_LEVELS[0] as number) - 1));
    // Its index is official: 47 (not applicable) counts as level 1 next to 5's level 2.
    expect(row.index).toBe(computeIndex(spbe2020, { 5: 2, 47: 1 }).index);
    expect(row.index).toBeLessThan(2);
    // Level 2 on indicator 5 with no document checked: its evidence is not all present.
    expect(row.cumulativeGap[4]).toBe(2);
    expect(row.cumulativeGap.filter((g: number | null) => g !== null)).toEqual([2]);
    // Paging.
    const page = await h.call('GET', `/api/dashboard/${h.demo?.periodId}?limit=5&offset=5`, {
      token,
    });
    expect(page.body.units).toHaveLength(5);
    expect(page.body.progress.total).toBe(72);
  });

  it('flags a heatmap cell whose verified level claims more than its evidence: "Level 4, bukti level 2 belum lengkap"', async () => {
    const h = ctx();
    const t = await rawTablet(h, 'verifier1', 'Tablet bukti');
    const bulakan = await assessmentOf(h, kelurahanCode(0, 0));
    const check = (state: string) => ({ state, note: '' });
    // Indicator 1: level 4 chosen; level 2 has one of its two documents missing. Indicator 2:
    // level 2 with both documents present. Indicator 3: level 3 with nothing checked.
    await t.push([
      ...levels(bulakan, { 1: 4, 2: 2, 3: 3 }),
      {
        entity: 'verification',
        id: `${bulakan}:1`,
        changes: {
          'checks.2.0': check('present'),
          'checks.2.1': check('missing'),
          'checks.3.0': check('present'),
          'checks.3.1': check('present'),
        },
      },
      {
        entity: 'verification',
        id: `${bulakan}:2`,
        changes: { 'checks.2.0': check('present'), 'checks.2.1': check('present') },
      },
    ]);
    const token = await h.login('coordinator');
    const r = await h.call(
      'GET',
      `/api/dashboard/${h.demo?.periodId}?parentId=${await h.unitId(kecamatanCode(0))}`,
      { token },
    );
    expect(r.status).toBe(200);
    const row = r.body.heatmap.rows.find((x: { code: string }) => x.code === kelurahanCode(0, 0));
    const at = (no: number) =>
      r.body.heatmap.indicators.findIndex((i: { no: number }) => i.no === no);
    expect(row.verified[at(1)]).toBe(4);
    expect(row.cumulativeGap[at(1)]).toBe(2);
    expect(row.cumulativeGap[at(2)]).toBeNull();
    expect(row.cumulativeGap[at(3)]).toBe(2);
    expect(row.cumulativeGap[at(4)]).toBeNull();
    expect(row.cumulativeGap).toHaveLength(47);
  });

  it('lists the indicators where verification most often lowers the self-assessed level', async () => {
    const h = ctx();
    const t2 = await rawTablet(h, 'verifier2', 'Tablet klaim');
    const dinkes = await assessmentOf(h, opdCode(9));
    const disduk = await assessmentOf(h, opdCode(16));
    const citangkil = await assessmentOf(h, kecamatanCode(2));
    // Indicator 33 (self 3 or 2) lowered in three units, 40 lowered once, 41 raised; 42 not applicable.
    await t2.push([
      ...levels(dinkes, { 33: 1, 40: 1, 41: 5 }, [42]),
      ...levels(disduk, { 33: 1 }),
      ...levels(citangkil, { 33: 1, 42: 1 }),
    ]);
    const token = await h.login('coordinator');
    const r = await h.call('GET', `/api/dashboard/${h.demo?.periodId}`, { token });
    const top = r.body.overclaims[0];
    expect(top).toMatchObject({ no: 33, compared: 3, lowered: 3, raised: 0 });
    expect(top.name).toBe(listIndicators(spbe2020).find((i) => i.no === 33)?.spec.name);
    const by = (no: number) => r.body.overclaims.find((o: { no: number }) => o.no === no);
    expect(by(40)).toMatchObject({ compared: 1, lowered: 1 });
    expect(by(41)).toMatchObject({ compared: 1, lowered: 0, raised: 1 });
    // Dinkes marked 42 not applicable: only Citangkil's 42 counts.
    expect(by(42)).toMatchObject({ compared: 1 });
    // A filter narrows the units compared.
    const opd = await h.call('GET', `/api/dashboard/${h.demo?.periodId}?kind=opd`, { token });
    expect(opd.body.overclaims.find((o: { no: number }) => o.no === 33)).toMatchObject({
      compared: 2,
      lowered: 2,
    });
  });

  it('answers 404 for an unknown period and 422 for a bad filter', async () => {
    const token = await ctx().login('coordinator');
    expect((await ctx().call('GET', '/api/dashboard/tidak-ada', { token })).status).toBe(404);
    const bad = await ctx().call('GET', `/api/dashboard/${ctx().demo?.periodId}?kind=desa`, {
      token,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('validation_failed');
  });
  it('counts done and files as the tablet and the berita acara do, on the dashboard and the review alike', async () => {
    const h = ctx();
    const t1 = await rawTablet(h, 'verifier1', 'Tablet hitung');
    const a = await assessmentOf(h, kelurahanCode(0, 1));
    const bytes = new TextEncoder().encode('satu foto untuk dua indikator');
    const sha = createHash('sha256').update(bytes).digest('hex');
    await storeFile(h.services, bytes, sha);
    await t1.push([
      // 1–3 verified; 4 not applicable with its reason; 5 not applicable without one, and 6
      // the same while it also holds a level: core completeness counts neither as done.
      ...levels(a, { 1: 3, 2: 3, 3: 2 }, [4]),
      {
        entity: 'verification',
        id: `${a}:5`,
        changes: { assessmentId: a, indicatorNo: 5, notApplicable: true, naReason: '' },
      },
      {
        entity: 'verification',
        id: `${a}:6`,
        changes: { assessmentId: a, indicatorNo: 6, verifiedLevel: 2, notApplicable: true },
      },
      // One photo proving two indicators: two records, one file.
      evidenceFile(a, 'ev-a', { sha256: sha, bytes: bytes.length, capturedAt: h.clock.now }),
      evidenceFile(a, 'ev-b', {
        sha256: sha,
        bytes: bytes.length,
        capturedAt: h.clock.now,
        indicatorNo: 2,
      }),
    ]);
    const token = await h.login('coordinator');
    const dash = await h.call('GET', `/api/dashboard/${h.demo?.periodId}`, { token });
    const row = dash.body.units.find((u: { code: string }) => u.code === kelurahanCode(0, 1));
    expect(row).toMatchObject({ done: 4, files: 1, filesHeld: 1 });
    const review = await h.call('GET', `/api/reports/assessments/${a}`, { token });
    expect(review.status).toBe(200);
    expect(review.body.files).toEqual({ total: 1, held: 1 });
  });
});

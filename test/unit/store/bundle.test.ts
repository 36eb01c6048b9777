import 'fake-indexeddb/auto';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MutationSchema, spbe2020 } from '../../../src/core';
import { BundleError, RecordNotFoundError, type TelusurStore } from '../../../src/store';
import { freshName, open, photo, SIGNATURE } from './helpers';

/** A tablet with one unit half verified: levels, checks, two photos, a comment, a berita acara. */
async function tabletWithWork(): Promise<{ s: TelusurStore; id: string }> {
  const s = await open(freshName('source'));
  await s.reference.putFrameworks([spbe2020]);
  await s.reference.putPeriods([
    { id: 'p2023', name: 'Evaluasi SPBE 2023', frameworkId: spbe2020.id },
  ]);
  await s.reference.putUnits([{ id: 'kec-1', name: 'Kecamatan Cibeber', parentId: null }]);
  await s.reference.putAssignments([{ id: 'as-1', periodId: 'p2023', unitId: 'kec-1' }]);
  const a = await s.assessments.create({
    periodId: 'p2023',
    unitId: 'kec-1',
    frameworkId: spbe2020.id,
  });
  // Part of the work already reached the server.
  await s.applyRemote(
    'verification',
    `${a.id}:1`,
    { assessmentId: a.id, indicatorNo: 1, selfLevel: 3 },
    {
      assessmentId: 1,
      indicatorNo: 1,
      selfLevel: 1,
    },
  );
  await s.verifications.update(a.id, 1, { verifiedLevel: 2 });
  await s.verifications.setCheck(a.id, 1, 2, 0, {
    state: 'inadequate',
    note: 'belum ditandatangani',
  });
  await s.verifications.update(a.id, 2, { verifiedLevel: 3, notes: 'lengkap' });
  const f1 = await s.evidence.add({
    assessmentId: a.id,
    indicatorNo: 1,
    blob: photo(1),
    name: 'sk.jpg',
    width: 10,
    height: 10,
    location: null,
  });
  await s.evidence.add({
    assessmentId: a.id,
    indicatorNo: 2,
    blob: photo(2, 5000),
    name: 'renstra.jpg',
    width: 10,
    height: 10,
    location: null,
  });
  await s.comments.add({
    assessmentId: a.id,
    indicatorNo: 2,
    body: 'Perlu SK terbaru',
    author: 'Rina',
  });
  await s.beritaAcara.update(a.id, {
    verifierName: 'Rina',
    verifierSignature: SIGNATURE,
    place: 'Cibeber',
  });
  await s.evidence.remove(f1.id);
  // Another unit's work must not leak into this export.
  await s.verifications.update('other-assessment', 1, { notes: 'lain' });
  return { s, id: a.id };
}

async function snapshot(s: TelusurStore, id: string) {
  return {
    assessment: await s.assessments.get(id),
    verifications: await s.verifications.listByAssessment(id),
    evidence: await s.evidence.listByAssessment(id, { includeDeleted: true }),
    comments: await s.comments.listByAssessment(id),
    beritaAcara: await s.beritaAcara.get(id),
  };
}

describe('exporting a unit to a file', () => {
  it('contains the rows, the unsent changes and every photo, checked by SHA-256', async () => {
    const { s, id } = await tabletWithWork();
    const zip = await s.exportAssessment(id);
    const entries = unzipSync(zip);
    const manifest = JSON.parse(strFromU8(entries['manifest.json'] as Uint8Array));
    expect(manifest).toMatchObject({
      format: 'telusur-bundle',
      version: 1,
      deviceId: s.deviceId,
      assessmentId: id,
    });
    expect(
      manifest.records.verification.map((r: { indicatorNo: number }) => r.indicatorNo),
    ).toEqual([1, 2]);
    expect(manifest.records.verification[0]._versions).toMatchObject({
      selfLevel: 1,
      verifiedLevel: 0,
    });
    expect(manifest.outbox.length).toBe(await s.outbox.countByAssessment(id));
    expect(manifest.outbox.every((m: unknown) => MutationSchema.safeParse(m).success)).toBe(true);
    expect(manifest.outbox.some((m: { id: string }) => m.id === 'other-assessment:1')).toBe(false);
    // The photo the verifier removed is not in it (its bytes were freed); the live one is.
    expect(manifest.files.length).toBe(1);
    for (const f of manifest.files) expect(entries[`files/${f.sha256}`]?.byteLength).toBe(f.bytes);
    expect(manifest.reference.frameworks[0].id).toBe(spbe2020.id);
    s.close();
  });

  it('of an unknown unit is refused', async () => {
    const s = await open(freshName());
    await expect(s.exportAssessment('nope')).rejects.toBeInstanceOf(RecordNotFoundError);
    s.close();
  });
});

describe('importing an export file on another tablet', () => {
  it('restores the unit with its photos and queues its unsent changes again; a second import changes nothing', async () => {
    const { s, id } = await tabletWithWork();
    const zip = await s.exportAssessment(id);
    const target = await open(freshName('target'));
    const result = await target.importBundle(zip);
    expect(result).toMatchObject({ assessmentId: id, skipped: 0, files: 1 });
    expect(result.inserted).toBe(1 + 2 + 2 + 1 + 1);
    expect(await snapshot(target, id)).toEqual(await snapshot(s, id));
    for (const f of await s.evidence.listByAssessment(id)) {
      const back = await target.blobs.get(f.sha256);
      expect(back?.size).toBe(f.bytes);
    }
    expect(result.requeued).toBe(await s.outbox.countByAssessment(id));
    const queued = await target.outbox.peek(100);
    expect(queued.map((m) => m.seq)).toEqual(queued.map((_, i) => i + 1));
    expect(queued.every((m) => m.deviceId === target.deviceId)).toBe(true);
    expect((await target.reference.getUnit('kec-1'))?.name).toBe('Kecamatan Cibeber');

    const again = await target.importBundle(zip);
    expect(again).toMatchObject({ inserted: 0, files: 0, requeued: 0 });
    expect(await target.outbox.count()).toBe(queued.length);
    s.close();
    target.close();
  });

  it('never overwrites work already on the tablet', async () => {
    const { s, id } = await tabletWithWork();
    const zip = await s.exportAssessment(id);
    await s.verifications.update(id, 2, { notes: 'diubah setelah ekspor' });
    const r = await s.importBundle(zip);
    expect(r.inserted).toBe(0);
    expect((await s.verifications.get(id, 2))?.notes).toBe('diubah setelah ekspor');
    s.close();
  });
});

describe('a bad export file', () => {
  async function expectRefused(bytes: Uint8Array, code: string) {
    const target = await open(freshName('victim'));
    await target.verifications.update('mine', 1, { notes: 'punya saya' });
    const before = {
      outbox: await target.outbox.peek(100),
      v: await target.verifications.listByAssessment('mine'),
    };
    const err = await target.importBundle(bytes).catch((e) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(/Tidak ada data yang diubah/);
    expect(await target.outbox.peek(100)).toEqual(before.outbox);
    expect(await target.verifications.listByAssessment('mine')).toEqual(before.v);
    expect(await target.assessments.list()).toEqual([]);
    expect((await target.health()).unsyncedFiles).toBe(0);
    target.close();
  }

  async function goodZip() {
    const { s, id } = await tabletWithWork();
    const zip = await s.exportAssessment(id);
    s.close();
    return unzipSync(zip);
  }

  it('random bytes or a truncated download are refused as damaged', async () => {
    await expectRefused(strToU8('this is not a zip at all'), 'bundle-corrupt');
    const { s, id } = await tabletWithWork();
    const zip = await s.exportAssessment(id);
    s.close();
    await expectRefused(zip.slice(0, Math.floor(zip.length / 2)), 'bundle-corrupt');
  });

  it('a zip from somewhere else is refused as not ours', async () => {
    await expectRefused(zipSync({ 'readme.txt': strToU8('halo') }), 'bundle-foreign');
    const entries = await goodZip();
    const manifest = JSON.parse(strFromU8(entries['manifest.json'] as Uint8Array));
    manifest.format = 'odk-instance';
    await expectRefused(
      zipSync({ ...entries, 'manifest.json': strToU8(JSON.stringify(manifest)) }),
      'bundle-foreign',
    );
  });

  it('a swapped photo is refused as tampered', async () => {
    const entries = await goodZip();
    const name = Object.keys(entries).find((k) => k.startsWith('files/')) as string;
    const bytes = (entries[name] as Uint8Array).slice();
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    await expectRefused(zipSync({ ...entries, [name]: bytes }), 'bundle-integrity');
  });

  it('an edited manifest (e.g. a level changed by hand) is refused as tampered', async () => {
    const entries = await goodZip();
    const text = strFromU8(entries['manifest.json'] as Uint8Array).replace(
      '"verifiedLevel":3',
      '"verifiedLevel":5',
    );
    await expectRefused(
      zipSync({ ...entries, 'manifest.json': strToU8(text) }),
      'bundle-integrity',
    );
  });

  it('a file from a newer app version asks to update the app', async () => {
    const entries = await goodZip();
    const manifest = JSON.parse(strFromU8(entries['manifest.json'] as Uint8Array));
    manifest.version = 2;
    await expectRefused(
      zipSync({ ...entries, 'manifest.json': strToU8(JSON.stringify(manifest)) }),
      'bundle-version',
    );
  });
});

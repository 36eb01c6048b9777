import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { expect, it } from 'vitest';
import { verificationId } from '../../../src/core';
import { openStore } from '../../../src/store';
import {
  bundleSecretOf,
  craftZip,
  editManifest,
  postBundle,
  rewrite,
  type Signer,
  signatureEntry,
  signBundle,
  storedEntry,
  zerosDeflate,
} from '../../helpers/bundles';
import {
  appFetch,
  describeSync,
  enrolTablet,
  newTeam,
  photoBytes,
  type SyncHarness,
  syncHard,
  type Tablet,
  tabletEngine,
} from '../../helpers/sync-harness';
import { expectExactlyOnce, IssuedLog } from '../../helpers/sync-invariants';

/** POST a bundle file as a coordinator. */
async function importBundle(h: SyncHarness, bytes: Uint8Array, lang = 'id') {
  return postBundle(h.app, await h.base.login('coordinator'), bytes, lang);
}

/** Files in the evidence directory (a refused import must not leave any). */
function blobCount(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
    .length;
}

const MIB = 1024 * 1024;

async function offlineWork(t: Tablet, a: string) {
  await t.store.verifications.update(a, 1, { verifiedLevel: 3, notes: 'dicek di lokakarya' });
  await t.store.verifications.update(a, 2, { verifiedLevel: 4 });
  await t.store.beritaAcara.update(a, { place: 'Hotel, ruang lokakarya' });
  await t.store.evidence.add({
    assessmentId: a,
    indicatorNo: 1,
    blob: new Blob([photoBytes(30_000)], { type: 'image/jpeg' }),
    name: 'sk-walikota.jpg',
    width: 640,
    height: 480,
    location: null,
  });
}

describeSync('bundle import (workshop without any network)', (ctx) => {
  async function setup(h: SyncHarness, verifiers = 1) {
    const team = await newTeam(h.services, h.base, { verifiers });
    const a = team.assessmentIds[0] as string;
    const coordinator = await h.base.login('coordinator');
    const t = await enrolTablet(
      h.call,
      coordinator,
      team.verifiers[0]?.id as string,
      'Tablet lokakarya',
    );
    const engine = tabletEngine(t, appFetch(h.app));
    await engine.sync(); // the tablet had its package before going offline
    // The device's secret as the server issued it; bundles are signed with it here, by the
    // preamble's format, independently of the tablet store.
    const signer = await bundleSecretOf(h.call, t.token);
    return { a, t, engine, coordinator, signer, team };
  }

  it('applies a tablet’s signed export once: twice imported or later synced online, nothing doubles', async () => {
    const h = ctx();
    const { a, t, engine, coordinator, signer } = await setup(h);
    await offlineWork(t, a);
    const issued = new IssuedLog();
    await issued.collect([t.store]);
    const bundle = signBundle(await t.store.exportAssessment(a), signer);

    const first = await importBundle(h, bundle);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      assessmentId: a,
      deviceId: t.deviceId,
      mutations: { applied: 4, duplicates: 0 },
      files: { stored: 1, alreadyHeld: 0 },
    });
    const [photo] = await t.store.evidence.listByAssessment(a);
    const receipt = await h.call('GET', `/api/sync/receipt/${a}`, { token: coordinator });
    expect(receipt.body.hashes).toEqual([photo?.sha256]);
    const audit = await h.call('GET', `/api/assessments/${a}/audit?indicatorNo=1`, {
      token: coordinator,
    });
    expect(audit.body.entries.filter((e: { source: string }) => e.source === 'bundle')).not.toEqual(
      [],
    );

    const counts = await h.base.rowCounts();
    const again = await importBundle(h, bundle);
    expect(again.body).toMatchObject({
      mutations: { applied: 0, duplicates: 4 },
      files: { stored: 0, alreadyHeld: 1 },
    });
    expect(await h.base.rowCounts()).toEqual(counts);

    // Back online, the tablet sends its outbox: every mutation is known already.
    await syncHard(engine);
    await expectExactlyOnce(h.base.db, [t.store], issued);
    expect(await h.base.rowCounts()).toEqual({ ...counts, deviceScopes: counts.deviceScopes });
    expect(engine.getStatus().receipts[a]).toMatchObject({ local: 1, confirmed: 1 });

    // The coordinator can look at the photo (review): right type, inline, nosniff.
    const file = await h.app.request(`/api/files/by-hash/${photo?.sha256}`, {
      headers: { authorization: `Bearer ${coordinator}` },
    });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.headers.get('content-disposition')).toContain('inline; filename="sk-walikota.jpg"');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await file.arrayBuffer()).byteLength).toBe(photo?.bytes);
    const verifier = await h.app.request(`/api/files/by-hash/${photo?.sha256}`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(verifier.status).toBe(200);
    const stranger = await h.app.request(`/api/files/by-hash/${photo?.sha256}`, {
      headers: { authorization: `Bearer ${await h.base.login('verifier2')}` },
    });
    expect(stranger.status).toBe(403);
  });

  it('imports the export a tablet signs itself, with the signature the server derives', async () => {
    const h = ctx();
    const { a, t, signer } = await setup(h);
    await t.store.verifications.update(a, 2, { notes: 'ditandatangani tablet' });
    const own = await t.store.exportAssessment(a);
    const entries = unzipSync(own);
    expect(JSON.parse(strFromU8(entries['manifest.sig'] as Uint8Array))).toEqual(
      JSON.parse(
        strFromU8(
          signatureEntry(entries['manifest.json'] as Uint8Array, t.deviceId, signer.secret),
        ),
      ),
    );
    const r = await importBundle(h, own);
    expect([r.status, r.body.mutations]).toEqual([200, { applied: 1, duplicates: 0, rejected: 0 }]);
  });

  it('imports the export of a tablet that was released or revoked since (that is what it is told to do)', async () => {
    const h = ctx();
    const { a, t, signer, team } = await setup(h);
    await t.store.verifications.update(a, 1, { notes: 'sebelum dilepas' });
    const bundle = signBundle(await t.store.exportAssessment(a), signer);
    expect((await h.call('POST', '/api/devices/release', { token: t.token })).status).toBe(200);
    expect((await h.call('GET', '/api/me', { token: t.token })).status).toBe(401);
    const r = await importBundle(h, bundle);
    expect([r.status, r.body.mutations]).toEqual([200, { applied: 1, duplicates: 0, rejected: 0 }]);
    expect(r.body.verifierId).toBe(team.verifiers[0]?.id);
  });

  it('refuses a corrupt, tampered, unsigned, forged or foreign file whole, in Indonesian, writing nothing', async () => {
    const h = ctx();
    const { a, t, signer } = await setup(h);
    await offlineWork(t, a);
    const bundle = signBundle(await t.store.exportAssessment(a), signer);
    // Another team: its verifier never had assessment `a`; its tablet is enrolled here.
    const other = await newTeam(h.services, h.base, { verifiers: 1 });
    const stranger = await enrolTablet(
      h.call,
      await h.base.login('coordinator'),
      other.verifiers[0]?.id as string,
      'Tablet tim lain',
    );
    const strangerSigner = await bundleSecretOf(h.call, stranger.token);
    const counts = await h.base.rowCounts();
    const blobs = blobCount(h.blobDir);

    const fileName = Object.keys(unzipSync(bundle)).find((n) => n.startsWith('files/')) as string;
    const asDevice = (deviceId: string) => (e: Record<string, Uint8Array>) =>
      editManifest(e, (m) => {
        m.deviceId = deviceId;
        for (const x of m.outbox) x.deviceId = deviceId;
      });
    const cases: [string, Uint8Array, number, string][] = [
      ['not a zip', strToU8('ini bukan berkas zip'), 422, 'bundle_corrupt'],
      ['someone else’s zip', zipSync({ 'data.csv': strToU8('a,b') }), 422, 'bundle_foreign'],
      [
        'a photo swapped',
        rewrite(bundle, (e) => {
          const f = e[fileName] as Uint8Array;
          f[100] = (f[100] ?? 0) ^ 0xff;
        }),
        422,
        'bundle_tampered',
      ],
      [
        'the manifest edited, hash left',
        rewrite(
          bundle,
          (e) =>
            editManifest(e, (m) => {
              m.outbox[0].changes.notes = 'DIUBAH';
            }),
          { rehash: false },
        ),
        422,
        'bundle_tampered',
      ],
      [
        'an extra file slipped in',
        rewrite(bundle, (e) => {
          e['files/tambahan.exe'] = strToU8('MZ');
        }),
        422,
        'bundle_tampered',
      ],
      [
        'a newer format',
        rewrite(
          bundle,
          (e) =>
            editManifest(e, (m) => {
              m.version = 99;
            }),
          { sign: signer },
        ),
        422,
        'bundle_version',
      ],
      [
        'unsigned (an app before protocol 2)',
        rewrite(bundle, (e) => {
          delete e['manifest.sig'];
        }),
        422,
        'bundle_unsigned',
      ],
      [
        'the manifest edited and rehashed, the old signature left',
        rewrite(bundle, (e) =>
          editManifest(e, (m) => {
            m.outbox[0].changes.notes = 'DIUBAH';
          }),
        ),
        422,
        'bundle_signature_invalid',
      ],
      [
        'forged: edited and signed with a made-up secret',
        rewrite(
          bundle,
          (e) =>
            editManifest(e, (m) => {
              m.outbox[0].changes.notes = 'DIUBAH';
            }),
          {
            sign: { deviceId: t.deviceId, secret: randomBytes(32).toString('hex') },
          },
        ),
        422,
        'bundle_signature_invalid',
      ],
      [
        'a signature that is not one',
        rewrite(bundle, (e) => {
          e['manifest.sig'] = strToU8('{"alg":"none"}');
        }),
        422,
        'bundle_signature_invalid',
      ],
      [
        'signed by another enrolled tablet than the one it names',
        rewrite(bundle, () => undefined, { sign: strangerSigner }),
        422,
        'bundle_foreign_device',
      ],
      [
        'claimed for a device this server never enrolled',
        rewrite(bundle, asDevice('0190aaaa-0000-7000-8000-000000000000'), {
          sign: { deviceId: '0190aaaa-0000-7000-8000-000000000000', secret: signer.secret },
        }),
        422,
        'bundle_foreign_device',
      ],
      [
        'signed by a tablet whose verifier never had the assessment',
        rewrite(bundle, asDevice(stranger.deviceId), { sign: strangerSigner }),
        422,
        'bundle_not_assigned',
      ],
    ];
    for (const [what, bytes, status, code] of cases) {
      const r = await importBundle(h, bytes);
      expect([what, r.status, r.body.code]).toEqual([what, status, code]);
      expect(r.body.message).toMatch(/(Tidak ada data yang disimpan|bukan berkas ekspor Telusur)/);
    }
    for (const i of [6, 7, 10, 12]) {
      const en = await importBundle(h, cases[i]?.[1] as Uint8Array, 'en');
      expect([cases[i]?.[3], en.body.message]).toEqual([
        cases[i]?.[3],
        expect.stringContaining('Nothing was saved'),
      ]);
    }
    expect(await h.base.rowCounts()).toEqual(counts);
    expect(blobCount(h.blobDir)).toBe(blobs);
    const wrongType = await h.call('POST', '/api/sync/bundles', {
      token: await h.base.login('coordinator'),
      body: 'x',
      contentType: 'text/plain',
    });
    expect(wrongType.status).toBe(415);
  });

  it('rejects alone a signed bundle’s change to an assessment outside its own, naming it; the others apply', async () => {
    const h = ctx();
    const { a, t, signer } = await setup(h);
    await offlineWork(t, a);
    const other = await newTeam(h.services, h.base, { verifiers: 1 });
    const foreignId = verificationId(other.assessmentIds[0] as string, 1);
    const bundle = rewrite(
      await t.store.exportAssessment(a),
      (e) =>
        editManifest(e, (m) => {
          m.outbox[0].id = foreignId;
        }),
      { sign: signer },
    );
    const r = await importBundle(h, bundle);
    expect(r.status).toBe(200);
    expect(r.body.mutations).toEqual({ applied: 3, duplicates: 0, rejected: 1 });
    expect(r.body.rejected).toBe(1);
    expect(r.body.rejections).toEqual([
      expect.objectContaining({ code: 'not_assigned', recordId: foreignId }),
    ]);
    // Imported again (an answer lost on the way, a second coordinator): the refused change
    // is counted and named as refused again, never as "already on the server".
    const again = await importBundle(h, bundle);
    expect(again.body.mutations).toEqual({ applied: 0, duplicates: 3, rejected: 1 });
    expect([again.body.duplicates, again.body.rejected]).toEqual([3, 1]);
    expect(again.body.rejections).toEqual([
      expect.objectContaining({ code: 'not_assigned', recordId: foreignId }),
    ]);
    const written = await h.base.db
      .selectFrom('recordFields')
      .select('field')
      .where('recordId', '=', foreignId)
      .where('field', '=', 'notes')
      .execute();
    expect(written).toEqual([]);
  });

  it('accepts the export of an assessment withdrawn after the tablet worked on it (assigned earlier), answering its changes one by one', async () => {
    const h = ctx();
    const { a, t, engine, signer, team, coordinator } = await setup(h);
    await t.store.verifications.update(a, 1, { notes: 'terkirim saat masih ditugaskan' });
    await syncHard(engine);
    await t.store.verifications.update(a, 2, { notes: 'setelah penugasan dicabut' });
    const assignments = await h.call(
      'GET',
      `/api/assignments?verifierId=${team.verifiers[0]?.id}`,
      {
        token: coordinator,
      },
    );
    expect(assignments.body.assignments).toHaveLength(1);
    for (const x of assignments.body.assignments)
      expect(
        (await h.call('DELETE', `/api/assignments/${x.id}`, { token: coordinator })).status,
      ).toBeLessThan(300);
    const r = await importBundle(h, signBundle(await t.store.exportAssessment(a), signer));
    expect([r.status, r.body.code]).toEqual([200, undefined]);
    expect(r.body.mutations).toEqual({ applied: 0, duplicates: 0, rejected: 1 });
    expect(r.body.rejections).toEqual([
      expect.objectContaining({ code: 'assignment_withdrawn', recordId: verificationId(a, 2) }),
    ]);
  });

  /** The tablet took its unit, worked offline, and the coordinator withdrew the assignment. */
  async function withdrawnOffline(h: SyncHarness, reassignTo: 'nobody' | 'other') {
    // newTeam assigns every unit to each of its verifiers: one, or the other to hand it to.
    const s = await setup(h, reassignTo === 'other' ? 2 : 1);
    await offlineWork(s.t, s.a);
    const listed = await h.call('GET', `/api/assignments?verifierId=${s.team.verifiers[0]?.id}`, {
      token: s.coordinator,
    });
    const ids: string[] = listed.body.assignments.map((x: { id: string }) => x.id);
    expect(ids).toHaveLength(1);
    if (reassignTo === 'other') {
      const moved = await h.call('POST', '/api/assignments/reassign', {
        token: s.coordinator,
        json: { assignmentIds: ids, verifierId: s.team.verifiers[1]?.id },
      });
      expect(moved.status).toBe(200);
    } else {
      for (const id of ids)
        expect(
          (await h.call('DELETE', `/api/assignments/${id}`, { token: s.coordinator })).status,
        ).toBeLessThan(300);
    }
    const bundle = signBundle(await s.t.store.exportAssessment(s.a), s.signer);
    return { ...s, bundle };
  }

  it('imports the export of a unit withdrawn after the tablet took it offline, refusing each change as withdrawn (not "never assigned"), counted and named', async () => {
    const h = ctx();
    const { a, bundle, team } = await withdrawnOffline(h, 'nobody');
    const unitName = (
      await h.base.db
        .selectFrom('units')
        .select('name')
        .where('id', '=', team.unitIds[0] as string)
        .executeTakeFirstOrThrow()
    ).name;
    const counts = await h.base.rowCounts();
    const r = await importBundle(h, bundle);
    expect([r.status, r.body.code]).toEqual([200, undefined]);
    expect(r.body.mutations).toEqual({ applied: 0, duplicates: 0, rejected: 4 });
    expect(r.body.rejected).toBe(4);
    expect(r.body.rejections).toHaveLength(4);
    for (const x of r.body.rejections) {
      expect(x).toMatchObject({ code: 'assignment_withdrawn', assessmentId: a, retryable: true });
      expect(x.message).toBe(
        `Penugasan unit "${unitName}" kepada verifikator tablet ini sudah dicabut, sehingga perubahan ini tidak disimpan server. Tugaskan kembali unit ini kepada verifikator tersebut bila perubahannya masih diperlukan.`,
      );
      expect(x.messageEn).toContain(
        `The assignment of the unit "${unitName}" to this tablet's verifier was withdrawn`,
      );
      expect(x.message).not.toContain('pernah');
    }
    // Nothing of the tablet's work was written; the refusals are kept for the audit.
    const written = await h.base.db
      .selectFrom('recordFields')
      .select('field')
      .where('recordId', '=', verificationId(a, 1))
      .where('field', 'in', ['verifiedLevel', 'notes'])
      .execute();
    expect(written).toEqual([]);
    const after = await h.base.rowCounts();
    expect(after.syncRejections).toBe((counts.syncRejections ?? 0) + 4);
  });

  it('names the verifier who holds a withdrawn unit now when it was reassigned', async () => {
    const h = ctx();
    const { bundle, team } = await withdrawnOffline(h, 'other');
    const other = await h.base.db
      .selectFrom('accounts')
      .select('name')
      .where('id', '=', team.verifiers[1]?.id as string)
      .executeTakeFirstOrThrow();
    const r = await importBundle(h, bundle, 'en');
    expect(r.status).toBe(200);
    expect(r.body.mutations).toEqual({ applied: 0, duplicates: 0, rejected: 4 });
    expect(r.body.rejections[0].code).toBe('assignment_withdrawn');
    expect(r.body.rejections[0].message).toContain(
      `sudah dicabut (kini ditugaskan kepada ${other.name})`,
    );
    expect(r.body.rejections[0].messageEn).toContain(
      `was withdrawn (it is now assigned to ${other.name})`,
    );
  });

  it('refuses the export of a tablet this server never enrolled, even when it signs it', async () => {
    const h = ctx();
    const { a, t } = await setup(h);
    // A second tablet that was never enrolled here: it got the assessment from a colleague's
    // export file and worked on it. It has no secret from this server; whatever it signs
    // with, its device is unknown.
    const offline = await openStore({
      name: `never-online-${Math.random().toString(36).slice(2)}`,
      indexedDB,
      IDBKeyRange,
      witness: null,
      storageManager: null,
      blobMode: 'arraybuffer',
    });
    await offline.importBundle(await t.store.exportAssessment(a));
    await offline.verifications.update(a, 3, { notes: 'dari tablet yang belum pernah online' });
    const counts = await h.base.rowCounts();
    const made = await offline.exportAssessment(a);
    const self: Signer = { deviceId: offline.deviceId, secret: randomBytes(32).toString('hex') };
    for (const bytes of [made, signBundle(made, self)]) {
      const r = await importBundle(h, bytes);
      expect([r.status, r.body.code]).toEqual([
        422,
        unzipSync(bytes)['manifest.sig'] ? 'bundle_foreign_device' : 'bundle_unsigned',
      ]);
    }
    expect(await h.base.rowCounts()).toEqual(counts);
    const notes = await h.base.db
      .selectFrom('changes')
      .select('deviceId')
      .where('recordId', '=', verificationId(a, 3))
      .where('field', '=', 'notes')
      .execute();
    expect(notes).toEqual([]);
  });

  // Zip bombs: judged from the zip directory before anything is inflated.
  /** Resident memory growth (bytes) while `fn` runs; a refusal must not allocate the bomb. */
  async function rssGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; growth: number }> {
    const before = process.memoryUsage().rss;
    const result = await fn();
    return { result, growth: process.memoryUsage().rss - before };
  }

  it('refuses 1 MB that inflates to 1 GiB, whatever size its directory declares, without allocating it', async () => {
    const h = ctx();
    await h.base.login('coordinator');
    const counts = await h.base.rowCounts();
    const gib = zerosDeflate(1024);
    expect(gib.byteLength).toBeLessThan(1.1 * MIB);
    const bombs: [string, Uint8Array, number, string][] = [
      [
        'honest: the manifest declares 1 GiB',
        craftZip([{ name: 'manifest.json', data: gib, method: 8, size: 1024 * MIB }]),
        413,
        'bundle_too_large',
      ],
      [
        'honest: an evidence file declares 1 GiB',
        craftZip([{ name: `files/${'0'.repeat(64)}`, data: gib, method: 8, size: 1024 * MIB }]),
        413,
        'bundle_too_large',
      ],
      [
        'lying: the manifest declares 200 bytes',
        craftZip([
          { name: 'manifest.json', data: gib, method: 8, size: 200 },
          storedEntry('manifest.sha256', strToU8('0'.repeat(64))),
        ]),
        422,
        'bundle_suspicious',
      ],
    ];
    for (const [what, bytes, status, code] of bombs) {
      const { result, growth } = await rssGrowth(() => importBundle(h, bytes));
      expect([what, result.status, result.body.code]).toEqual([what, status, code]);
      expect(result.body.message).toContain('Tidak ada data yang disimpan');
      // Far below the 1 GiB it would inflate to (the test process itself allocates a little).
      expect(growth).toBeLessThan(128 * MIB);
    }
    expect(await h.base.rowCounts()).toEqual(counts);
  });

  it('refuses by compression ratio (one entry, or many small ones together) and by entry count', async () => {
    const h = ctx();
    await h.base.login('coordinator');
    const counts = await h.base.rowCounts();
    const mib200 = zerosDeflate(200);
    const oneMib = zerosDeflate(1);
    const many = Array.from({ length: 300 }, (_, i) => ({
      name: `files/${String(i).padStart(64, '0')}`,
      data: oneMib,
      method: 8 as const,
      size: MIB,
    }));
    const crowd = Array.from({ length: 20_001 }, (_, i) =>
      storedEntry(`files/${String(i).padStart(64, '0')}`, strToU8('x')),
    );
    const cases: [string, Uint8Array, number, string, RegExp][] = [
      [
        '200 MiB of zeros in a 200 KB manifest (1000:1)',
        craftZip([{ name: 'manifest.json', data: mib200, method: 8, size: 200 * MIB }]),
        422,
        'bundle_suspicious',
        /manifest\.json/,
      ],
      [
        '300 entries of 1 MiB zeros each (1000:1 overall)',
        craftZip(many),
        422,
        'bundle_suspicious',
        /300 MiB/,
      ],
      ['20 001 entries', craftZip(crowd), 413, 'bundle_too_large', /20001/],
    ];
    for (const [what, bytes, status, code, detail] of cases) {
      const r = await importBundle(h, bytes);
      expect([what, r.status, r.body.code]).toEqual([what, status, code]);
      expect(r.body.message).toMatch(detail);
    }
    const en = await importBundle(h, craftZip(crowd), 'en');
    expect(en.body.message).toMatch(/too large once unpacked \(20001 entries; limit 20000\)/);
    expect(await h.base.rowCounts()).toEqual(counts);
  });
});

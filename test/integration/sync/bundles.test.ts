import { createHash } from 'node:crypto';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { expect, it } from 'vitest';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, verificationId } from '../../../src/core';
import { openStore } from '../../../src/store';
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
  const res = await h.app.request('/api/sync/bundles', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await h.base.login('coordinator')}`,
      'content-type': 'application/zip',
      'accept-language': lang,
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
    },
    body: new Uint8Array(bytes),
  });
  // biome-ignore lint/suspicious/noExplicitAny: test reads JSON.
  return { status: res.status, body: (await res.json()) as any };
}

/** Rewrite one zip entry (and, unless told not to, the manifest hash): what a tamperer does. */
function rewrite(
  bundle: Uint8Array,
  change: (entries: Record<string, Uint8Array>) => void,
  rehash = true,
): Uint8Array {
  const entries = unzipSync(bundle);
  change(entries);
  if (rehash) {
    const m = entries['manifest.json'] as Uint8Array;
    entries['manifest.sha256'] = strToU8(`${createHash('sha256').update(m).digest('hex')}\n`);
  }
  return zipSync(entries);
}

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
  async function setup(h: SyncHarness) {
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
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
    return { a, t, engine, coordinator };
  }

  it('applies a tablet’s export once: twice imported or later synced online, nothing doubles', async () => {
    const h = ctx();
    const { a, t, engine, coordinator } = await setup(h);
    await offlineWork(t, a);
    const issued = new IssuedLog();
    await issued.collect([t.store]);
    const bundle = await t.store.exportAssessment(a);

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

    // The coordinator can look at the photo (issue 7 review): right type, inline, nosniff.
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

  it('accepts the export of a tablet this server never saw, recording its device id as given', async () => {
    const h = ctx();
    const { a, t } = await setup(h);
    // A second tablet that was never enrolled here: it got the assessment from a colleague's
    // export file and worked on it.
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
    const r = await importBundle(h, await offline.exportAssessment(a));
    expect(r.status).toBe(200);
    expect(r.body.deviceId).toBe(offline.deviceId);
    expect(r.body.mutations.applied).toBe(1);
    const rows = await h.base.db
      .selectFrom('changes')
      .select(['deviceId', 'accountId', 'source', 'field'])
      .where('recordId', '=', verificationId(a, 3))
      .where('field', '=', 'notes')
      .execute();
    expect(rows).toEqual([
      {
        deviceId: offline.deviceId,
        accountId: await h.base.accountId('coordinator'),
        source: 'bundle',
        field: 'notes',
      },
    ]);
  });

  it('refuses a corrupt, tampered or foreign file whole, in Indonesian, writing nothing', async () => {
    const h = ctx();
    const { a, t } = await setup(h);
    await offlineWork(t, a);
    const bundle = await t.store.exportAssessment(a);
    const other = await newTeam(h.services, h.base, { verifiers: 1 });
    const counts = await h.base.rowCounts();

    const fileName = Object.keys(unzipSync(bundle)).find((n) => n.startsWith('files/')) as string;
    const cases: [string, Uint8Array, string][] = [
      ['not a zip', strToU8('ini bukan berkas zip'), 'bundle_corrupt'],
      ['someone else’s zip', zipSync({ 'data.csv': strToU8('a,b') }), 'bundle_foreign'],
      [
        'a photo swapped',
        rewrite(bundle, (e) => {
          const f = e[fileName] as Uint8Array;
          f[100] = (f[100] ?? 0) ^ 0xff;
        }),
        'bundle_tampered',
      ],
      [
        'the manifest edited, hash left',
        rewrite(
          bundle,
          (e) => {
            e['manifest.json'] = strToU8(
              strFromU8(e['manifest.json'] as Uint8Array).replace('dicek', 'DIUBAH'),
            );
          },
          false,
        ),
        'bundle_tampered',
      ],
      [
        'an extra file slipped in',
        rewrite(bundle, (e) => {
          e['files/tambahan.exe'] = strToU8('MZ');
        }),
        'bundle_tampered',
      ],
      [
        'changes of another assessment, hash recomputed',
        rewrite(bundle, (e) => {
          const m = JSON.parse(strFromU8(e['manifest.json'] as Uint8Array));
          m.outbox[0].id = verificationId(other.assessmentIds[0] as string, 1);
          e['manifest.json'] = strToU8(JSON.stringify(m));
        }),
        'bundle_corrupt',
      ],
      [
        'a newer format',
        rewrite(bundle, (e) => {
          const m = JSON.parse(strFromU8(e['manifest.json'] as Uint8Array));
          m.version = 99;
          e['manifest.json'] = strToU8(JSON.stringify(m));
        }),
        'bundle_version',
      ],
    ];
    for (const [what, bytes, code] of cases) {
      const r = await importBundle(h, bytes);
      expect([what, r.status, r.body.code]).toEqual([what, 422, code]);
      expect(r.body.message).toMatch(/(Tidak ada data yang disimpan|bukan berkas ekspor Telusur)/);
    }
    const en = await importBundle(h, cases[2]?.[1] as Uint8Array, 'en');
    expect(en.body.message).toContain('Nothing was saved');
    expect(await h.base.rowCounts()).toEqual(counts);
    const wrongType = await h.call('POST', '/api/sync/bundles', {
      token: await h.base.login('coordinator'),
      body: 'x',
      contentType: 'text/plain',
    });
    expect(wrongType.status).toBe(415);
  });
});

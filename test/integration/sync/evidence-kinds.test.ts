import { createHash, randomFillSync } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { EVIDENCE_LIMITS, uuidv7 } from '../../../src/core';
import { bundleSecretOf, postBundle, signBundle } from '../../helpers/bundles';
import { edit, enrolRaw, outcomes, pushRaw } from '../../helpers/raw-push';
import {
  appFetch,
  describeSync,
  enrolTablet,
  listenHttp,
  newTeam,
  photoBytes,
  type SyncHarness,
  syncHard,
  tabletEngine,
} from '../../helpers/sync-harness';
import { b64, tus } from '../../helpers/tus';

/**
 * Evidence as it really comes, end to end on a real tablet engine over HTTP: an office
 * document, an archive and link evidence are uploaded (tus, SHA-256 checked), listed on
 * the receipt and in the review; office files and archives come back only as sandboxed
 * downloads, a screenshot inline as before, and a file whose bytes are not what its
 * record declares is never rendered. Each kind is refused above its own limit, and a link
 * that is not http(s) is refused per change.
 */

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const MIB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Bytes that start like a zip container (DOCX, ZIP), random after. */
function zipBytes(size: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(new ArrayBuffer(size));
  randomFillSync(b);
  b.set([0x50, 0x4b, 0x03, 0x04]);
  return b;
}

describeSync('office, archive and link evidence', (ctx) => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  async function setup(h: SyncHarness) {
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const a = team.assessmentIds[0] as string;
    const coordinator = await h.base.login('coordinator');
    const t = await enrolTablet(h.call, coordinator, team.verifiers[0]?.id as string);
    const server = await listenHttp(h);
    closers.push(server.close);
    const engine = tabletEngine(t, (u, i) => fetch(u, i), {
      baseUrl: server.baseUrl,
      uploads: true,
    });
    await syncHard(engine);
    return { team, a, t, engine, coordinator };
  }

  it('uploads a DOCX, a ZIP and link evidence; the receipt and review list them; downloads are sandboxed attachments', async () => {
    const h = ctx();
    const { a, t, engine, coordinator } = await setup(h);
    const docx = zipBytes(30_000);
    const zip = zipBytes(70_000);
    const shot = photoBytes(20_000);
    // Bytes that are a web page, declared a photo: never rendered whatever the record says.
    const forged = new TextEncoder().encode('<html><script>alert(1)</script></html>');
    const checkedAt = Date.UTC(2026, 10, 25, 5, 0, 0);
    const add = (blob: Uint8Array<ArrayBuffer>, name: string, mime: string, extra = {}) =>
      t.store.evidence.add({
        assessmentId: a,
        indicatorNo: 1,
        blob: new Blob([blob], { type: mime }),
        name,
        mime: mime as never,
        width: null,
        height: null,
        capturedAtSource: 'tablet',
        location: null,
        ...extra,
      });
    const fDocx = await add(docx, 'SK Tim Penilai "2026".docx', DOCX);
    const fZip = await add(zip, 'lampiran.zip', 'application/zip');
    const fLink = await add(shot, 'layanan.jpg', 'image/jpeg', {
      url: 'https://perizinan.pemda.go.id/layanan?id=7',
      checkedAt,
      proves: '2.0',
    });
    const fForged = await add(forged, 'foto.jpg', 'image/jpeg');
    await syncHard(engine);
    expect(await t.store.blobs.listPendingUpload()).toEqual([]);

    const receipt = await h.call('GET', `/api/sync/receipt/${a}`, { token: coordinator });
    expect(receipt.status).toBe(200);
    expect([...receipt.body.hashes].sort()).toEqual(
      [sha(docx), sha(zip), sha(shot), sha(forged)].sort(),
    );

    const view = await h.call('GET', `/api/reports/assessments/${a}`, { token: coordinator });
    expect(view.status).toBe(200);
    const files = view.body.indicators[0].files as Record<string, unknown>[];
    const byName = new Map(files.map((f) => [f.name, f]));
    expect(byName.get('SK Tim Penilai "2026".docx')).toMatchObject({
      mime: DOCX,
      bytes: 30_000,
      held: true,
      url: null,
      checkedAt: null,
    });
    expect(byName.get('lampiran.zip')).toMatchObject({ mime: 'application/zip', held: true });
    expect(byName.get('layanan.jpg')).toMatchObject({
      mime: 'image/jpeg',
      url: 'https://perizinan.pemda.go.id/layanan?id=7',
      checkedAt,
      proves: { level: 2, index: 0 },
    });

    const get = (file: { id: string; sha256: string }) =>
      h.app.request(`/api/files/by-hash/${file.sha256}?record=${file.id}`, {
        headers: { authorization: `Bearer ${coordinator}` },
      });
    const d = await get(fDocx);
    expect(d.status).toBe(200);
    expect(d.headers.get('content-type')).toBe(DOCX);
    expect(d.headers.get('content-disposition')).toBe(
      `attachment; filename="SK Tim Penilai _2026_.docx"; filename*=UTF-8''SK%20Tim%20Penilai%20%222026%22.docx`,
    );
    expect(d.headers.get('x-content-type-options')).toBe('nosniff');
    expect(d.headers.get('content-security-policy')).toMatch(/(^|; )sandbox$/);
    expect(d.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(new Uint8Array(await d.arrayBuffer())).toEqual(docx);

    const z = await get(fZip);
    expect(z.headers.get('content-disposition')).toMatch(/^attachment; filename="lampiran\.zip"/);
    expect(z.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect((await z.arrayBuffer()).byteLength).toBe(70_000);

    // The screenshot of link evidence is a photo: shown inline as before.
    const s = await get(fLink);
    expect(s.headers.get('content-type')).toBe('image/jpeg');
    expect(s.headers.get('content-disposition')).toMatch(/^inline; filename="layanan\.jpg"/);
    expect(s.headers.get('content-security-policy')).not.toMatch(/sandbox/);
    await s.arrayBuffer();

    // Declared a JPEG, but its bytes are no image: a sandboxed download, never a page.
    const f = await get(fForged);
    expect(f.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(f.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(f.headers.get('x-content-type-options')).toBe('nosniff');
    await f.arrayBuffer();
  });

  it('refuses each kind above its own limit with that limit named; accepts it below', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const coordinator = await h.base.login('coordinator');
    const t = await enrolTablet(h.call, coordinator, team.verifiers[0]?.id as string);
    const send = tus(h, t.token);
    const start = (filetype: string, size: number, lang = 'id') =>
      send('POST', '/api/files/', {
        'Upload-Length': String(size),
        'Upload-Metadata': `sha256 ${b64('d'.repeat(64))},filetype ${b64(filetype)}`,
        'Accept-Language': lang,
      });
    const doc = await start(DOCX, EVIDENCE_LIMITS.document.storedBytes + 1);
    expect(doc.status).toBe(413);
    expect(await doc.json()).toMatchObject({
      code: 'evidence_too_large',
      message: 'Berkas dokumen (DOCX, ODT) terlalu besar (maks. 20 MB).',
    });
    const sheet = await start(
      'application/vnd.oasis.opendocument.spreadsheet',
      EVIDENCE_LIMITS.spreadsheet.storedBytes + 1,
      'en',
    );
    expect((await sheet.json()).message).toBe(
      'The spreadsheet (XLSX, ODS) file is too large (at most 20 MB).',
    );
    const rar = await start('application/vnd.rar', EVIDENCE_LIMITS.archive.storedBytes + 1);
    expect(rar.status).toBe(413);
    expect((await rar.json()).message).toBe('Berkas arsip (ZIP, RAR) terlalu besar (maks. 50 MB).');
    // An archive larger than any document limit is still within its own.
    expect((await start('application/zip', 30 * MIB)).status).toBe(201);
    // A type that is no evidence is refused whatever its size.
    const html = await start('text/html', 1000);
    expect(html.status).toBe(400);
    expect((await html.json()).code).toBe('upload_metadata');
  });

  it('refuses link evidence whose address is not http(s), that change alone', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const a = team.assessmentIds[0] as string;
    const raw = await enrolRaw(h, team.verifiers[0]?.id as string);
    const record = (url: string) => ({
      assessmentId: a,
      indicatorNo: 2,
      sha256: 'e'.repeat(64),
      name: 'layar.jpg',
      mime: 'image/jpeg',
      bytes: 1000,
      width: 10,
      height: 10,
      capturedAt: Date.UTC(2026, 10, 25),
      location: null,
      deleted: false,
      url,
      checkedAt: Date.UTC(2026, 10, 25),
    });
    const r = await pushRaw(h, raw, [
      edit(raw, 1, 'evidenceFile', uuidv7(Date.now()), record('javascript:alert(1)')),
      edit(raw, 2, 'evidenceFile', uuidv7(Date.now()), record('https://pemda.go.id/izin')),
    ]);
    expect(r.status).toBe(200);
    expect(outcomes(r)).toEqual(['1:rejected', '2:applied']);
    expect(r.body.results[0].rejection).toMatchObject({ field: 'url' });
  });

  it('refuses an evidence record declaring more bytes than its kind allows, that change alone', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const a = team.assessmentIds[0] as string;
    const raw = await enrolRaw(h, team.verifiers[0]?.id as string);
    const record = (mime: string, bytes: number) => ({
      assessmentId: a,
      indicatorNo: 2,
      sha256: 'f'.repeat(64),
      name: 'berkas',
      mime,
      bytes,
      width: null,
      height: null,
      capturedAt: Date.UTC(2026, 10, 25),
      location: null,
      deleted: false,
    });
    // Within the wire's cap (an archive's 50 MB) but above a PDF's 20 MB; the same size is
    // fine for an archive.
    const size = EVIDENCE_LIMITS.pdf.storedBytes + 1;
    const r = await pushRaw(h, raw, [
      edit(raw, 1, 'evidenceFile', uuidv7(Date.now()), record('application/pdf', size)),
      edit(raw, 2, 'evidenceFile', uuidv7(Date.now()), record('application/zip', size)),
    ]);
    expect(r.status).toBe(200);
    expect(outcomes(r)).toEqual(['1:rejected', '2:applied']);
    expect(r.body.results[0].rejection).toMatchObject({
      code: 'validation_failed',
      field: 'bytes',
    });
    expect(r.body.results[0].rejection.message).toContain('lebih besar dari batas jenisnya');
  });

  it('refuses a workshop export file carrying a document above the document limit, naming it', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const a = team.assessmentIds[0] as string;
    const coordinator = await h.base.login('coordinator');
    const t = await enrolTablet(h.call, coordinator, team.verifiers[0]?.id as string);
    await tabletEngine(t, appFetch(h.app)).sync();
    const signer = await bundleSecretOf(h.call, t.token);
    // Within the largest kind's limit (an archive's), above a document's.
    await t.store.evidence.add({
      assessmentId: a,
      indicatorNo: 1,
      blob: new Blob([zipBytes(EVIDENCE_LIMITS.document.storedBytes + 1)], { type: DOCX }),
      name: 'besar.docx',
      mime: DOCX,
      width: null,
      height: null,
      location: null,
    });
    const counts = await h.base.rowCounts();
    const r = await postBundle(
      h.app,
      coordinator,
      signBundle(await t.store.exportAssessment(a), signer),
    );
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({
      code: 'evidence_too_large',
      message: 'Berkas dokumen (DOCX, ODT) terlalu besar (maks. 20 MB).',
    });
    expect(await h.base.rowCounts()).toEqual(counts);
  });
});

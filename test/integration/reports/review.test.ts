import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { verificationId } from '../../../src/core';
import { fetchTransport, SyncEngine } from '../../../src/sync';
import { signOnStore } from '../../helpers/signing';
import {
  appFetch,
  describeSync,
  enrolTablet,
  newTeam,
  photoBytes,
  type SyncHarness,
} from '../../helpers/sync-harness';
import { storeFile } from './helpers';

/** A 1×1 PNG, as the signature pad saves it. */
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
/** An SVG signature: valid for the store, but the review only ever shows PNG data URLs. */
const SVG = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64')}`;

async function finishedVerification(h: SyncHarness) {
  const team = await newTeam(h.services, h.base, { verifiers: 1, units: 1, selfLevels: 3 });
  const a = team.assessmentIds[0] as string;
  const coordinator = await h.base.login('coordinator');
  const tablet = await enrolTablet(
    h.call,
    coordinator,
    team.verifiers[0]?.id as string,
    'Tablet tinjau',
  );
  // The real engine; its evidence upload stands in for tus (hash-checked like a tus upload).
  const transport = fetchTransport({
    baseUrl: '',
    token: () => tablet.token,
    fetch: appFetch(h.app),
    uploader: async (file) =>
      storeFile(h.services, new Uint8Array(await file.blob.arrayBuffer()), file.sha256, file.mime),
  });
  // The tablet's clock agrees with the server's (a far-off one makes its signing doubtful).
  const engine = new SyncEngine(tablet.store, transport, { now: () => h.base.clock.now });
  await engine.sync();
  await tablet.store.verifications.update(a, 1, { verifiedLevel: 1, notes: 'SK masih konsep' });
  await tablet.store.verifications.update(a, 2, { verifiedLevel: 2 });
  await tablet.store.verifications.setCheck(a, 1, 2, 0, {
    state: 'missing',
    note: 'tidak ada tanda tangan',
  });
  const bytes = photoBytes(4000);
  await tablet.store.evidence.add({
    assessmentId: a,
    indicatorNo: 1,
    blob: new Blob([bytes], { type: 'image/jpeg' }),
    name: 'sk-konsep.jpg',
    width: 640,
    height: 480,
    capturedAt: Date.UTC(2026, 10, 28, 2, 14, 5),
    capturedAtSource: 'camera',
    location: { lat: -6.01744, lng: 106.05381 },
    // The photo shows the first expected document of level 2 (the one checked missing).
    proves: '2.0',
  });
  await tablet.store.beritaAcara.update(a, {
    verifierName: 'Verifikator Tinjau',
    verifierRole: 'Verifikator',
    verifierSignature: PNG,
    representativeName: 'Kepala Unit',
    representativeRole: 'Kepala',
    representativeSignature: SVG,
    place: 'Cilegon',
  });
  /** Sign as the tablet does: 2 of 47 indicators, so as "verifikasi sebagian". */
  const sign = () => signOnStore(tablet.store, a, h.base.clock.now, { partial: true });
  /** The version token of the review detail, which every decision carries. */
  const version = async () =>
    (await h.call('GET', `/api/reports/assessments/${a}`, { token: coordinator })).body.review
      .expectedVersion as number;
  return { team, a, coordinator, tablet, engine, bytes, sign, version };
}

// PostgreSQL runs only where TELUSUR_PG_URL points at a server (describeSync skips it otherwise).
describeSync('coordinator review reaches the tablet', (ctx) => {
  it('returns with comments and approves; status and comments arrive at the tablet’s next pull', async () => {
    const h = ctx();
    const { a, coordinator, tablet, engine, bytes, sign, version } = await finishedVerification(h);
    await engine.sync();

    // Not finished on the tablet yet: nothing to decide.
    const early = await h.call('POST', `/api/assessments/${a}/review`, {
      token: coordinator,
      json: { decision: 'approve', expectedVersion: await version() },
    });
    expect(early.status).toBe(422);
    expect(early.body.details.issues[0]).toMatchObject({ path: 'decision', code: 'not_submitted' });

    await sign();
    await engine.sync();

    // The review view: levels, checks, evidence, berita acara (PNG signatures only).
    const sha = createHash('sha256').update(bytes).digest('hex');
    const view = await h.call('GET', `/api/reports/assessments/${a}`, { token: coordinator });
    expect(view.status).toBe(200);
    expect(view.body.assessment).toMatchObject({ status: 'selesai', progress: 'terkirim' });
    expect(view.body.files).toEqual({ total: 1, held: 1 });
    const ind1 = view.body.indicators[0];
    expect(ind1).toMatchObject({
      no: 1,
      selfLevel: 1,
      verifiedLevel: 1,
      notes: 'SK masih konsep',
      checks: [{ level: 2, index: 0, state: 'missing', note: 'tidak ada tanda tangan' }],
      files: [
        {
          sha256: sha,
          name: 'sk-konsep.jpg',
          mime: 'image/jpeg',
          held: true,
          capturedAt: Date.UTC(2026, 10, 28, 2, 14, 5),
          capturedAtSource: 'camera',
          location: { lat: -6.01744, lng: 106.05381 },
          proves: { level: 2, index: 0, evidence: ind1.checks[0].evidence },
        },
      ],
    });
    expect(ind1.checks[0].evidence).not.toBe('');
    expect(view.body.beritaAcara).toMatchObject({
      verifierSignature: PNG,
      representativeSignature: null,
      signatureRejected: true,
      representativeName: 'Kepala Unit',
    });
    expect(view.body.review).toMatchObject({ decidable: true, last: null });
    expect(view.body.signing).toMatchObject({ state: 'signed', partial: true });
    // Its photo, by hash: the evidence type, shown inline, never sniffed.
    const photo = await h.app.request(`/api/files/by-hash/${sha}`, {
      headers: { authorization: `Bearer ${coordinator}` },
    });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect(photo.headers.get('content-disposition')).toContain('sk-konsep.jpg');
    expect(photo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await photo.arrayBuffer())).toEqual(bytes);

    // Returning needs a comment.
    const bare = await h.call('POST', `/api/assessments/${a}/review`, {
      token: coordinator,
      json: {
        decision: 'return',
        expectedVersion: view.body.review.expectedVersion,
        comments: [{ indicatorNo: 1, comment: '  ' }],
      },
    });
    expect(bare.status).toBe(422);
    expect(bare.body.details.issues[0].code).toBe('comment_required');

    const returned = await h.call('POST', `/api/assessments/${a}/review`, {
      token: coordinator,
      json: {
        decision: 'return',
        expectedVersion: view.body.review.expectedVersion,
        comments: [{ indicatorNo: 1, comment: 'Lampirkan SK yang sudah ditandatangani.' }],
      },
    });
    expect(returned.status).toBe(200);
    expect(returned.body.assessment.status).toBe('dikembalikan');
    expect(returned.body.review.last).toMatchObject({ status: 'dikembalikan' });
    expect(returned.body.indicators[0].reviewComment).toBe(
      'Lampirkan SK yang sudah ditandatangani.',
    );

    await engine.sync();
    expect((await tablet.store.assessments.get(a))?.status).toBe('dikembalikan');
    const v1 = (await tablet.store.verifications.listByAssessment(a)).find(
      (v) => v.indicatorNo === 1,
    );
    expect(v1?.reviewComment).toBe('Lampirkan SK yang sudah ditandatangani.');

    // The verifier fixes it: the record changed since the decision and its signatures are
    // void until it is signed again.
    await tablet.store.verifications.update(a, 1, { verifiedLevel: 2 });
    await engine.sync();
    const changed = await h.call('GET', `/api/reports/assessments/${a}`, { token: coordinator });
    expect(changed.body.review).toMatchObject({
      decidable: false,
      changedSinceDecision: true,
      last: { status: 'dikembalikan' },
    });
    expect(changed.body.signing.state).toBe('void');

    // Signed again and sent; the coordinator approves, which clears the earlier comment.
    await sign();
    await engine.sync();
    expect((await tablet.store.assessments.get(a))?.status).toBe('diperbaiki');
    const approved = await h.call('POST', `/api/assessments/${a}/review`, {
      token: coordinator,
      json: { decision: 'approve', expectedVersion: await version() },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.assessment).toMatchObject({ status: 'disetujui', progress: 'disetujui' });
    await engine.sync();
    expect((await tablet.store.assessments.get(a))?.status).toBe('disetujui');
    const again = (await tablet.store.verifications.listByAssessment(a)).find(
      (v) => v.indicatorNo === 1,
    );
    expect(again).toMatchObject({ verifiedLevel: 2, reviewComment: '' });
    expect(await tablet.store.outbox.count()).toBe(0);

    // The audit trail names the coordinator's review.
    const audit = await h.call('GET', `/api/assessments/${a}/audit?indicatorNo=1`, {
      token: coordinator,
    });
    const reviews = audit.body.entries.filter((e: { source: string }) => e.source === 'review');
    expect(
      reviews.map((e: { recordId: string; field: string; value: unknown }) => [
        e.recordId,
        e.field,
        e.value,
      ]),
    ).toEqual([
      [verificationId(a, 1), 'reviewComment', 'Lampirkan SK yang sudah ditandatangani.'],
      [verificationId(a, 1), 'reviewComment', ''],
    ]);
    expect(reviews[0].account.name).toContain('Koordinator');
  });

  it('lets only coordinators decide; verifiers see only their own units', async () => {
    const h = ctx();
    const { a, tablet, engine, sign } = await finishedVerification(h);
    await sign();
    await engine.sync();
    const viewer = await h.base.login('viewer');
    const counts = await h.base.rowCounts();
    const deny = await h.call('POST', `/api/assessments/${a}/review`, {
      token: viewer,
      json: { decision: 'approve', expectedVersion: 0 },
    });
    expect(deny.status).toBe(403);
    expect(deny.body.code).toBe('forbidden');
    const asTablet = await h.call('POST', `/api/assessments/${a}/review`, {
      token: tablet.token,
      json: { decision: 'approve', expectedVersion: 0 },
    });
    expect(asTablet.status).toBe(403);
    expect(await h.base.rowCounts()).toEqual(counts);

    // Viewers read the per-unit report; a verifier reads its own unit's, not another's.
    expect((await h.call('GET', `/api/reports/assessments/${a}`, { token: viewer })).status).toBe(
      200,
    );
    expect(
      (await h.call('GET', `/api/reports/assessments/${a}`, { token: tablet.token })).status,
    ).toBe(200);
    const other = await h.call('GET', `/api/reports/assessments/${a}`, {
      token: await h.base.login('verifier1'),
    });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('not_assigned');
    // A tablet cannot approve its own work: that change is refused and listed on the tablet.
    await tablet.store.assessments.update(a, { status: 'disetujui' });
    const report = await engine.sync();
    expect(report.rejected).toBe(1);
    expect((await tablet.store.rejected.list(a)).map((r) => r.rejection.code)).toEqual([
      'field_not_writable',
    ]);
    const after = await h.call('GET', `/api/reports/assessments/${a}`, { token: viewer });
    expect(after.body.assessment.status).toBe('selesai');
  });

  it('answers 404 for an unknown assessment and 422 for an unknown indicator', async () => {
    const h = ctx();
    const { a, engine, coordinator, sign, version } = await finishedVerification(h);
    await sign();
    await engine.sync();
    const none = await h.call('POST', '/api/assessments/tidak-ada/review', {
      token: coordinator,
      json: { decision: 'approve', expectedVersion: 0 },
    });
    expect(none.status).toBe(404);
    const bad = await h.call('POST', `/api/assessments/${a}/review`, {
      token: coordinator,
      json: {
        decision: 'return',
        expectedVersion: await version(),
        comments: [{ indicatorNo: 99, comment: 'x' }],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.details.issues[0].path).toBe('comments.0.indicatorNo');
    const wrong = await h.call('POST', `/api/assessments/${a}/review`, {
      token: coordinator,
      json: { decision: 'maybe', expectedVersion: 0 },
    });
    expect(wrong.status).toBe(422);
  });
});

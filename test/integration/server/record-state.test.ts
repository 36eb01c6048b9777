import { expect, it } from 'vitest';
import { listIndicators, type SigningResult, spbe2020, verificationId } from '../../../src/core';
import { opdCode } from '../../../src/server/seed';
import { describeEachDialect, type ServerContext } from '../../helpers/server-context';
import { resultsOfDetail, signingMutation } from '../../helpers/signing';
import {
  assessmentOf,
  evidenceFile,
  levels,
  type RawMutation,
  type RawTablet,
  rawTablet,
} from '../reports/helpers';

/**
 * The verification record's life cycle as the server enforces it (core record-state.ts):
 * draft → signed (sent) → returned → re-signed → approved → reopened, every transition
 * through the real routes, and every refusal — a push under an approved assessment
 * (rejected per mutation and stored), a coordinator status forged by a tablet, a decision
 * on a record that changed since it was read (stale `expectedVersion`, double click), on
 * an unsigned or void berita acara, on an incomplete one, and a reopening without reason.
 */

const ALL = listIndicators(spbe2020).map((i) => i.no);
const APPROVED_ID =
  'sudah disetujui koordinator; perubahan ditolak — minta koordinator membukanya kembali.';

describeEachDialect('record states', (ctx) => {
  let tablet: RawTablet | null = null;
  let coordinator = '';
  // OPDs the demo assigns to nobody (0, 2 and 4 are verified on Pemdi 2026); each test takes its own.
  const free = [1, 5, 6, 8, 10, 11, 12, 13, 14, 15, 17, 18, 19];

  /** A new unit assigned to verifier 1, and its assessment (each test works on its own). */
  const freshAssessment = async (): Promise<string> => {
    const c: ServerContext = ctx();
    coordinator ||= await c.login('coordinator');
    tablet ??= await rawTablet(c, 'verifier1', 'Tablet status');
    const code = opdCode(free.shift() as number);
    const verifierId = await c.accountId('verifier1');
    const periodId = c.demo?.periodId as string;
    const r = await c.call('POST', '/api/assignments', {
      token: coordinator,
      json: { periodId, verifierId, unitIds: [await c.unitId(code)] },
    });
    expect(r.status).toBe(201);
    return assessmentOf(c, code);
  };
  const push = (mutations: RawMutation[]) => (tablet as RawTablet).push(mutations);
  const detail = async (a: string) => {
    const r = await ctx().call('GET', `/api/reports/assessments/${a}`, { token: coordinator });
    expect(r.status).toBe(200);
    return r.body;
  };
  const decide = (a: string, json: Record<string, unknown>) =>
    ctx().call('POST', `/api/assessments/${a}/review`, { token: coordinator, json });
  const reopen = (a: string, json: Record<string, unknown>) =>
    ctx().call('POST', `/api/assessments/${a}/reopen`, { token: coordinator, json });
  const version = async (a: string): Promise<number> => (await detail(a)).review.expectedVersion;
  /** Every indicator verified at `level`. */
  const complete = (a: string, level = 3) =>
    levels(a, Object.fromEntries(ALL.map((no) => [no, level])));
  /** Sign the server's current results as the tablet would, with the status signing sets. */
  const sign = async (a: string, status: string, partial = false) => {
    ctx().clock.advance(60_000);
    const results: SigningResult[] = resultsOfDetail(await detail(a));
    return push([
      signingMutation(a, results, ctx().clock.now, partial),
      { entity: 'assessment', id: a, changes: { status } },
    ]);
  };
  /**
   * Every record in the tablet's scope, all pages, as one list: a record whose changes span
   * pages arrives once per page, and its fields are merged in page order (newest last).
   */
  const pullAll = async () => {
    const out = new Map<string, { id: string; entity: string; fields: Record<string, unknown> }>();
    for (let cursor = 0; ; ) {
      const r = await (tablet as RawTablet).pull(cursor);
      for (const c of r.body.changes as {
        id: string;
        entity: string;
        fields: Record<string, unknown>;
      }[]) {
        const k = `${c.entity}|${c.id}`;
        const seen = out.get(k);
        if (seen) Object.assign(seen.fields, c.fields);
        else out.set(k, { id: c.id, entity: c.entity, fields: { ...c.fields } });
      }
      cursor = r.body.cursor;
      if (!r.body.hasMore) return [...out.values()];
    }
  };
  const storedStatus = async (a: string) => (await detail(a)).assessment.status;

  it('walks draft → signed → returned → re-signed → approved → reopened → re-signed', async () => {
    const a = await freshAssessment();
    await push(complete(a));
    let d = await detail(a);
    expect(d.signing).toMatchObject({ state: 'unsigned', signedAt: null, digest: null });
    expect(d.signing.completeness).toMatchObject({ total: 47, verified: 47, complete: true });
    expect(d.review).toMatchObject({ decidable: false, reopenable: false });

    // Signed on the tablet and sent.
    await sign(a, 'selesai');
    d = await detail(a);
    expect(d.assessment).toMatchObject({ status: 'selesai', progress: 'terkirim' });
    expect(d.signing).toMatchObject({ state: 'signed', partial: false });
    expect(d.signing.results).toMatchObject({ verified: 47, total: 47, index: 3 });
    expect(d.review).toMatchObject({ decidable: true, reopenable: false });

    // Returned with an overall comment and a comment on indicator 5.
    const returned = await decide(a, {
      decision: 'return',
      expectedVersion: d.review.expectedVersion,
      comment: 'Periksa lagi bukti indikator 5.',
      comments: [{ indicatorNo: 5, comment: 'SK belum ditandatangani.' }],
    });
    expect(returned.status).toBe(200);
    expect(returned.body.assessment).toMatchObject({
      status: 'dikembalikan',
      progress: 'dikembalikan',
    });
    expect(returned.body.comments).toEqual([
      expect.objectContaining({
        kind: 'return',
        indicatorNo: null,
        body: 'Periksa lagi bukti indikator 5.',
      }),
    ]);
    // The tablet receives status, per-indicator comment and the overall comment by pull.
    const pulled = await pullAll();
    const record = (id: string) => pulled.find((c) => c.id === id)?.fields;
    expect(record(a)?.status).toBe('dikembalikan');
    expect(record(verificationId(a, 5))).toMatchObject({
      reviewComment: 'SK belum ditandatangani.',
    });
    expect(
      pulled.find((c) => c.entity === 'comment' && c.fields.assessmentId === a)?.fields,
    ).toMatchObject({ kind: 'return', body: 'Periksa lagi bukti indikator 5.' });

    // The verifier corrects indicator 5: the signatures are void until it signs again.
    await push(levels(a, { 5: 2 }));
    d = await detail(a);
    expect(d.signing.state).toBe('void');
    expect(d.review).toMatchObject({ decidable: false, changedSinceDecision: true });
    // The coordinator still sees the results as signed, never the new level under them.
    expect(d.signing.results.results.find((r: { no: number }) => r.no === 5).verifiedLevel).toBe(3);

    await sign(a, 'diperbaiki');
    d = await detail(a);
    expect(d.assessment).toMatchObject({ status: 'diperbaiki', progress: 'diperbaiki' });
    expect(d.signing.state).toBe('signed');
    expect(d.signing.results.results.find((r: { no: number }) => r.no === 5).verifiedLevel).toBe(2);
    const dashboard = await ctx().call('GET', `/api/dashboard/${d.period.id}`, {
      token: coordinator,
    });
    const row = dashboard.body.units.find((u: { assessmentId: string }) => u.assessmentId === a);
    expect(row).toMatchObject({ status: 'diperbaiki', storedStatus: 'diperbaiki' });

    // Approved; the earlier per-indicator comment is cleared with it.
    const approved = await decide(a, {
      decision: 'approve',
      expectedVersion: d.review.expectedVersion,
    });
    expect(approved.status).toBe(200);
    expect(approved.body.assessment.status).toBe('disetujui');
    expect(approved.body.indicators.find((i: { no: number }) => i.no === 5).reviewComment).toBe('');
    expect(approved.body.review).toMatchObject({ decidable: true, reopenable: true });

    // Reopened with a reason the tablet reads; the tablet may edit again.
    const reopened = await reopen(a, {
      reason: '  Indikator 12 perlu dikoreksi.  ',
      expectedVersion: approved.body.review.expectedVersion,
    });
    expect(reopened.status).toBe(200);
    expect(reopened.body.assessment).toMatchObject({ status: 'dibuka', progress: 'dibuka' });
    expect(reopened.body.review).toMatchObject({ decidable: false, reopenable: false });
    expect(reopened.body.comments.find((c: { kind: string }) => c.kind === 'reopen')).toMatchObject(
      { body: 'Indikator 12 perlu dikoreksi.', author: 'Koordinator SPBE (Diskominfo)' },
    );
    const edited = await push(levels(a, { 12: 4 }));
    expect(edited.body.results[0].outcome).toBe('applied');
    await sign(a, 'diperbaiki');
    expect((await detail(a)).review).toMatchObject({ decidable: true });

    // The audit trail has every decision with its author.
    const audit = await ctx().call('GET', `/api/assessments/${a}/audit`, { token: coordinator });
    const statuses = audit.body.entries
      .filter((e: { field: string; recordId: string }) => e.recordId === a && e.field === 'status')
      .map((e: { value: unknown; source: string }) => [e.value, e.source]);
    expect(statuses).toEqual(
      expect.arrayContaining([
        ['dikembalikan', 'review'],
        ['disetujui', 'review'],
        ['dibuka', 'review'],
        ['diperbaiki', 'push'],
      ]),
    );
  });

  it('rejects every change pushed under an approved assessment, per mutation, and stores it', async () => {
    const a = await freshAssessment();
    const other = await freshAssessment();
    await push(complete(a));
    await sign(a, 'selesai');
    const ok = await decide(a, { decision: 'approve', expectedVersion: await version(a) });
    expect(ok.status).toBe(200);
    const before = await version(a);
    const t = tablet as RawTablet;

    const r = await push([
      ...levels(a, { 1: 5 }),
      evidenceFile(a, `ev-${a}-baru`, { sha256: 'a'.repeat(64), bytes: 10, capturedAt: 1e12 }),
      {
        entity: 'comment',
        id: `cm-${a}-baru`,
        changes: {
          assessmentId: a,
          indicatorNo: 1,
          body: 'Catatan baru',
          author: 'Verifikator Satu',
          createdAt: ctx().clock.now,
        },
      },
      { entity: 'beritaAcara', id: `${a}:ba`, changes: { place: 'Tempat lain' } },
      { entity: 'assessment', id: a, changes: { status: 'sedang' } },
      // Another unit of the same push is not held back by the refusals.
      ...levels(other, { 1: 2 }),
    ]);
    const outcomes = r.body.results.map((x: { outcome: string }) => x.outcome);
    expect(outcomes).toEqual([
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'applied',
    ]);
    for (const x of r.body.results.slice(0, 5)) {
      expect(x.rejection).toMatchObject({
        code: 'assessment_approved',
        assessmentId: a,
        retryable: true,
      });
      expect(x.rejection.message).toContain(APPROVED_ID);
      expect(x.rejection.messageEn).toContain('was approved by the coordinator');
    }
    // Nothing was written under the approved record; the refusals are listed for the audit.
    expect(await version(a)).toBe(before);
    expect(await storedStatus(a)).toBe('disetujui');
    const listed = await ctx().call('GET', `/api/sync/rejections?assessmentId=${a}`, {
      token: coordinator,
    });
    expect(
      listed.body.rejections
        .filter((x: { deviceId: string }) => x.deviceId === t.deviceId)
        .map((x: { code: string }) => x.code),
    ).toEqual(Array(5).fill('assessment_approved'));
  });

  it('refuses coordinator statuses and decision comments from a tablet', async () => {
    const a = await freshAssessment();
    await push(complete(a));
    for (const status of ['disetujui', 'dikembalikan', 'dibuka']) {
      const r = await push([{ entity: 'assessment', id: a, changes: { status } }]);
      expect(r.body.results[0]).toMatchObject({
        outcome: 'rejected',
        rejection: { code: 'field_not_writable', field: 'status' },
      });
    }
    const forged = await push([
      {
        entity: 'comment',
        id: `cm-${a}-palsu`,
        changes: {
          assessmentId: a,
          indicatorNo: null,
          body: 'Disetujui',
          author: 'Koordinator',
          createdAt: ctx().clock.now,
          kind: 'approve',
        },
      },
    ]);
    expect(forged.body.results[0].rejection).toMatchObject({
      code: 'field_not_writable',
      field: 'kind',
    });
    expect(await storedStatus(a)).not.toBe('disetujui');
  });

  it('refuses a decision on a record that changed since it was read, and a double click', async () => {
    const a = await freshAssessment();
    await push(complete(a));
    await sign(a, 'selesai');
    const read = await version(a);
    // A tablet comment arrives after the coordinator opened the page.
    await push([
      {
        entity: 'comment',
        id: `cm-${a}-1`,
        changes: {
          assessmentId: a,
          indicatorNo: 3,
          body: 'Bukti menyusul',
          author: 'Verifikator Satu',
          createdAt: ctx().clock.now,
        },
      },
    ]);
    const stale = await decide(a, { decision: 'approve', expectedVersion: read });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('record_changed');
    expect(await storedStatus(a)).toBe('selesai');

    // Two clicks of "Kembalikan" with the same version: one decision, one refusal.
    const now = await version(a);
    const body = {
      decision: 'return',
      expectedVersion: now,
      comments: [{ indicatorNo: 1, comment: 'Cek lagi' }],
    };
    const both = await Promise.all([decide(a, body), decide(a, body)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.status === 409)?.body.code).toBe('record_changed');
    const audit = await ctx().call('GET', `/api/assessments/${a}/audit`, { token: coordinator });
    expect(
      audit.body.entries.filter(
        (e: { field: string; value: unknown }) =>
          e.field === 'status' && e.value === 'dikembalikan',
      ),
    ).toHaveLength(1);
  });

  it('refuses decisions on an unsigned or void berita acara, and approving an incomplete one', async () => {
    const a = await freshAssessment();
    await push(complete(a));
    // Status sent as signed, but nothing signed: a signing time without a digest.
    await push([
      {
        entity: 'beritaAcara',
        id: `${a}:ba`,
        changes: { assessmentId: a, signedAt: ctx().clock.now },
      },
      { entity: 'assessment', id: a, changes: { status: 'selesai' } },
    ]);
    const unsigned = await decide(a, { decision: 'approve', expectedVersion: await version(a) });
    expect(unsigned.status).toBe(409);
    expect(unsigned.body.code).toBe('not_signed');
    expect(unsigned.body.message).toContain('belum ditandatangani');

    await sign(a, 'selesai');
    // A result changed after signing voids it.
    await push(levels(a, { 7: 1 }));
    const voided = await decide(a, {
      decision: 'return',
      expectedVersion: await version(a),
      comment: 'x',
    });
    expect(voided.status).toBe(409);
    expect(voided.body.code).toBe('not_signed');
    expect(voided.body.message).toContain('Tanda tangan berita acara batal');
    // So does removing a saved signature.
    await sign(a, 'selesai');
    expect((await detail(a)).signing.state).toBe('signed');
    await push([
      { entity: 'beritaAcara', id: `${a}:ba`, changes: { representativeSignature: null } },
    ]);
    expect((await detail(a)).signing.state).toBe('void');
    const noSignature = await decide(a, { decision: 'approve', expectedVersion: await version(a) });
    expect(noSignature.body.code).toBe('not_signed');

    // Incomplete and signed as if complete: approving is refused, returning is not.
    const b = await freshAssessment();
    await push(levels(b, { 1: 3, 2: 3 }));
    await sign(b, 'selesai', false);
    const incomplete = await decide(b, { decision: 'approve', expectedVersion: await version(b) });
    expect(incomplete.status).toBe(409);
    expect(incomplete.body).toMatchObject({ code: 'record_incomplete' });
    expect(incomplete.body.message).toContain('45 indikator');
    const back = await decide(b, {
      decision: 'return',
      expectedVersion: await version(b),
      comment: 'Lengkapi semua indikator.',
    });
    expect(back.status).toBe(200);
    // Signed as "verifikasi sebagian", the same record may be approved.
    await sign(b, 'diperbaiki', true);
    const partial = await decide(b, { decision: 'approve', expectedVersion: await version(b) });
    expect(partial.status).toBe(200);
    expect(partial.body.signing).toMatchObject({ partial: true, state: 'signed' });
  });

  it('reopens only an approved record, with a reason, at the version read', async () => {
    const a = await freshAssessment();
    await push(complete(a));
    await sign(a, 'selesai');
    const notYet = await reopen(a, { reason: 'Koreksi', expectedVersion: await version(a) });
    expect(notYet.status).toBe(409);
    expect(notYet.body.code).toBe('not_approved');
    const approved = await decide(a, { decision: 'approve', expectedVersion: await version(a) });
    const v = approved.body.review.expectedVersion;
    const blank = await reopen(a, { reason: '   ', expectedVersion: v });
    expect(blank.status).toBe(422);
    expect(blank.body.details.issues[0]).toMatchObject({ path: 'reason', code: 'reason_required' });
    const missing = await reopen(a, { expectedVersion: v });
    expect(missing.status).toBe(422);
    const stale = await reopen(a, { reason: 'Koreksi', expectedVersion: v - 1 });
    expect(stale.body.code).toBe('record_changed');
    expect(await storedStatus(a)).toBe('disetujui');
    const ok = await reopen(a, { reason: 'Koreksi', expectedVersion: v });
    expect(ok.status).toBe(200);
    // A second reopening with the same version is the double click: refused.
    const again = await reopen(a, { reason: 'Koreksi', expectedVersion: v });
    expect(again.body.code).toBe('record_changed');
  });

  it('replaces the earlier decision’s per-indicator comments and needs some comment to return', async () => {
    const a = await freshAssessment();
    await push(complete(a));
    await sign(a, 'selesai');
    const none = await decide(a, { decision: 'return', expectedVersion: await version(a) });
    expect(none.status).toBe(422);
    expect(none.body.details.issues[0].code).toBe('comment_required');
    const first = await decide(a, {
      decision: 'return',
      expectedVersion: await version(a),
      comments: [{ indicatorNo: 1, comment: 'Pertama' }],
    });
    expect(first.status).toBe(200);
    // Changing the earlier decision (return again, only indicator 2 now).
    const second = await decide(a, {
      decision: 'return',
      expectedVersion: first.body.review.expectedVersion,
      comments: [{ indicatorNo: 2, comment: 'Kedua' }],
    });
    expect(second.status).toBe(200);
    const comments = Object.fromEntries(
      second.body.indicators.map((i: { no: number; reviewComment: string }) => [
        i.no,
        i.reviewComment,
      ]),
    );
    expect(comments[1]).toBe('');
    expect(comments[2]).toBe('Kedua');
  });
});

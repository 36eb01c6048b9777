import { expect, it } from 'vitest';
import { listIndicators, type SigningResult, spbe2020 } from '../../../src/core';
import { parseCsv } from '../../../src/server/lib/csv';
import { opdCode } from '../../../src/server/seed';
import { LEVEL_COLUMNS } from '../../../src/server/services/exports/levels';
import { describeEachDialect, type ServerContext } from '../../helpers/server-context';
import {
  resultsDigestOf,
  resultsOfDetail,
  SIGNATURE_PNG,
  signingMutation,
} from '../../helpers/signing';
import {
  assessmentOf,
  levels,
  type RawMutation,
  type RawTablet,
  rawTablet,
} from '../reports/helpers';

/**
 * What the coordinator is shown of a signing and may do with it, on both databases: a
 * signing time from a tablet whose clock was off is doubtful (review, exports) and cannot
 * be approved (409 `signing_time_doubtful`) — only returned — until signed again with a
 * right clock; a partial or incomplete record's predikat carries "(SEMENTARA)" in the
 * exports; a void signing shows on the dashboard row and in the exports' "Tahap"; and
 * after approve → reopen, only the reopening's comment shows.
 */

const ALL = listIndicators(spbe2020).map((i) => i.no);
const HEADER = LEVEL_COLUMNS.map((c) => c.label);
/** 15 January 2099: a tablet whose clock was set to the wrong century. */
const YEAR_2099 = Date.UTC(2099, 0, 15, 3);

describeEachDialect('signing as the coordinator sees it', (ctx) => {
  let tablet: RawTablet | null = null;
  let coordinator = '';
  const free = [0, 1, 2, 4, 5, 6, 8, 10];

  const freshAssessment = async (): Promise<{ a: string; code: string }> => {
    const c: ServerContext = ctx();
    coordinator ||= await c.login('coordinator');
    tablet ??= await rawTablet(c, 'verifier1', 'Tablet tanda tangan');
    const code = opdCode(free.shift() as number);
    const r = await c.call('POST', '/api/assignments', {
      token: coordinator,
      json: {
        periodId: c.demo?.periodId,
        verifierId: await c.accountId('verifier1'),
        unitIds: [await c.unitId(code)],
      },
    });
    expect(r.status).toBe(201);
    return { a: await assessmentOf(c, code), code };
  };
  const push = (m: RawMutation[], tabletNow?: number) =>
    (tablet as RawTablet).push(m, tabletNow === undefined ? {} : { tabletNow });
  const detail = async (a: string) => {
    const r = await ctx().call('GET', `/api/reports/assessments/${a}`, { token: coordinator });
    expect(r.status).toBe(200);
    return r.body;
  };
  const decide = async (a: string, json: Record<string, unknown>) =>
    ctx().call('POST', `/api/assessments/${a}/review`, {
      token: coordinator,
      json: { expectedVersion: (await detail(a)).review.expectedVersion, ...json },
    });
  /** Sign the server's results at the tablet's time `at` (its clock sent with the push). */
  const sign = async (a: string, status: string, at: number, partial = false) => {
    ctx().clock.advance(60_000);
    const results: SigningResult[] = resultsOfDetail(await detail(a));
    return push(
      [
        signingMutation(a, results, at, partial),
        { entity: 'assessment', id: a, changes: { status } },
      ],
      at,
    );
  };
  /** The unit's first CSV row, read by column label. */
  const csvRow = async (code: string) => {
    const res = await ctx().app.request(`/api/reports/periods/${ctx().demo?.periodId}/levels.csv`, {
      headers: { authorization: `Bearer ${coordinator}` },
    });
    expect(res.status).toBe(200);
    const { rows } = parseCsv(await res.text());
    const row = rows.find((r) => r.cells[HEADER.indexOf('Kode unit')] === code);
    if (!row) throw new Error(`no CSV row for ${code}`);
    return (label: string) => row.cells[HEADER.indexOf(label)];
  };
  const dashboardRow = async (a: string) => {
    const r = await ctx().call(
      'GET',
      `/api/dashboard/${ctx().demo?.periodId}?limit=1000&assigned=true`,
      { token: coordinator },
    );
    expect(r.status).toBe(200);
    return r.body.units.find((u: { assessmentId: string | null }) => u.assessmentId === a);
  };

  it('marks a signing from a tablet clock in 2099 doubtful and refuses to approve it', async () => {
    const { a, code } = await freshAssessment();
    await push(levels(a, Object.fromEntries(ALL.map((no) => [no, 3]))));
    await sign(a, 'selesai', YEAR_2099);
    let d = await detail(a);
    expect(d.signing).toMatchObject({ state: 'signed', signedAt: YEAR_2099, timeDoubtful: true });

    const refused = await decide(a, { decision: 'approve' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('signing_time_doubtful');
    expect(refused.body.message).toContain('jam tablet diragukan');
    const en = await ctx().call('POST', `/api/assessments/${a}/review`, {
      token: coordinator,
      headers: { 'accept-language': 'en' },
      json: { decision: 'approve', expectedVersion: d.review.expectedVersion },
    });
    expect(en.status).toBe(409);
    expect(en.body.message).toContain('tablet clock doubtful');
    expect((await detail(a)).assessment.status).toBe('selesai');

    const row = await csvRow(code);
    expect(row('Tanda tangan')).toBe('sah; ⚠ jam tablet diragukan');

    // Returning stays possible; signed again with a right clock, it can be approved.
    const returned = await decide(a, { decision: 'return', comment: 'Betulkan jam tablet.' });
    expect(returned.status).toBe(200);
    await sign(a, 'diperbaiki', ctx().clock.now);
    d = await detail(a);
    expect(d.signing).toMatchObject({ state: 'signed', timeDoubtful: false });
    const approved = await decide(a, { decision: 'approve' });
    expect(approved.status, approved.text).toBe(200);
    expect((await csvRow(code))('Tanda tangan')).toBe('sah');
  });

  it('holds a re-signing only with signatures drawn over the changed results, never the voided ones', async () => {
    const { a } = await freshAssessment();
    await push(levels(a, Object.fromEntries(ALL.map((no) => [no, 3]))));
    const before = resultsOfDetail(await detail(a));
    const FIRST = SIGNATURE_PNG.replace('base64,', 'base64,AAAA');
    const drawnBefore = {
      signedOver: resultsDigestOf(before),
      verifierPng: FIRST,
      representativePng: FIRST,
    };
    ctx().clock.advance(60_000);
    await push([
      signingMutation(a, before, ctx().clock.now, false, drawnBefore),
      { entity: 'assessment', id: a, changes: { status: 'selesai' } },
    ]);
    expect((await detail(a)).signing.state).toBe('signed');

    // Indicator 1 changed after signing: void.
    await push(levels(a, { 1: 4 }));
    const after = resultsOfDetail(await detail(a));
    expect((await detail(a)).signing.state).toBe('void');

    // Signed again over the new results with the images (and bindings) of the voided version:
    // the digest matches, but neither signature was made for these figures.
    ctx().clock.advance(60_000);
    await push([signingMutation(a, after, ctx().clock.now, false, drawnBefore)]);
    let d = await detail(a);
    expect(d.signing.state).toBe('void');
    const refused = await decide(a, { decision: 'approve' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('not_signed');

    // Both persons sign again over the new results: the signing holds and can be approved.
    const SECOND = SIGNATURE_PNG.replace('base64,', 'base64,BBBB');
    ctx().clock.advance(60_000);
    await push([
      signingMutation(a, after, ctx().clock.now, false, {
        signedOver: resultsDigestOf(after),
        verifierPng: SECOND,
        representativePng: SECOND,
      }),
    ]);
    d = await detail(a);
    expect(d.signing.state).toBe('signed');
    expect((await decide(a, { decision: 'approve' })).status).toBe(200);
  });

  it('also doubts a clock running days behind, as measured at the push', async () => {
    const { a } = await freshAssessment();
    await push(levels(a, Object.fromEntries(ALL.map((no) => [no, 2]))));
    // (A 1970 clock is refused at the wire; a clock days behind is accepted, but doubted.)
    await sign(a, 'selesai', ctx().clock.now - 3 * 86_400_000);
    expect((await detail(a)).signing.timeDoubtful).toBe(true);
    expect((await decide(a, { decision: 'approve' })).body.code).toBe('signing_time_doubtful');
  });

  it('exports a partial or incomplete predikat as SEMENTARA and a void signing in Tahap', async () => {
    const { a, code } = await freshAssessment();
    await push(levels(a, { 1: 3 }));
    // Incomplete, not yet signed: its predikat is provisional already.
    let row = await csvRow(code);
    expect(row('Predikat verifikasi unit')).toMatch(/ \(SEMENTARA\)$/);
    expect(row('Tahap')).toBe('draf');

    await sign(a, 'selesai', ctx().clock.now, true);
    row = await csvRow(code);
    expect(row('Predikat verifikasi unit')).toMatch(/ \(SEMENTARA\)$/);
    expect([row('Tahap'), row('Tanda tangan'), row('Verifikasi sebagian')]).toEqual([
      'ditandatangani',
      'sah',
      'ya',
    ]);
    expect((await dashboardRow(a)).signing).toBe('signed');

    // A level changed after signing: the signing is void, and everything says so.
    await push(levels(a, { 1: 2 }));
    row = await csvRow(code);
    expect([row('Status'), row('Tahap'), row('Tanda tangan')]).toEqual([
      'terkirim',
      'ditandatangani (tanda tangan batal)',
      'batal: hasil berubah setelah ditandatangani',
    ]);
    expect(await dashboardRow(a)).toMatchObject({ status: 'terkirim', signing: 'void' });
  });

  it('shows only the comment of the latest decision after approve and reopen', async () => {
    const { a } = await freshAssessment();
    await push(levels(a, Object.fromEntries(ALL.map((no) => [no, 4]))));
    await sign(a, 'selesai', ctx().clock.now);
    ctx().clock.advance(60_000);
    expect((await decide(a, { decision: 'return', comment: 'Periksa lagi.' })).status).toBe(200);
    expect((await detail(a)).comments.map((c: { body: string }) => c.body)).toEqual([
      'Periksa lagi.',
    ]);
    await sign(a, 'diperbaiki', ctx().clock.now);
    // Waiting re-signed, the return's comment still applies.
    expect((await detail(a)).comments.map((c: { kind: string }) => c.kind)).toEqual(['return']);
    ctx().clock.advance(60_000);
    expect((await decide(a, { decision: 'approve' })).status).toBe(200);
    expect((await detail(a)).comments).toEqual([]);
    ctx().clock.advance(60_000);
    const d = await detail(a);
    const reopened = await ctx().call('POST', `/api/assessments/${a}/reopen`, {
      token: coordinator,
      json: { reason: 'Bukti baru dari unit.', expectedVersion: d.review.expectedVersion },
    });
    expect(reopened.status).toBe(200);
    expect(reopened.body.comments).toEqual([
      expect.objectContaining({ kind: 'reopen', body: 'Bukti baru dari unit.' }),
    ]);
  });
});

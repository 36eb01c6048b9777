import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationId } from '../../src/core';
import { editManifest, rewrite, signatureEntry } from '../helpers/bundles';
import { edit, type WireMutation } from '../helpers/raw-push';
import { CoordinatorApp, type SyncPage } from './page-models/coordinator-app';
import { api, coordinatorToken } from './support/api';
import { startAppServer } from './support/app-server';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled, launchBrowser } from './support/browser';

/**
 * The coordinator's side of field sync: every change the server refused is listed on the sync
 * page (unit, indicator, field, tablet, why, how it came), an export file's import says what
 * it applied and refused, a forged file's refusal is readable in the page's language, and the
 * verifier page tells active, revoked, released and rotated tablet identities apart.
 * Tablets are played through the API (raw pushes with the device token and protocol header),
 * so what the page must show is known independently of the page.
 */

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const COORDINATOR = 'koordinator@cilegon.demo';
const VERIFIER_1 = 'verifikator1@cilegon.demo';
const PASSWORD = 'telusur-demo';
/** The page's own new elements, whose contrast axe must be able to decide. */
const NEW_ELEMENTS = [
  '[data-testid="rejections"]',
  '[data-testid="bundle-result"]',
  '[data-testid="bundle-refused"]',
  '[data-testid="device-list"]',
];

interface Tablet {
  deviceId: string;
  token: string;
  bundleSecret: string;
}

interface Assignment {
  id: string;
  unitId: string;
  assessmentId: string;
}

interface PushAnswer {
  appliedThrough: number;
  results: { seq: number; outcome: string; rejection: { code: string } | null }[];
}

/** Enrol a tablet for a verifier the way the tablet does (one-time code, then /devices/enrol). */
async function enrol(
  base: string,
  coordinator: string,
  verifierId: string,
  label: string,
): Promise<Tablet> {
  const { code } = await api<{ code: string }>(base, `/api/verifiers/${verifierId}/enrolments`, {
    method: 'POST',
    token: coordinator,
    body: {},
  });
  const r = await api<{ token: string; device: { id: string }; bundleSecret: string }>(
    base,
    '/api/devices/enrol',
    { method: 'POST', body: { code, label } },
  );
  return { deviceId: r.device.id, token: r.token, bundleSecret: r.bundleSecret };
}

/** POST /api/sync/push as the tablet (device token, protocol header). */
function push(base: string, t: Tablet, mutations: WireMutation[]): Promise<PushAnswer> {
  return api<PushAnswer>(base, '/api/sync/push', {
    method: 'POST',
    token: t.token,
    body: { deviceId: t.deviceId, mutations },
  });
}

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * A tablet export file in the store's format (manifest, its SHA-256, the tablet's signature as
 * src/store/bundle-format.ts describes it), holding only unsent changes: what a tablet exports
 * after working offline. Signed with the tablet's own bundle secret unless `signed` is false.
 */
function exportFile(
  t: Tablet,
  assessmentId: string,
  outbox: WireMutation[],
  signed = true,
): Uint8Array {
  const manifest = strToU8(
    JSON.stringify({
      format: 'telusur-bundle',
      version: 1,
      exportedAt: Date.now(),
      schemaVersion: 3,
      deviceId: t.deviceId,
      assessmentId,
      records: {},
      conflicts: [],
      reference: null,
      outbox,
      files: [],
    }),
  );
  const entries: Record<string, Uint8Array> = {
    'manifest.json': manifest,
    'manifest.sha256': strToU8(`${sha256Hex(manifest)}\n`),
  };
  if (signed) entries['manifest.sig'] = signatureEntry(manifest, t.deviceId, t.bundleSecret);
  return zipSync(entries);
}

/**
 * axe on the whole page, scrolled to the top first: rows scrolled under the sticky header
 * would otherwise count as text whose background axe cannot decide.
 */
async function audit(page: Page): Promise<string[]> {
  await page.evaluate(() => window.scrollTo(0, 0));
  return accessibilityProblems(page, NEW_ELEMENTS);
}

describe.skipIf(!e2eEnabled)('coordinator sees what the server refused', () => {
  let server: Awaited<ReturnType<typeof startAppServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let coordinator: CoordinatorApp;
  let token: string;
  let v1: string;
  let unitNames: Map<string, string>;
  let assignments: Assignment[];
  let tablet: Tablet;
  let sync: SyncPage;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startAppServer();
    browser = await launchBrowser();
    token = await coordinatorToken(server.url);
    const { verifiers } = await api<{ verifiers: { id: string; email: string }[] }>(
      server.url,
      '/api/verifiers',
      { token },
    );
    v1 = verifiers.find((v) => v.email === VERIFIER_1)?.id as string;
    ({ assignments } = await api<{ assignments: Assignment[] }>(
      server.url,
      `/api/assignments?verifierId=${encodeURIComponent(v1)}`,
      { token },
    ));
    const { units } = await api<{ units: { id: string; name: string }[] }>(
      server.url,
      '/api/units',
      { token },
    );
    unitNames = new Map(units.map((u) => [u.id, u.name]));
    tablet = await enrol(server.url, token, v1, 'Tablet Audit');
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'id-ID' });
    coordinator = new CoordinatorApp(await context.newPage(), server.url);
    await coordinator.login(COORDINATOR, PASSWORD);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('lists every refused change with unit, indicator, field, tablet, reason and source; filters by unit', {
    timeout: 120_000,
  }, async () => {
    expect(assignments.length).toBeGreaterThanOrEqual(2);
    const [a, b] = assignments as [Assignment, Assignment];
    const [nameA, nameB] = [unitNames.get(a.unitId), unitNames.get(b.unitId)] as [string, string];

    // Nothing refused yet: the page says so in words.
    sync = await coordinator.openSync();
    expect(await sync.emptyState().textContent()).toContain(
      'Tidak ada perubahan yang ditolak server.',
    );

    // The tablet sends a note pasted with U+0000 (unit B) and a level (unit B): one refused,
    // one applied. Then the coordinator withdraws unit A and the tablet edits A anyway.
    const first = await push(server.url, tablet, [
      edit(tablet, 1, 'verification', verificationId(b.assessmentId, 3), {
        notes: 'Salinan dari PDF\u0000 SK Tim SPBE',
      }),
      edit(tablet, 2, 'verification', verificationId(b.assessmentId, 4), { verifiedLevel: 3 }),
    ]);
    expect(first.results.map((r) => `${r.seq}:${r.outcome}`)).toEqual(['1:rejected', '2:applied']);
    const withdrawn = await fetch(`${server.url}/api/assignments/${encodeURIComponent(a.id)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(withdrawn.ok).toBe(true);
    const second = await push(server.url, tablet, [
      edit(tablet, 3, 'verification', verificationId(a.assessmentId, 1), { verifiedLevel: 2 }),
    ]);
    expect(second.results.map((r) => r.rejection?.code)).toEqual(['not_assigned']);

    await sync.refreshRejections();
    const rows = await sync.rejections();
    // Newest first: the withdrawn unit's change, then the pasted NUL.
    expect(rows.map((r) => [r.code, r.unit])).toEqual([
      ['not_assigned', nameA],
      ['validation_failed', nameB],
    ]);
    const [notAssigned, nul] = rows as [(typeof rows)[0], (typeof rows)[0]];
    expect(notAssigned).toMatchObject({
      indicator: 'Indikator 1',
      source: 'push',
      sourceText: 'Sinkronisasi',
    });
    expect(notAssigned.reason).toContain(nameA);
    // Refused as a whole (the unit was withdrawn): the change itself is named, with its value.
    expect([notAssigned.field, notAssigned.value]).toEqual(['Level hasil verifikasi', '“level 2”']);
    expect(notAssigned.tablet).toContain('Tablet Audit');
    expect(notAssigned.tablet).toContain('Verifikator Satu');
    // The field in words, and the value as sent with the NUL made visible.
    expect(nul).toMatchObject({ indicator: 'Indikator 3', field: 'Catatan' });
    expect(nul.value).toContain('Salinan dari PDF[U+0000] SK Tim SPBE');
    expect(nul.reason).toMatch(/tidak valid/);

    // Filter by unit: only that unit's refusals, and the count says so.
    expect(await sync.unitOptions()).toEqual(
      expect.arrayContaining(['Semua unit (2)', `${nameA} (1)`, `${nameB} (1)`]),
    );
    await sync.filterUnit(nameB);
    expect((await sync.rejections()).map((r) => r.code)).toEqual(['validation_failed']);
    expect(await sync.countText()).toBe('1 dari 2 perubahan ditolak');
    await coordinator.page.screenshot({
      path: join(SHOTS, 'coordinator-rejections-filtered.png'),
      fullPage: true,
    });
    await sync.filterUnit('');
    expect(await sync.rejections()).toHaveLength(2);
    await coordinator.page.screenshot({
      path: join(SHOTS, 'coordinator-rejections.png'),
      fullPage: true,
    });
    expect(await audit(coordinator.page)).toEqual([]);

    // In English the list speaks English, the server's reason included.
    await coordinator.switchLanguage('English');
    const en = await sync.rejections();
    expect(en[0]?.reason).toContain(nameA);
    expect(en[0]?.sourceText).toBe('Sync');
    expect(en[1]?.field).toBe('Notes');
    expect(en[1]?.reason).toMatch(/not valid/);
    await coordinator.switchLanguage('Bahasa Indonesia');
  });

  it('an export file: applied, already-there and refused counts, its refusals listed and added to the audit', {
    timeout: 120_000,
  }, async () => {
    const b = assignments[1] as Assignment;
    const nameB = unitNames.get(b.unitId) as string;
    // The tablet's export holds seq 2 again (the server has it), a new note, and a pasted NUL.
    const outbox = [
      edit(tablet, 2, 'verification', verificationId(b.assessmentId, 4), { verifiedLevel: 3 }),
      edit(tablet, 4, 'verification', verificationId(b.assessmentId, 5), {
        notes: 'Dicek di lokakarya',
      }),
      edit(tablet, 5, 'verification', verificationId(b.assessmentId, 6), {
        naReason: 'Tidak\u0000 berlaku',
      }),
    ];
    const file = exportFile(tablet, b.assessmentId, outbox);
    const shown = await sync.importBundle({ name: 'tablet-audit.zip', buffer: Buffer.from(file) });
    if (!shown.ok) throw new Error(`refused: ${shown.text}`);
    expect(shown.counts).toEqual({ applied: 1, duplicates: 1, rejected: 1, conflicts: 0 });
    expect(shown.text).toContain(
      '1 perubahan dalam berkas ditolak server dan tidak disimpan; alasannya ada di daftar di bawah.',
    );
    expect(shown.rejections).toHaveLength(1);
    expect(shown.rejections[0]?.code).toBe('validation_failed');
    expect(shown.rejections[0]?.text).toContain(nameB);
    expect(shown.rejections[0]?.text).toContain('Alasan tidak berlaku');
    await coordinator.page.evaluate(() => window.scrollTo(0, 0));
    await coordinator.page.screenshot({
      path: join(SHOTS, 'coordinator-bundle-result.png'),
      fullPage: true,
    });
    expect(await audit(coordinator.page)).toEqual([]);

    // The stored list now holds the file's refusal too, marked as coming from an export file.
    await sync.rejectionsLoaded();
    const rows = await sync.rejections();
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      code: 'validation_failed',
      unit: nameB,
      indicator: 'Indikator 6',
      source: 'bundle',
      sourceText: 'Berkas ekspor',
    });

    // The same file again (a copy handed over twice): its refused change is still counted
    // and named as refused, not as already on the server.
    const again = await sync.importBundle({
      name: 'tablet-audit-salinan.zip',
      buffer: Buffer.from(file),
    });
    if (!again.ok) throw new Error(`refused: ${again.text}`);
    expect(again.counts).toEqual({ applied: 0, duplicates: 2, rejected: 1, conflicts: 0 });
    expect(again.rejections.map((r) => r.code)).toEqual(['validation_failed']);
  });

  it('a forged or unsigned export file is refused with the server’s sentence in the page’s language', {
    timeout: 120_000,
  }, async () => {
    const b = assignments[1] as Assignment;
    const genuine = exportFile(tablet, b.assessmentId, [
      edit(tablet, 6, 'verification', verificationId(b.assessmentId, 7), { verifiedLevel: 1 }),
    ]);
    // Someone edits the signed file's changes afterwards (the manifest hash recomputed, the
    // signature left as it was).
    const forged = rewrite(genuine, (entries) =>
      editManifest(entries, (m) => {
        m.outbox[0].changes.verifiedLevel = 5;
      }),
    );
    const refused = await sync.importBundle({ name: 'palsu.zip', buffer: Buffer.from(forged) });
    if (refused.ok) throw new Error('a forged file was imported');
    expect(refused.code).toBe('bundle_signature_invalid');
    expect(refused.title).toBe('Berkas palsu.zip tidak diimpor');
    expect(refused.message).toContain('Tanda tangan berkas ekspor tidak cocok dengan isinya');
    expect(refused.message).toContain('Tidak ada data yang disimpan');
    expect(refused.text).toContain('kode: bundle_signature_invalid');
    await coordinator.page.getByTestId('bundle-refused').scrollIntoViewIfNeeded();
    await coordinator.page.screenshot({ path: join(SHOTS, 'coordinator-bundle-forged.png') });
    expect(await audit(coordinator.page)).toEqual([]);

    // In English, the request says so (Accept-Language) and the server answers in English.
    await coordinator.switchLanguage('English');
    const unsigned = exportFile(tablet, b.assessmentId, [], false);
    const en = await sync.importBundle({
      name: 'old-app.zip',
      buffer: Buffer.from(unsigned),
    });
    if (en.ok) throw new Error('an unsigned file was imported');
    expect(en.code).toBe('bundle_unsigned');
    expect(en.title).toBe('File old-app.zip was not imported');
    expect(en.message).toContain('This export file carries no tablet signature');
    await coordinator.switchLanguage('Bahasa Indonesia');

    // Nothing of either file reached the server: still three refusals, no new value.
    await sync.refreshRejections();
    expect(await sync.rejections()).toHaveLength(3);
  });

  it('a refused status reads as a status in the page’s language, never the stored word', {
    timeout: 120_000,
  }, async () => {
    // The tablet, still unaware that unit A was withdrawn, marks it in progress.
    const a = assignments[0] as Assignment;
    const refused = await push(server.url, tablet, [
      edit(tablet, 6, 'assessment', a.assessmentId, { status: 'sedang' }),
    ]);
    expect(refused.results.map((r) => r.rejection?.code)).toEqual(['not_assigned']);
    await sync.refreshRejections();
    const [row] = await sync.rejections();
    expect(row).toMatchObject({ code: 'not_assigned', field: 'Status', value: '“sedang”' });

    await coordinator.switchLanguage('English');
    const [en] = await sync.rejections();
    expect(en).toMatchObject({ field: 'Status', value: '“in progress”' });
    const list = await coordinator.page.getByTestId('rejection-table').textContent();
    expect(list).not.toMatch(/\bsedang\b/);
    await coordinator.switchLanguage('Bahasa Indonesia');
  });

  it('the verifier page tells active, revoked, released and rotated identities apart and counts tablets', {
    timeout: 120_000,
  }, async () => {
    // The audit tablet's profile was cloned: it rotates to a new identity (the old one stays).
    const rotated = await api<{ deviceId: string; token: string }>(
      server.url,
      '/api/devices/rotate',
      { method: 'POST', token: tablet.token },
    );
    // A second tablet is handed on ("Lepas tablet"), a third revoked by the coordinator.
    const handed = await enrol(server.url, token, v1, 'Tablet Dilepas');
    await api(server.url, '/api/devices/release', { method: 'POST', token: handed.token });
    const lost = await enrol(server.url, token, v1, 'Tablet Hilang');
    await api(server.url, `/api/devices/${lost.deviceId}/revoke`, { method: 'POST', token });

    // What the server says, independently of the page: 2 active identities, 1 enrolled tablet.
    const { devices } = await api<{
      devices: { id: string; origin: string; revokedAt: number | null }[];
    }>(server.url, `/api/verifiers/${v1}/devices`, { token });
    expect(devices.filter((d) => d.revokedAt === null)).toHaveLength(2);
    const activeTablets = devices.filter((d) => d.origin === 'enrol' && d.revokedAt === null);
    expect(activeTablets.map((d) => d.id)).toEqual([tablet.deviceId]);

    const verifiers = await coordinator.openVerifiers();
    expect(await verifiers.tabletCount(VERIFIER_1)).toBe('1');
    // The name link is a 44 px tap target, and its name reads on one line with the row's
    // other cells (not lower than them).
    const layout = await verifiers.rowLayout(VERIFIER_1);
    expect(layout.linkHeight).toBeGreaterThanOrEqual(44);
    const [nameTop, ...cellTops] = layout.textTops as [number, ...number[]];
    for (const top of cellTops) expect(Math.abs(top - nameTop)).toBeLessThanOrEqual(2);
    await coordinator.page.screenshot({ path: join(SHOTS, 'coordinator-verifier-list.png') });
    const detail = await verifiers.open(VERIFIER_1);
    expect(await detail.counts()).toBe('1 tablet aktif · 2 identitas aktif');
    expect(await detail.identityState(tablet.deviceId)).toMatchObject({
      state: 'active',
      origin: 'enrol',
      status: 'Aktif',
      rotated: '',
    });
    const tail = tablet.deviceId.replaceAll('-', '').slice(-8);
    expect(await detail.identityState(rotated.deviceId)).toMatchObject({
      state: 'active',
      origin: 'rotate',
      status: 'Aktif',
      rotated: `identitas baru dari …${tail}`,
    });
    const released = await detail.identityState(handed.deviceId);
    expect(released.state).toBe('released');
    expect(released.status).toMatch(/^Dilepas dari tablet \d/);
    const revoked = await detail.identityState(lost.deviceId);
    expect(revoked.state).toBe('revoked');
    expect(revoked.status).toMatch(/^Dicabut koordinator \d/);
    // Only active identities can be revoked.
    expect(await detail.identity(handed.deviceId).getByTestId('device-revoke').count()).toBe(0);
    expect(await detail.identity(rotated.deviceId).getByTestId('device-revoke').count()).toBe(1);
    expect(await coordinator.page.getByTestId('identities-note').textContent()).toContain(
      'cabut semua identitasnya yang masih aktif',
    );
    await coordinator.page.screenshot({
      path: join(SHOTS, 'coordinator-tablet-identities.png'),
      fullPage: true,
    });
    expect(await audit(coordinator.page)).toEqual([]);
  });
});

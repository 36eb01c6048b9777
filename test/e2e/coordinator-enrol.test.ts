import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../src/core';
import {
  CoordinatorApp,
  TabletEnrolScreen,
  type VerifierDetailPage,
} from './page-models/coordinator-app';
import { startAppServer } from './support/app-server';
import { launchBrowser } from './support/browser';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const PASSWORD = 'telusur-demo';
const COORDINATOR = 'koordinator@cilegon.demo';
const VIEWER = 'pimpinan@cilegon.demo';
const VERIFIER_1 = 'verifikator1@cilegon.demo';
const VERIFIER_2 = 'verifikator2@cilegon.demo';
const TABLET_LABEL = 'Tablet Tim A';

/** The API as a script would call it (to know the expected answer independently of the UI). */
async function apiJson<T>(
  base: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...extra,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

async function apiLogin(base: string, email: string): Promise<string> {
  const r = await apiJson<{ token: string }>(base, 'POST', '/api/auth/login', null, {
    email,
    password: PASSWORD,
  });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status}`);
  return r.body.token;
}

async function verifierId(base: string, token: string, email: string): Promise<string> {
  const r = await apiJson<{ verifiers: { id: string; email: string }[] }>(
    base,
    'GET',
    '/api/verifiers',
    token,
  );
  const v = r.body.verifiers.find((x) => x.email === email);
  if (!v) throw new Error(`no verifier ${email}`);
  return v.id;
}

// Real Chromium (Debian's /usr/bin/chromium via playwright-core) against the real server on
// SQLite serving dist/: needs the browser and a fresh `npx vite build`, which test/run.mjs
// checks and does before setting TELUSUR_E2E=1. Skipped otherwise so `vitest run` stays
// usable on machines without Chromium.
describe.skipIf(process.env.TELUSUR_E2E !== '1')('coordinator pages: enrol a tablet', () => {
  let server: Awaited<ReturnType<typeof startAppServer>>;
  let browser: Browser;
  let coordinatorCtx: BrowserContext;
  let tabletCtx: BrowserContext;
  let coordinator: CoordinatorApp;
  let tablet: TabletEnrolScreen;
  let detail: VerifierDetailPage;
  let coordinatorToken: string;
  let v1: string;
  let enrolled = false;
  let assignedCount = 0;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startAppServer();
    browser = await launchBrowser();
    coordinatorCtx = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'id-ID',
    });
    tabletCtx = await browser.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'id-ID',
    });
    coordinator = new CoordinatorApp(await coordinatorCtx.newPage(), server.url);
    tablet = new TabletEnrolScreen(await tabletCtx.newPage(), server.url);
    coordinatorToken = await apiLogin(server.url, COORDINATOR);
    v1 = await verifierId(server.url, coordinatorToken, VERIFIER_1);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a coordinator signs in (server message on a wrong password) and creates a one-time code; a second browser enrols with it', async () => {
    const wrong = await coordinator.loginExpectingError(COORDINATOR, 'salah-sandi');
    expect(wrong).toContain('Email atau kata sandi salah.');

    await coordinator.login(COORDINATOR, PASSWORD);
    const verifiers = await coordinator.openVerifiers();
    expect(await verifiers.rows().count()).toBeGreaterThanOrEqual(2);
    expect(await verifiers.createForm().count()).toBe(1);
    detail = await verifiers.open(VERIFIER_1);

    const shown = await detail.enrolTablet();
    expect(shown.displayCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(shown.qrWidth).toBeGreaterThan(0);
    expect(shown.expiry).toMatch(/Berlaku sampai .+ \(\d+ menit lagi\)/);
    await coordinator.page.screenshot({ path: join(SHOTS, 'coordinator-enrolment.png') });
    expect(await coordinator.accessibilityViolations()).toEqual([]);

    // The tablet: a separate browser profile, as the verifier's device would be.
    await tablet.open();
    await tablet.enrol(shown.displayCode, TABLET_LABEL);
    enrolled = true;
    expect(new URL(tablet.page.url()).pathname).toBe('/');
  }, 120_000);

  it('after its first sync the tablet lists exactly the units assigned to its verifier', async () => {
    expect(enrolled).toBe(true);
    const assignments = await apiJson<{ assignments: { unitId: string }[] }>(
      server.url,
      'GET',
      `/api/assignments?verifierId=${encodeURIComponent(v1)}`,
      coordinatorToken,
    );
    const expected = assignments.body.assignments.length;
    assignedCount = expected;
    expect(expected).toBeGreaterThan(0);
    // The home list is filled by the sync engine (GET /api/my/assignments + /api/sync/pull).
    await tablet.waitForUnitCards(expected);
    expect(await tablet.unitCards().count()).toBe(expected);
    // …and they are the assigned units, by name.
    const units = await apiJson<{ units: { id: string; name: string }[] }>(
      server.url,
      'GET',
      '/api/units',
      coordinatorToken,
    );
    const names = assignments.body.assignments.map(
      (a) => units.body.units.find((u) => u.id === a.unitId)?.name,
    );
    expect((await tablet.unitNames()).sort()).toEqual(names.sort());
    await tablet.page.screenshot({ path: join(SHOTS, 'tablet-after-enrol.png') });
  }, 60_000);

  it('the coordinator sees the new tablet with its last-seen time and revokes it', async () => {
    expect(enrolled).toBe(true);
    // The page watches the device list while the code is on screen.
    await detail.waitForDevice(TABLET_LABEL);
    await expect
      .poll(
        async () => {
          await coordinator.page.getByTestId('devices-refresh').click();
          return detail.lastSeen(TABLET_LABEL);
        },
        { timeout: 20_000 },
      )
      .not.toBe('belum pernah');
    await detail.revoke(TABLET_LABEL);
    await coordinator.page.getByTestId('success').waitFor();

    const devices = await apiJson<{ devices: { label: string; revokedAt: number | null }[] }>(
      server.url,
      'GET',
      `/api/verifiers/${encodeURIComponent(v1)}/devices`,
      coordinatorToken,
    );
    const row = devices.body.devices.find((d) => d.label === TABLET_LABEL);
    expect(row?.revokedAt).toBeTypeOf('number');
    expect(await detail.revokeButtons().count()).toBe(0);
    expect(coordinator.cspViolations).toEqual([]);

    // The tablet learns it at its next sync, and keeps what it holds.
    const alert = await tablet.syncNow();
    expect(alert).toContain('Tablet ini telah dicabut oleh koordinator');
    await tablet.goHome();
    expect(await tablet.unitCards().count()).toBe(assignedCount);
  }, 60_000);

  it('a viewer sees the lists but no create, enrol or revoke actions; a verifier is sent to the tablet screens', async () => {
    // Give verifier 2 an active tablet so a revoke button would have somewhere to appear.
    const v2 = await verifierId(server.url, coordinatorToken, VERIFIER_2);
    const ticket = await apiJson<{ code: string }>(
      server.url,
      'POST',
      `/api/verifiers/${encodeURIComponent(v2)}/enrolments`,
      coordinatorToken,
    );
    const enrol = await apiJson<unknown>(
      server.url,
      'POST',
      '/api/devices/enrol',
      null,
      { code: ticket.body.code, label: 'Tablet Tim B' },
      { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
    );
    expect(enrol.status).toBe(201);

    const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page: Page = await ctx.newPage();
    const viewer = new CoordinatorApp(page, server.url);
    await viewer.login(VIEWER, PASSWORD);
    await page.getByTestId('read-only').waitFor();

    const verifiers = await viewer.openVerifiers();
    expect(await verifiers.rows().count()).toBeGreaterThanOrEqual(2);
    expect(await verifiers.createForm().count()).toBe(0);
    const detail2 = await verifiers.open(VERIFIER_2);
    await detail2.device('Tablet Tim B').waitFor();
    expect(await detail2.enrolButton().count()).toBe(0);
    expect(await detail2.revokeButtons().count()).toBe(0);

    expect(await (await viewer.openPeriods()).count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('period-create-form').count()).toBe(0);
    expect(await page.getByTestId('framework-import').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Ubah' }).count()).toBe(0);

    expect(await (await viewer.openUnits()).count()).toBeGreaterThan(50);
    expect(await page.getByTestId('unit-create-form').count()).toBe(0);
    expect(await page.getByTestId('unit-import').count()).toBe(0);

    expect(await (await viewer.openAssignments()).count()).toBeGreaterThan(0);
    expect(await page.getByTestId('assign-form').count()).toBe(0);
    expect(await page.getByTestId('assignment-remove').count()).toBe(0);
    await viewer.logout();

    // A verifier account signing in here is pointed to the tablet's enrol screen.
    await viewer.submitLogin(VERIFIER_2, PASSWORD);
    await page.getByTestId('verifier-not-here').waitFor();
    expect(await page.getByTestId('coordinator-account').count()).toBe(0);
    await ctx.close();
  }, 90_000);

  it('a coordinator sets up work: bad instrument and CSV files are reported in full and change nothing; a new verifier gets units', async () => {
    await coordinator.openPeriods();
    const frameworksBefore = await coordinator.page.getByTestId('framework-row').count();
    const badInstrument = await coordinator.importFramework({
      name: 'instrumen-rusak.json',
      buffer: Buffer.from(JSON.stringify({ id: 'rusak-1', name: '', groups: [{ weight: -1 }] })),
    });
    expect(badInstrument.ok).toBe(false);
    expect(badInstrument.message).toMatch(/^Berkas instrumen tidak valid \((\d+) masalah\)/);
    const count = Number(/\((\d+) masalah\)/.exec(badInstrument.message)?.[1]);
    expect(badInstrument.items).toHaveLength(count);
    expect(await coordinator.page.getByTestId('framework-row').count()).toBe(frameworksBefore);

    const units = await coordinator.openUnits();
    const unitsBefore = await units.count();
    const bad = await coordinator.importUnitsCsv(
      'code,name,kind,parent_code\n36.72.01.9001,Kelurahan Uji,kelurahan,36.72.01\n36.72.01.9002,,desa,\nX 3,Kelurahan X,kelurahan,TIDAK-ADA\n',
    );
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain('2 baris bermasalah');
    // Every bad row is listed with its line; the good line 2 is not saved either.
    expect([...new Set(bad.items.map((i) => i.split(':')[0]))]).toEqual(['3', '4']);
    expect(bad.items.join('\n')).toContain('nama wajib diisi');
    expect(await units.count()).toBe(unitsBefore);
    const good = await coordinator.importUnitsCsv(
      'code,name,kind,parent_code\n36.72.01.9001,Kelurahan Uji,kelurahan,36.72.01\n',
    );
    expect(good.message).toContain('1 baru');
    await expect.poll(() => units.count()).toBe(unitsBefore + 1);
    // A CSV saved by Excel on Windows (Windows-1252: é is 0xE9, the en dash 0x96) keeps its
    // names, never U+FFFD mojibake.
    const windows = await coordinator.importUnitsCsv(
      Buffer.from(
        'code,name,kind,parent_code\n36.72.01.9003,Kelurahan Caf\u00e9 \u0096 Timur,kelurahan,36.72.01\n',
        'latin1',
      ),
    );
    expect(windows.message).toContain('1 baru');
    const tree = await apiJson<{ units: { code: string; name: string }[] }>(
      server.url,
      'GET',
      '/api/units',
      coordinatorToken,
    );
    expect(JSON.stringify(tree.body)).toContain('Kelurahan Café – Timur');
    await expect.poll(() => units.count()).toBe(unitsBefore + 2);

    await coordinator.openVerifiers();
    await coordinator.createVerifier('Verifikator Tiga', 'verifikator3@cilegon.demo');
    await coordinator.nav('penugasan');
    const said = await coordinator.assignUnits('verifikator3@cilegon.demo', [
      '36.72.01.9001',
      '36.72.01.1001',
    ]);
    expect(said).toBe('2 penugasan baru dibuat.');
    const v3 = await verifierId(server.url, coordinatorToken, 'verifikator3@cilegon.demo');
    const assigned = await apiJson<{ assignments: unknown[] }>(
      server.url,
      'GET',
      `/api/assignments?verifierId=${encodeURIComponent(v3)}`,
      coordinatorToken,
    );
    expect(assigned.body.assignments).toHaveLength(2);
    expect(coordinator.cspViolations).toEqual([]);
  }, 90_000);

  it('coordinator pages say they need the internet when the device is offline', async () => {
    await coordinator.open('/koordinator/unit');
    await coordinator.page.getByTestId('unit-row').first().waitFor();
    await coordinatorCtx.setOffline(true);
    await coordinator.offlineNotice().waitFor();
    expect(await coordinator.offlineNotice().textContent()).toContain(
      'Halaman koordinator memerlukan koneksi internet',
    );
    await coordinatorCtx.setOffline(false);
    await coordinator.page.getByTestId('unit-row').first().waitFor();
  }, 60_000);
});

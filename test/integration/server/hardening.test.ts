import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { parseTrustProxy } from '../../../src/server/config';
import { forwardedClient } from '../../../src/server/http/guard';
import { contentDisposition, wellFormed } from '../../../src/server/http/respond';
import { decodeCsvBytes } from '../../../src/server/lib/csv';
import { DEMO_PASSWORD, kecamatanCode } from '../../../src/server/seed';
import { describeEachDialect } from '../../helpers/server-context';
import {
  enrol,
  freshVerifier,
  type HardApp,
  hardApp,
  photo,
  pushEvidence,
  sha,
  uploadWhole,
} from './hardening-kit';

/**
 * Hardening found by probing, each finding a test: deeply nested JSON, a lone surrogate in a file
 * name, login and enrolment limiters under bursts and floods, X-Forwarded-For and HSTS
 * behind proxies, CSV files in Windows-1252.
 */

const WINDOW = 15 * 60_000;
const V2 = 'verifikator2@cilegon.demo';
const login = (h: HardApp, email: string, password: string, client?: string) =>
  h.call('POST', '/api/auth/login', {
    json: { email, password },
    ...(client ? { headers: { 'x-forwarded-for': client } } : {}),
  });
const statuses = (rs: { status: number }[]) =>
  rs.reduce<Record<number, number>>((m, r) => {
    m[r.status] = (m[r.status] ?? 0) + 1;
    return m;
  }, {});

describeEachDialect('hardening: bodies, names, limiters, proxies, CSV', (ctx) => {
  const apps: HardApp[] = [];
  const make = (config: Parameters<typeof hardApp>[1] = {}) => {
    const h = hardApp(ctx(), config);
    apps.push(h);
    return h;
  };
  afterEach(() => {
    vi.restoreAllMocks();
    // Failed attempts stay in the shared table: let every test start in a fresh window.
    ctx().clock.advance(WINDOW + 1);
  });
  afterAll(() => {
    for (const h of apps) h.dispose();
  });

  it('answers 100 000 nested brackets with 400 json_too_deep on every JSON route, never a 5xx or a logged error', async () => {
    const h = make();
    const logged = vi.spyOn(console, 'error');
    const v = await freshVerifier(ctx(), h.services);
    const tablet = await enrol(h, ctx(), v.verifierId);
    const tokens = [await ctx().login('coordinator'), tablet.token, undefined];
    const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    // Routes that end the caller's token are left out: they read no body anyway.
    const consumesToken = new Set(['/api/auth/logout', '/api/devices/release']);
    const routes = h.app.routes
      .filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && r.path.startsWith('/api/'))
      .filter((r) => !consumesToken.has(r.path))
      .map((r) => ({ method: r.method, path: r.path.replace(/:[A-Za-z]+/g, 'x') }));
    expect(routes.length).toBeGreaterThan(15);
    const answers: Record<string, string> = {};
    for (const route of routes) {
      for (const token of tokens) {
        const r = await h.call(route.method, route.path, {
          token,
          body: deepArray,
          contentType: 'application/json',
        });
        if (r.status === 401 || r.status === 403) continue; // not this caller's route
        answers[`${route.method} ${route.path}`] = `${r.status} ${r.body?.code}`;
        break;
      }
    }
    // Every route that reads a JSON body says why, in both languages.
    for (const route of [
      'POST /api/auth/login',
      'POST /api/devices/enrol',
      'POST /api/units',
      'POST /api/units/import',
      'POST /api/periods',
      'POST /api/frameworks',
      'POST /api/assignments',
      'POST /api/verifiers',
    ]) {
      expect(answers[route], route).toBe('400 json_too_deep');
    }
    // The push judges NUL per mutation and reads its body itself; it too refuses at once.
    expect(answers['POST /api/sync/push']).toMatch(/^400 /);
    expect(Object.values(answers).filter((a) => a.startsWith('5'))).toEqual([]);
    const objects = await h.call('POST', '/api/units', {
      token: tokens[0],
      body: deepObject,
      contentType: 'application/json',
    });
    expect([objects.status, objects.body.code]).toEqual([400, 'json_too_deep']);
    const en = await h.call('POST', '/api/auth/login', {
      body: deepArray,
      contentType: 'application/json',
      lang: 'en',
    });
    expect(en.body).toEqual({
      code: 'json_too_deep',
      message: 'The JSON request body is nested too deeply (more than 64 levels).',
    });
    expect(logged).not.toHaveBeenCalled();
  });

  it('serves an evidence file whose stored name holds a lone surrogate, with a well-formed Content-Disposition', async () => {
    const h = make();
    const v = await freshVerifier(ctx(), h.services);
    const tablet = await enrol(h, ctx(), v.verifierId);
    const bytes = photo(3000);
    const { id } = await pushEvidence(h, tablet, {
      assessmentId: v.assessmentId,
      sha256: sha(bytes),
      name: 'foto-a.jpg',
      bytes: 3000,
    });
    await uploadWhole(h, tablet, bytes);
    // Stored before text was checked at the wire (an older server): the name ends in half of 😀.
    await ctx()
      .db.updateTable('recordFields')
      .set({ valueJson: '"foto-\\ud83d.jpg"' })
      .where('entity', '=', 'evidenceFile')
      .where('recordId', '=', id)
      .where('field', '=', 'name')
      .execute();
    for (const token of [await ctx().login('coordinator'), tablet.token]) {
      const r = await h.app.request(`/api/files/by-hash/${sha(bytes)}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-disposition')).toBe(
        `inline; filename="foto-_.jpg"; filename*=UTF-8''foto-%EF%BF%BD.jpg`,
      );
      expect(new Uint8Array(await r.arrayBuffer())).toEqual(bytes);
    }
  });

  it('counts a login attempt before checking the password: of 40 parallel wrong passwords only 5 are checked', async () => {
    const h = make({ trustProxy: 1 });
    let checks = 0;
    const real = h.services.auth.passwordCheck;
    h.services.auth.passwordCheck = (...args) => {
      checks++;
      return real(...args);
    };
    const client = '198.51.100.7';
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(h, V2, `salah-${i}`, client)),
    );
    expect(statuses(burst)).toEqual({ 401: 5, 429: 35 });
    expect(checks).toBe(5);
    const refused = burst.find((r) => r.status === 429);
    expect(refused?.body.code).toBe('too_many_attempts');
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    // Locked for this account from this client — the right password is not even checked …
    expect((await login(h, V2, DEMO_PASSWORD, client)).status).toBe(429);
    expect(checks).toBe(5);
    // … while the same account from another client, and another account here, still work.
    expect((await login(h, V2, DEMO_PASSWORD, '198.51.100.8')).status).toBe(200);
    expect((await login(h, 'koordinator@cilegon.demo', DEMO_PASSWORD, client)).status).toBe(200);
  });

  it('limits one client across accounts too: of 40 parallel wrong logins for 40 accounts only 30 are checked', async () => {
    // Enough password-check slots that none of the 40 is turned away as "busy".
    const h = make({ trustProxy: 1, passwordHashQueue: 100 });
    let checks = 0;
    const real = h.services.auth.passwordCheck;
    h.services.auth.passwordCheck = (...args) => {
      checks++;
      return real(...args);
    };
    const client = '198.51.100.20';
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(h, `siapa-${i}@uji.test`, 'x', client)),
    );
    expect(h.config.loginMaxFailuresPerClient).toBe(30);
    expect(statuses(burst)).toEqual({ 401: 30, 429: 10 });
    expect(checks).toBe(30);
    expect((await login(h, V2, DEMO_PASSWORD, client)).status).toBe(429);
    expect((await login(h, V2, DEMO_PASSWORD, '198.51.100.21')).status).toBe(200);
  });

  it('counts an enrolment attempt before checking the code: of 40 parallel wrong codes only 10 are checked', async () => {
    const h = make({ trustProxy: 1 });
    const enrolFrom = (code: string, client: string) =>
      h.call('POST', '/api/devices/enrol', {
        json: { code, label: 'Tablet' },
        headers: { 'x-forwarded-for': client },
      });
    const client = '198.51.100.40';
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => enrolFrom(`SALAH${String(i).padStart(3, '0')}`, client)),
    );
    // 400 enrolment_invalid = the code was looked up; 429 = refused before that.
    expect(statuses(burst)).toEqual({ 400: 10, 429: 30 });
    expect(burst.find((r) => r.status === 429)?.body.code).toBe('too_many_attempts');
    // A real code from this client waits for the window; from another client it works.
    const coordinator = await ctx().login('coordinator');
    const v = await freshVerifier(ctx(), h.services);
    const code = async () =>
      (await h.call('POST', `/api/verifiers/${v.verifierId}/enrolments`, { token: coordinator }))
        .body.code as string;
    expect((await enrolFrom(await code(), client)).status).toBe(429);
    // Successful enrolments are taken back: a room of 12 tablets behind one address enrols.
    for (let i = 0; i < 12; i++)
      expect((await enrolFrom(await code(), '198.51.100.41')).status).toBe(201);
  });

  it('answers 429 login_busy at once when every password-check slot and queue place is taken', async () => {
    const h = make({ trustProxy: 1, passwordHashConcurrency: 1, passwordHashQueue: 1 });
    const real = h.services.auth.passwordCheck;
    let checks = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    h.services.auth.passwordCheck = async (...args) => {
      checks++;
      if (checks === 1) await gate; // a slow check holds the only slot
      return real(...args);
    };
    const first = login(h, V2, 'salah', '198.51.100.30');
    while (checks === 0) await new Promise((r) => setImmediate(r));
    const queued = login(h, 'koordinator@cilegon.demo', DEMO_PASSWORD, '198.51.100.31');
    while (h.services.auth.hashSlots.load.waiting === 0) await new Promise((r) => setImmediate(r));
    // Slot and queue are full: the next login is refused without waiting or hashing.
    const busy = await login(h, 'pimpinan@cilegon.demo', DEMO_PASSWORD, '198.51.100.32');
    expect(busy.status).toBe(429);
    expect(busy.body.code).toBe('login_busy');
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(checks).toBe(1);
    open();
    expect((await first).status).toBe(401);
    expect((await queued).status).toBe(200);
    // The refused one cost nothing against its limits: it can sign in right away.
    expect((await login(h, 'pimpinan@cilegon.demo', DEMO_PASSWORD, '198.51.100.32')).status).toBe(
      200,
    );
    expect(checks).toBe(3);
  });

  it('takes the client address from the right of X-Forwarded-For, so a spoofed first entry gains no fresh limit', async () => {
    const one = make({ trustProxy: 1 });
    // The proxy appends the address it saw (203.0.113.50); the attacker varies the rest.
    const tries = [];
    for (let i = 0; i < 6; i++)
      tries.push(await login(one, V2, `salah-${i}`, `10.9.8.${i}, 203.0.113.50`));
    expect(tries.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 429]);
    // Two proxies: the entry second from the right is the client.
    const two = make({ trustProxy: 2 });
    for (let i = 0; i < 5; i++)
      expect(
        (await login(two, V2, `salah-${i}`, `6.6.6.${i}, 203.0.113.60, 10.0.0.2`)).status,
      ).toBe(401);
    expect((await login(two, V2, DEMO_PASSWORD, '1.1.1.1, 203.0.113.60, 10.0.0.2')).status).toBe(
      429,
    );
    expect((await login(two, V2, DEMO_PASSWORD, '203.0.113.61, 10.0.0.2')).status).toBe(200);
    // No trusted proxy: the header is ignored, whatever it says.
    const none = make();
    for (let i = 0; i < 5; i++)
      expect((await login(none, V2, `salah-${i}`, `203.0.113.${70 + i}`)).status).toBe(401);
    expect((await login(none, V2, DEMO_PASSWORD, '203.0.113.99')).status).toBe(429);
  });

  it("sends HSTS only when the trusted proxy's own X-Forwarded-Proto says https", async () => {
    const proxied = make({ trustProxy: 1 });
    const hsts = async (h: HardApp, proto: string) =>
      (await h.call('GET', '/api/health', { headers: { 'x-forwarded-proto': proto } })).headers.get(
        'strict-transport-security',
      );
    expect(await hsts(proxied, 'https')).toMatch(/max-age=\d+/);
    expect(await hsts(proxied, 'http, https')).toMatch(/max-age=\d+/);
    expect(await hsts(proxied, 'https, http')).toBeNull(); // the client's "https", the proxy's http
    expect(await hsts(make(), 'https')).toBeNull(); // nobody trusted: the client's word
  });

  it('imports a Windows-1252 CSV of units with its characters intact, and UTF-8 with a BOM alike', async () => {
    const h = make();
    const token = await ctx().login('coordinator');
    const kec = kecamatanCode(0);
    const ascii = (s: string) => Buffer.from(s, 'ascii');
    // "Kelurahan Cibeber – Café" as Excel's plain "CSV" saves it on Windows: – is 0x96, é 0xE9.
    const cp1252 = Buffer.concat([
      ascii(`code,name,kind,parent_code\r\nW1252.1,Kelurahan Cibeber `),
      Buffer.from([0x96]),
      ascii(' Caf'),
      Buffer.from([0xe9]),
      ascii(`,kelurahan,${kec}\r\n`),
    ]);
    const post = (body: Uint8Array, type = 'text/csv') =>
      h.app.request('/api/units/import', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body: new Uint8Array(body),
      });
    const r = await post(cp1252);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ created: 1, updated: 0, unchanged: 0 });
    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`code,name,kind,parent_code\nW1252.2,Kelurahan Ciréng – Baru,kelurahan,${kec}\n`),
    ]);
    expect((await post(bom, 'text/csv; charset=utf-8')).status).toBe(200);
    const units = (await h.call('GET', '/api/units', { token })).body.units as {
      code: string;
      name: string;
    }[];
    expect(units.find((u) => u.code === 'W1252.1')?.name).toBe('Kelurahan Cibeber – Café');
    expect(units.find((u) => u.code === 'W1252.2')?.name).toBe('Kelurahan Ciréng – Baru');
    expect(units.some((u) => u.name.includes('\ufffd') || u.name.includes('Ã'))).toBe(false);
  });

  it('refuses a CSV already decoded into U+FFFD mojibake, or bytes that are no known encoding, with a clear message', async () => {
    const h = make();
    const token = await ctx().login('coordinator');
    const before = await ctx().rowCounts();
    // What a browser's File.text() makes of the Windows-1252 file above.
    const mojibake = `code,name,kind,parent_code\nW1252.9,Kelurahan Cibeber \ufffd Caf\ufffd,kelurahan,${kecamatanCode(0)}\n`;
    const asText = await h.call('POST', '/api/units/import', {
      token,
      body: mojibake,
      contentType: 'text/csv; charset=utf-8',
    });
    expect(asText.status).toBe(422);
    expect(asText.body.code).toBe('csv_encoding');
    expect(asText.body.message).toContain('baris 2');
    expect(asText.body.message).toContain('CSV UTF-8');
    const asJson = await h.call('POST', '/api/units/import', {
      token,
      json: { csv: mojibake },
      lang: 'en',
    });
    expect(asJson.status).toBe(422);
    expect(asJson.body.message).toContain('line 2 holds the replacement character');
    const garbage = await h.app.request('/api/units/import', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: new Uint8Array([...Buffer.from('code,name,kind,parent_code\nX,'), 0x81, 0x8d]),
    });
    expect(garbage.status).toBe(422);
    expect((await garbage.json()).code).toBe('csv_encoding');
    expect(await ctx().rowCounts()).toEqual(before);
  });
});

describe('hardening helpers', () => {
  it('reads X-Forwarded-For from the right for the configured hops, never the client-supplied start', () => {
    expect(forwardedClient('6.6.6.6, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(forwardedClient('6.6.6.6, 203.0.113.7, 10.0.0.2', 2)).toBe('203.0.113.7');
    expect(forwardedClient('203.0.113.7', 2)).toBeNull(); // fewer entries than proxies
    expect(forwardedClient('203.0.113.7', 0)).toBeNull();
    expect(forwardedClient('1.2.3.4, not-an-ip', 1)).toBeNull();
    expect(forwardedClient('1.2.3.4, [2001:DB8::1]:443', 1)).toBe('2001:db8::1');
    expect(forwardedClient('203.0.113.7:5123', 1)).toBe('203.0.113.7');
  });

  it('parses TRUST_PROXY as a number of hops and refuses anything else', () => {
    expect([undefined, '', '0', 'false', '1', 'true', 'TRUE', '2'].map(parseTrustProxy)).toEqual([
      0, 0, 0, 0, 1, 1, 1, 2,
    ]);
    expect(() => parseTrustProxy('yes')).toThrow(/TRUST_PROXY/);
    expect(() => parseTrustProxy('-1')).toThrow(/TRUST_PROXY/);
  });

  it('builds a Content-Disposition for any name: lone surrogates and names cut inside a pair', () => {
    expect(wellFormed('a\ud800b\udc00c\ud83d\ude00')).toBe('a\ufffdb\ufffdc\ud83d\ude00');
    const long = `${'x'.repeat(199)}😀😀`; // the cut at 200 characters keeps whole characters
    expect(() => contentDisposition('inline', long)).not.toThrow();
    expect(contentDisposition('attachment', "it's (1).pdf")).toBe(
      `attachment; filename="it_s _1_.pdf"; filename*=UTF-8''it%27s%20%281%29.pdf`,
    );
  });

  it('decodes CSV bytes: strict UTF-8, else Windows-1252; refuses neither', () => {
    expect(decodeCsvBytes(new Uint8Array([0x4b, 0x96, 0xe9]))).toBe('K–é');
    expect(decodeCsvBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0xc3, 0xa9]))).toBe('é');
    expect(decodeCsvBytes(new Uint8Array([0xff, 0xfe, 0xe9, 0x00]))).toBe('é');
    expect(decodeCsvBytes(new Uint8Array([0xe9]), 'windows-1252')).toBe('é');
    expect(() => decodeCsvBytes(new Uint8Array([0x41, 0x81]))).toThrow(/neither/);
    expect(() => decodeCsvBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0xe9]))).toThrow(/UTF-8/);
  });
});

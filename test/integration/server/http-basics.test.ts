import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../src/core';
import { describeEachDialect } from '../../helpers/server-context';

const dist = mkdtempSync(join(tmpdir(), 'telusur-dist-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(
  join(dist, 'index.html'),
  '<!doctype html><title>Telusur</title><script type="module" src="/assets/index-AbCd1234.js"></script>',
);
writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
writeFileSync(join(dist, 'assets', 'index-AbCd1234.js'), 'console.log(1)');
writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');

describeEachDialect(
  'HTTP basics',
  (ctx) => {
    it('answers /api/health with db, version and protocol, uncached', async () => {
      const r = await ctx().call('GET', '/api/health');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        ok: true,
        db: 'ok',
        version: 'test',
        protocol: PROTOCOL_VERSION,
      });
      expect(r.headers.get('cache-control')).toBe('no-store');
    });

    it('answers health even for an app speaking another protocol (so it can learn to update)', async () => {
      const r = await ctx().call('GET', '/api/health', {
        headers: { 'x-telusur-protocol': '999' },
      });
      expect(r.status).toBe(200);
    });

    it('sets the security headers on API and page responses; HSTS only behind TLS, never on a client-sent header', async () => {
      for (const path of ['/api/health', '/', '/api/nope']) {
        const r = await ctx().call('GET', path, { headers: { accept: 'text/html' } });
        const csp = r.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toContain('unsafe-inline');
        expect(csp).not.toContain('unsafe-eval');
        expect(r.headers.get('x-content-type-options')).toBe('nosniff');
        expect(r.headers.get('referrer-policy')).toBe('no-referrer');
        expect(r.headers.get('strict-transport-security')).toBeNull();
      }
      // No trusted proxy is configured here, so X-Forwarded-Proto is only the client's word
      // (HSTS behind a trusted proxy: hardening.test.ts).
      const spoofed = await ctx().call('GET', '/api/health', {
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(spoofed.headers.get('strict-transport-security')).toBeNull();
    });

    it('answers an unknown API route with a 404 problem in Indonesian, or English on request', async () => {
      const id = await ctx().call('GET', '/api/does-not-exist');
      expect(id.status).toBe(404);
      expect(id.headers.get('content-type')).toContain('application/json');
      expect(id.body).toEqual({ code: 'route_not_found', message: 'Alamat API tidak dikenal.' });
      const en = await ctx().call('GET', '/api/does-not-exist', {
        lang: 'en-GB,en;q=0.9,id;q=0.5',
      });
      expect(en.body).toEqual({ code: 'route_not_found', message: 'Unknown API address.' });
      const idFirst = await ctx().call('GET', '/api/does-not-exist', {
        lang: 'id-ID,id;q=0.9,en;q=0.8',
      });
      expect(idFirst.body.message).toBe('Alamat API tidak dikenal.');
    });

    it('rejects malformed JSON with 400 and schema failures with 422 details, never a stack trace', async () => {
      const token = await ctx().login('coordinator');
      const bad = await ctx().call('POST', '/api/periods', {
        token,
        body: '{"name": "x",',
        contentType: 'application/json',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('bad_json');
      const invalid = await ctx().call('POST', '/api/periods', {
        token,
        json: { name: '', year: 'dua ribu', targetIndex: 9 },
      });
      expect(invalid.status).toBe(422);
      expect(invalid.body.code).toBe('validation_failed');
      const paths = invalid.body.details.issues.map((i: { path: string }) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['name', 'year', 'frameworkId', 'targetIndex']));
      expect(invalid.text).not.toMatch(/at .*\.ts:\d+/);
      const en = await ctx().call('POST', '/api/periods', {
        token,
        json: { year: 'x' },
        lang: 'en',
      });
      expect(en.body.message).toMatch(/not valid/);
      expect(en.body.details.issues[0].message).toMatch(/expected/i);
    });

    it('refuses NUL characters in ids and bodies with a 4xx, on both databases', async () => {
      const token = await ctx().login('coordinator');
      const path = await ctx().call('GET', '/api/units/%00', { token });
      expect(path.status).toBe(400);
      expect(path.body.code).toBe('bad_request');
      const body = await ctx().call('POST', '/api/verifiers', {
        token,
        json: { email: 'a\u0000@b.id', name: 'x' },
      });
      expect(body.status).toBe(422);
      expect(body.body.details.issues[0]).toMatchObject({ path: 'email', code: 'nul_character' });
    });

    it('refuses an oversized body with a 413 problem before reading it', async () => {
      const token = await ctx().login('coordinator');
      const huge = 'x'.repeat(5 * 1024 * 1024);
      const r = await ctx().call('POST', '/api/units/import', {
        token,
        body: huge,
        contentType: 'text/csv',
      });
      expect(r.status).toBe(413);
      expect(r.body.code).toBe('payload_too_large');
    });

    it('refuses an incompatible app with 426 protocol_mismatch telling the user to update', async () => {
      const token = await ctx().login('verifier1');
      const r = await ctx().call('GET', '/api/my/assignments', {
        token,
        headers: { 'x-telusur-protocol': '0' },
      });
      expect(r.status).toBe(426);
      expect(r.body.code).toBe('protocol_mismatch');
      expect(r.body.message).toMatch(/Perbarui aplikasi/);
      const missing = await ctx().call('GET', '/api/my/assignments', {
        token,
        noProtocol: true,
        lang: 'en',
      });
      expect(missing.status).toBe(426);
      expect(missing.body.message).toMatch(/Update the app/);
      // Coordinator pages in a browser need not send it, but a wrong one is refused everywhere.
      const coord = await ctx().login('coordinator');
      expect(
        (await ctx().call('GET', '/api/periods', { token: coord, noProtocol: true })).status,
      ).toBe(200);
      expect(
        (
          await ctx().call('GET', '/api/periods', {
            token: coord,
            headers: { 'x-telusur-protocol': 'abc' },
          })
        ).status,
      ).toBe(426);
    });
  },
  { config: { staticDir: dist } },
);

describeEachDialect(
  'serving the built PWA',
  (ctx) => {
    it('serves index.html and sw.js uncached, hashed assets immutable', async () => {
      const index = await ctx().call('GET', '/', { headers: { accept: 'text/html' } });
      expect(index.status).toBe(200);
      expect(index.text).toContain('<title>Telusur</title>');
      expect(index.headers.get('cache-control')).toBe('no-cache');
      const sw = await ctx().call('GET', '/sw.js');
      expect(sw.status).toBe(200);
      expect(sw.headers.get('cache-control')).toBe('no-cache');
      expect(sw.headers.get('content-type')).toContain('javascript');
      const asset = await ctx().call('GET', '/assets/index-AbCd1234.js');
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const icon = await ctx().call('GET', '/favicon.svg');
      expect(icon.headers.get('cache-control')).toBe('no-cache');
    });

    it('falls back to index.html for app routes, but not for /api or missing files', async () => {
      const nav = await ctx().call('GET', '/unit/0190a6f2/indikator/3', {
        headers: { accept: 'text/html' },
      });
      expect(nav.status).toBe(200);
      expect(nav.text).toContain('<title>Telusur</title>');
      expect(nav.headers.get('cache-control')).toBe('no-cache');
      const api = await ctx().call('GET', '/api/unknown', { headers: { accept: 'text/html' } });
      expect(api.status).toBe(404);
      expect(api.body.code).toBe('route_not_found');
      const missing = await ctx().call('GET', '/assets/gone-12345678.js');
      expect(missing.status).toBe(404);
      const traversal = await ctx().call('GET', '/..%2f..%2fetc/passwd');
      expect(traversal.text).not.toContain('root:');
    });
  },
  { seed: false, config: { staticDir: dist } },
);

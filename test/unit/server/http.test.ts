import { describe, expect, it } from 'vitest';
import { findNul } from '../../../src/server/http/body';
import { CSP, cameOverTls } from '../../../src/server/http/security';
import { cacheControlFor } from '../../../src/server/http/static';

describe('cache policy of the built PWA', () => {
  it.each([
    ['/', 'no-cache'],
    ['/index.html', 'no-cache'],
    ['/sw.js', 'no-cache'],
    ['/manifest.webmanifest', 'no-cache'],
    ['/assets/index-DR4Vq5rt.js', 'public, max-age=31536000, immutable'],
    ['/workbox-d8ed3718.js', 'public, max-age=31536000, immutable'],
    ['/icons/icon-192.png', 'no-cache'],
  ])('%s → %s', (path, value) => {
    expect(cacheControlFor(path)).toBe(value);
  });
});

describe('security helpers', () => {
  it("detects TLS from the URL, or from a trusted proxy's own (last) X-Forwarded-Proto only", () => {
    expect(cameOverTls('https://x/', undefined)).toBe(true);
    expect(cameOverTls('https://x/', 'http', 1)).toBe(true); // TLS ends here: the socket is TLS
    expect(cameOverTls('http://x/', undefined, 1)).toBe(false);
    // Without a trusted proxy the header is the client's word: ignored.
    expect(cameOverTls('http://x/', 'https')).toBe(false);
    // Behind one proxy: its value is the last one; a client-sent `https` before it is ignored.
    expect(cameOverTls('http://x/', 'https', 1)).toBe(true);
    expect(cameOverTls('http://x/', 'https, http', 1)).toBe(false);
    expect(cameOverTls('http://x/', 'http, https', 1)).toBe(true);
  });

  it('has no inline-script escape hatch in the CSP', () => {
    expect(CSP).not.toMatch(/unsafe-(inline|eval)/);
    expect(CSP).toContain("object-src 'none'");
  });

  it('finds NUL characters anywhere in a JSON value', () => {
    expect(findNul({ a: [1, { b: 'x\u0000' }] })).toBe('a.1.b');
    expect(findNul({ 'k\u0000': 1 })).toBe('k\u0000');
    expect(findNul({ a: 'fine', b: [null, true, 3] })).toBeNull();
  });
});

import { afterAll, expect, it } from 'vitest';
import { EVIDENCE_LIMITS } from '../../../src/core';
import { DEFAULT_CONFIG } from '../../../src/server/config';
import { describeEachDialect } from '../../helpers/server-context';
import { b64, enrol, freshVerifier, type HardApp, hardApp, tus } from './hardening-kit';

/**
 * Each kind of evidence file has its own limit, from core's one table that the tablet's
 * picker reads too: the server refuses a PDF above the PDF limit (not only above the
 * largest of all kinds), names that limit in the tablet's language, and still accepts a
 * photo of the same size.
 */

const MIB = 1024 * 1024;

describeEachDialect('evidence limits per kind of file', (ctx) => {
  const apps: HardApp[] = [];
  afterAll(() => {
    for (const h of apps) h.dispose();
  });

  it('refuses a PDF over its own limit with the limit in words; a photo of that size may start', async () => {
    const h = hardApp(ctx(), { files: { ...DEFAULT_CONFIG.files } });
    apps.push(h);
    const v = await freshVerifier(ctx(), h.services);
    const t = await enrol(h, ctx(), v.verifierId);
    const send = tus(h, t.token);
    const size = EVIDENCE_LIMITS.pdf.storedBytes + MIB;
    const start = (filetype: string, lang: string) =>
      send('POST', '/api/files/', {
        'Upload-Length': String(size),
        'Upload-Metadata': `sha256 ${b64('c'.repeat(64))},filetype ${b64(filetype)}`,
        'Accept-Language': lang,
      });

    const pdf = await start('application/pdf', 'id');
    expect(pdf.status).toBe(413);
    const problem = await pdf.json();
    expect(problem.code).toBe('evidence_too_large');
    expect(problem.message).toBe('Berkas PDF terlalu besar (maks. 20 MB).');
    const english = await (await start('application/pdf', 'en')).json();
    expect(english.message).toBe('The PDF file is too large (at most 20 MB).');

    expect((await start('image/jpeg', 'id')).status).toBe(201);
  });
});

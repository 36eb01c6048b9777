import { describe, expect, it } from 'vitest';
import { PROBLEMS, Problem, preferredLang, problemBody } from '../../../src/server/problems';

describe('problem catalogue', () => {
  it('gives every problem an error status and a message in Indonesian and English', () => {
    for (const [code, entry] of Object.entries(PROBLEMS)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      const p = new Problem(code as keyof typeof PROBLEMS, {
        limit: '4 KiB',
        minutes: 3,
        client: '0',
        server: 1,
        id: 'x',
        count: 2,
        code: 'K',
        reason: 'r',
        reasonEn: 'r',
        expected: 'a,b',
        kind: 'PDF',
        kindEn: 'PDF',
      });
      const id = problemBody(p, 'id');
      const en = problemBody(p, 'en');
      expect(id.code).toBe(code);
      expect(id.message.length).toBeGreaterThan(5);
      expect(en.message.length).toBeGreaterThan(5);
      expect(id.message, code).not.toBe(en.message);
      expect(id.message).not.toContain('undefined');
    }
  });

  it('resolves language-dependent details', () => {
    const p = new Problem('validation_failed', {}, (lang: 'id' | 'en') => ({ lang }));
    expect(problemBody(p, 'en').details).toEqual({ lang: 'en' });
    expect(problemBody(new Problem('not_found'), 'id')).toEqual({
      code: 'not_found',
      message: 'Data tidak ditemukan.',
    });
  });
});

describe('preferredLang', () => {
  it.each([
    [undefined, 'id'],
    ['', 'id'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7', 'id'],
    ['en;q=0.5,id;q=0.9', 'id'],
    ['fr-FR,en;q=0.3', 'en'],
    ['fr-FR,de', 'id'],
    ['en;q=0', 'id'],
    ['*', 'id'],
  ])('%s → %s', (header, lang) => {
    expect(preferredLang(header)).toBe(lang);
  });
});

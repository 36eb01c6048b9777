import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { mutationProblems, parseProves, provesRef } from '../../../../src/core';
import { ValidationError } from '../../../../src/store';
import { ASSESSMENT, acceptThrough, freshStore, photo } from '../../store/helpers';

/**
 * A photo linked to the expected document it proves keeps that link through the tablet
 * store: saved with the photo or set afterwards, sent to the server as a change, taken
 * from the server when another tablet changed it, and refused when malformed.
 */
describe('the document a photo proves', () => {
  it('is kept with the photo, changed afterwards and sent as a change', async () => {
    const s = await freshStore();
    const file = await s.evidence.add({
      assessmentId: ASSESSMENT,
      indicatorNo: 5,
      blob: photo(1),
      name: 'sk-tim.jpg',
      width: 1600,
      height: 1200,
      capturedAt: Date.UTC(2026, 10, 28, 2, 14, 5),
      capturedAtSource: 'camera',
      location: null,
      proves: provesRef(2, 1),
    });
    expect(file).toMatchObject({ proves: '2.1', capturedAtSource: 'camera' });
    expect(parseProves(file.proves)).toEqual({ level: 2, index: 1 });

    // The creation carries the link and the time source.
    const [created] = await s.outbox.peek(5);
    expect(created?.changes).toMatchObject({ proves: '2.1', capturedAtSource: 'camera' });
    expect(mutationProblems(created as never)).toEqual([]);

    // Linked to another document afterwards, then to none: each a change of its own.
    await s.evidence.link(file.id, provesRef(3, 0));
    expect((await s.evidence.get(file.id))?.proves).toBe('3.0');
    await s.evidence.link(file.id, null);
    expect((await s.evidence.get(file.id))?.proves).toBeNull();
    const sent = await s.outbox.peek(5);
    expect(sent.map((m) => m.changes)).toEqual([
      expect.objectContaining({ proves: '2.1' }),
      { proves: '3.0' },
      { proves: null },
    ]);
    s.close();
  });

  it('takes the link another tablet made from the server', async () => {
    const s = await freshStore();
    const file = await s.evidence.add({
      assessmentId: ASSESSMENT,
      indicatorNo: 5,
      blob: photo(2),
      name: 'notulen.jpg',
      width: 10,
      height: 10,
      location: null,
    });
    // A photo added without a link proves nothing; an older photo's time source is unknown.
    expect(file).toMatchObject({ proves: null, capturedAtSource: null });
    await acceptThrough(s, 1);
    await s.applyRemote('evidenceFile', file.id, { proves: '1.2' }, { proves: 7 });
    expect((await s.evidence.listByIndicator(ASSESSMENT, 5))[0]?.proves).toBe('1.2');
    s.close();
  });

  it('refuses a value that names no level and item, and keeps the link it had', async () => {
    const s = await freshStore();
    const file = await s.evidence.add({
      assessmentId: ASSESSMENT,
      indicatorNo: 5,
      blob: photo(3),
      name: 'renstra.jpg',
      width: 10,
      height: 10,
      location: null,
      proves: '1.0',
    });
    for (const bad of ['6.0', '2', 'level 2', '2.1.1'])
      await expect(s.evidence.link(file.id, bad)).rejects.toBeInstanceOf(ValidationError);
    expect((await s.evidence.get(file.id))?.proves).toBe('1.0');
    s.close();
  });
});

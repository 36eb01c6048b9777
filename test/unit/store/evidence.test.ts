import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type TelusurStore, ValidationError } from '../../../src/store';
import { ASSESSMENT, acceptThrough, freshName, manualClock, open, photo } from './helpers';

async function hashOf(blob: Blob): Promise<string> {
  return createHash('sha256')
    .update(new Uint8Array(await blob.arrayBuffer()))
    .digest('hex');
}

function add(
  s: TelusurStore,
  blob: Blob,
  indicatorNo = 5,
  extra: Partial<Parameters<TelusurStore['evidence']['add']>[0]> = {},
) {
  return s.evidence.add({
    assessmentId: ASSESSMENT,
    indicatorNo,
    blob,
    name: 'sk-tim-spbe.jpg',
    width: 1600,
    height: 1200,
    location: { lat: -6.0174, lng: 106.0538 },
    ...extra,
  });
}

describe.each(['blob', 'arraybuffer'] as const)(
  'a photo of a document (%s storage)',
  (blobMode) => {
    it('is stored with its SHA-256, metadata and an outbox entry, and shown again byte for byte', async () => {
      const clock = manualClock();
      const s = await open(freshName(), { blobMode, now: clock.now });
      expect(s.blobMode).toBe(blobMode);
      const image = photo(1);
      const file = await add(s, image, 5, { capturedAt: 1_700_000_000_000 });
      expect(file).toMatchObject({
        assessmentId: ASSESSMENT,
        indicatorNo: 5,
        sha256: await hashOf(image),
        mime: 'image/jpeg',
        bytes: image.size,
        capturedAt: 1_700_000_000_000,
        deleted: false,
      });
      const back = await s.blobs.get(file.sha256);
      expect(back?.type).toBe('image/jpeg');
      expect(new Uint8Array((await back?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(
        new Uint8Array(await image.arrayBuffer()),
      );
      const [m] = await s.outbox.peek(5);
      expect(m).toMatchObject({
        entity: 'evidenceFile',
        id: file.id,
        changes: { sha256: file.sha256, deleted: false },
      });
      expect((await s.evidence.listByIndicator(ASSESSMENT, 5)).map((f) => f.id)).toEqual([file.id]);
      s.close();
    });
  },
);

describe('evidence files', () => {
  it('the same photo attached twice (or to two indicators) is stored once', async () => {
    const s = await open(freshName());
    const a = await add(s, photo(7), 5);
    const b = await add(s, photo(7), 5);
    const c = await add(s, photo(7), 6);
    expect(new Set([a.sha256, b.sha256, c.sha256]).size).toBe(1);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    const health = await s.health();
    expect(health.unsyncedFiles).toBe(1);
    expect(health.unsyncedBytes).toBe(photo(7).size);
    expect((await s.blobs.listPendingUpload()).map((p) => p.sha256)).toEqual([a.sha256]);
    s.close();
  });

  it('a file type the server will not accept, an empty file or a bad location is refused and nothing is stored', async () => {
    const s = await open(freshName());
    await expect(add(s, photo(1, 100, 'image/gif'))).rejects.toBeInstanceOf(ValidationError);
    await expect(add(s, new Blob([], { type: 'image/jpeg' }))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(add(s, photo(2), 5, { location: { lat: 200, lng: 0 } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await s.evidence.listByAssessment(ASSESSMENT, { includeDeleted: true })).toEqual([]);
    expect((await s.health()).unsyncedFiles).toBe(0);
    expect(await s.outbox.count()).toBe(0);
    s.close();
  });

  it('removing a photo hides it, sends a deletion and frees its bytes unless another photo shows the same file', async () => {
    const s = await open(freshName());
    const f = await add(s, photo(3));
    const twin = await add(s, photo(3), 6);
    await s.evidence.remove(twin.id);
    // The same file still shows on indicator 5: its bytes stay, and still wait for upload.
    expect(await s.blobs.has(f.sha256)).toBe(true);
    expect((await s.blobs.listPendingUpload()).map((p) => p.sha256)).toEqual([f.sha256]);
    await s.evidence.remove(f.id);
    expect(await s.evidence.listByIndicator(ASSESSMENT, 5)).toEqual([]);
    expect(
      (await s.evidence.listByIndicator(ASSESSMENT, 5, { includeDeleted: true }))[0]?.deleted,
    ).toBe(true);
    // Nothing waits to be uploaded for a photo that no longer exists.
    expect(await s.blobs.has(f.sha256)).toBe(false);
    expect(await s.blobs.listPendingUpload()).toEqual([]);
    expect((await s.health()).unsyncedFiles).toBe(0);
    const sent = await s.outbox.peek(10);
    expect(sent.map((m) => m.changes)).toContainEqual({ deleted: true });
    expect((await s.evidence.get(f.id))?.deleted).toBe(true);
    s.close();
  });
});

describe('purge after sync', () => {
  it('removes only bytes the server receipt lists AND whose metadata the server accepted', async () => {
    const s = await open(freshName());
    const sent = await add(s, photo(10), 1);
    const acked = await s.outbox.lastSeq();
    const unsentMeta = await add(s, photo(11), 2);
    const notInReceipt = await add(s, photo(12), 3);
    await acceptThrough(s, acked);

    const result = await s.evidence.purgeConfirmed([
      sent.sha256,
      unsentMeta.sha256,
      'f'.repeat(64),
    ]);
    expect(result.purged).toEqual([sent.sha256]);
    expect(result.kept).toEqual([
      { sha256: unsentMeta.sha256, reason: 'metadata-unsent' },
      { sha256: 'f'.repeat(64), reason: 'not-stored' },
    ]);
    expect(await s.blobs.get(sent.sha256)).toBeNull();
    expect(await s.blobs.has(unsentMeta.sha256)).toBe(true);
    expect(await s.blobs.has(notInReceipt.sha256)).toBe(true);
    // The metadata row stays: the photo is still listed (bytes now live on the server).
    expect((await s.evidence.get(sent.id))?.sha256).toBe(sent.sha256);
    s.close();
  });

  it('keeps a photo shared with a record whose change is still unsent', async () => {
    const s = await open(freshName());
    const first = await add(s, photo(20), 1);
    await acceptThrough(s, await s.outbox.lastSeq());
    await add(s, photo(20), 9);
    const result = await s.evidence.purgeConfirmed([first.sha256]);
    expect(result.purged).toEqual([]);
    expect(await s.blobs.has(first.sha256)).toBe(true);
    s.close();
  });

  it('uploaded files no longer count as unsynced', async () => {
    const s = await open(freshName());
    const f = await add(s, photo(30));
    await add(s, photo(31, 4096));
    await s.blobs.markUploaded(f.sha256);
    const h = await s.health();
    expect(h.unsyncedFiles).toBe(1);
    expect(h.unsyncedBytes).toBe(4096);
    s.close();
  });
});

describe('a browser that cannot keep Blobs in IndexedDB (older iPadOS)', () => {
  it('is detected at startup and photos are kept as bytes, invisibly to the app', async () => {
    const original = globalThis.structuredClone;
    globalThis.structuredClone = ((value: unknown, options?: StructuredSerializeOptions) => {
      if (
        value &&
        typeof value === 'object' &&
        Object.values(value).some((v) => v instanceof Blob)
      ) {
        throw new DOMException('Blob not supported', 'DataCloneError');
      }
      return original(value, options);
    }) as typeof structuredClone;
    let s: TelusurStore;
    try {
      s = await open(freshName());
    } finally {
      globalThis.structuredClone = original;
    }
    expect(s.blobMode).toBe('arraybuffer');
    const f = await add(s, photo(40));
    const back = await s.blobs.get(f.sha256);
    expect(back).toBeInstanceOf(Blob);
    expect(await hashOf(back as Blob)).toBe(f.sha256);
    s.close();
  });
});

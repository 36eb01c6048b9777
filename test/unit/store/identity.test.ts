import 'fake-indexeddb/auto';
import { createHash, createHmac } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { bundleSigningInput, verificationId } from '../../../src/core';
import {
  BUNDLE_SIGNATURE_ENTRY,
  type TelusurStore,
  UnsentDataError,
  ValidationError,
} from '../../../src/store';
import {
  ASSESSMENT,
  acceptThrough,
  addPhoto,
  freshName,
  manualClock,
  memoryWitness,
  open,
} from './helpers';

const SECRET = '0f'.repeat(16) + 'a1'.repeat(16);
const NEW_DEVICE = '0190a6f2-5c3e-7b1a-8f00-00000000beef';

async function startUnit(s: TelusurStore): Promise<void> {
  await s.assessments.create({
    id: ASSESSMENT,
    periodId: 'p2023',
    unitId: 'kec-cibeber',
    frameworkId: 'spbe-2020',
  });
}

describe('taking a new device identity', () => {
  it('rewrites every unsent change under the new identity as 1..n, in order, content unchanged', async () => {
    const witness = memoryWitness();
    const name = freshName();
    const s = await open(name, { witness });
    const old = s.deviceId;
    for (let no = 1; no <= 5; no++)
      await s.verifications.update(ASSESSMENT, no, { notes: `catatan ${no}` });
    await acceptThrough(s, 2);
    const before = await s.outbox.peek(100);

    expect(await s.adoptIdentity(NEW_DEVICE)).toEqual({ renumbered: 3 });
    expect(s.deviceId).toBe(NEW_DEVICE);
    const after = await s.outbox.peek(100);
    expect(after.map((m) => [m.deviceId, m.seq])).toEqual([
      [NEW_DEVICE, 1],
      [NEW_DEVICE, 2],
      [NEW_DEVICE, 3],
    ]);
    expect(after.map(({ deviceId: _, seq: __, ...rest }) => rest)).toEqual(
      before.map(({ deviceId: _, seq: __, ...rest }) => rest),
    );
    expect(await s.outbox.lastSeq()).toBe(3);
    expect(await s.outbox.countByAssessment(ASSESSMENT)).toBe(3);

    await s.verifications.update(ASSESSMENT, 9, { notes: 'sesudah' });
    expect((await s.outbox.peek(100)).at(-1)).toMatchObject({ deviceId: NEW_DEVICE, seq: 4 });
    expect((await s.outbox.peek(100)).at(-1)?.hlc.endsWith(NEW_DEVICE)).toBe(true);
    expect(witness.value).toBe(NEW_DEVICE);
    s.close();

    // Reopened, the tablet keeps the new identity and is not mistaken for an evicted one,
    // even when the witness still names the old identity (tab closed right after the commit).
    witness.value = old;
    const again = await open(name, { witness });
    expect(again.deviceId).toBe(NEW_DEVICE);
    expect((await again.health()).evicted).toBe(false);
    again.close();
  });

  it('keeps refused changes under their old id and changes nothing when the identity is the same', async () => {
    const s = await open(freshName());
    const old = s.deviceId;
    await s.verifications.update(ASSESSMENT, 1, { notes: 'ditolak' });
    await s.verifications.update(ASSESSMENT, 2, { notes: 'tertunda' });
    await s.outbox.settle({
      appliedThrough: 1,
      results: [
        {
          seq: 1,
          outcome: 'rejected',
          duplicate: false,
          fields: {},
          rejection: null,
        },
      ],
    });
    await s.adoptIdentity(NEW_DEVICE);
    expect((await s.rejected.list()).map((r) => r.id)).toEqual([`${old}:1`]);
    expect(await s.adoptIdentity(NEW_DEVICE)).toEqual({ renumbered: 0 });
    expect((await s.outbox.peek(10)).map((m) => m.seq)).toEqual([1]);
    // Sending the refused change again goes out under the new identity.
    const queued = await s.rejected.retry(`${old}:1`);
    expect(queued).toMatchObject({ deviceId: NEW_DEVICE, seq: 2 });
    await expect(s.adoptIdentity('')).rejects.toBeInstanceOf(ValidationError);
    s.close();
  });

  it('another open tab writes under the new identity without reloading', async () => {
    const name = freshName();
    const tabA = await open(name);
    const tabB = await open(name);
    await tabA.verifications.update(ASSESSMENT, 1, { notes: 'A' });
    await tabA.adoptIdentity(NEW_DEVICE);
    await tabB.verifications.update(ASSESSMENT, 2, { notes: 'B' });
    expect((await tabA.outbox.peek(10)).map((m) => [m.deviceId, m.seq])).toEqual([
      [NEW_DEVICE, 1],
      [NEW_DEVICE, 2],
    ]);
    expect(tabB.deviceId).toBe(NEW_DEVICE);
    tabA.close();
    tabB.close();
  });

  it('a tab that only reads the outbox (sync) learns the new identity with the batch', async () => {
    const name = freshName();
    const tabA = await open(name);
    const syncTab = await open(name);
    await tabA.verifications.update(ASSESSMENT, 1, { notes: 'A' });
    await tabA.adoptIdentity(NEW_DEVICE);
    const batch = await syncTab.outbox.peek(10);
    expect(batch.map((m) => m.deviceId)).toEqual([NEW_DEVICE]);
    expect(syncTab.deviceId).toBe(NEW_DEVICE);
    tabA.close();
    syncTab.close();
  });
});

describe('signed export files', () => {
  it('carries manifest.sig: HMAC-SHA256 with the device secret over the manifest hash', async () => {
    const s = await open(freshName());
    await startUnit(s);
    await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 3 });
    await s.setBundleSecret(SECRET);
    expect(await s.getBundleSecret()).toBe(SECRET);

    const entries = unzipSync(await s.exportAssessment(ASSESSMENT));
    const manifestBytes = entries['manifest.json'] as Uint8Array;
    const sig = JSON.parse(strFromU8(entries[BUNDLE_SIGNATURE_ENTRY] as Uint8Array));
    const digest = createHash('sha256').update(manifestBytes).digest('hex');
    const mac = createHmac('sha256', Buffer.from(SECRET, 'hex'))
      .update(bundleSigningInput(digest, s.deviceId), 'utf8')
      .digest('hex');
    expect(sig).toEqual({ alg: 'HMAC-SHA256', deviceId: s.deviceId, mac });
    expect(JSON.parse(strFromU8(manifestBytes)).deviceId).toBe(s.deviceId);

    // A tablet importing the file does not need the secret.
    const other = await open(freshName());
    expect((await other.importBundle(await s.exportAssessment(ASSESSMENT))).inserted).toBe(2);
    other.close();
    s.close();
  });

  it('is unsigned without a secret, and a secret of an earlier identity is not used', async () => {
    const s = await open(freshName());
    await startUnit(s);
    expect(await s.getBundleSecret()).toBeNull();
    expect(
      Object.keys(unzipSync(await s.exportAssessment(ASSESSMENT))).includes(BUNDLE_SIGNATURE_ENTRY),
    ).toBe(false);

    await s.setBundleSecret(SECRET.toUpperCase());
    expect(await s.getBundleSecret()).toBe(SECRET);
    await s.adoptIdentity(NEW_DEVICE);
    expect(await s.getBundleSecret()).toBeNull();
    expect(
      Object.keys(unzipSync(await s.exportAssessment(ASSESSMENT))).includes(BUNDLE_SIGNATURE_ENTRY),
    ).toBe(false);

    const next = 'ab'.repeat(32);
    await s.setBundleSecret(next);
    const sig = JSON.parse(
      strFromU8(
        unzipSync(await s.exportAssessment(ASSESSMENT))[BUNDLE_SIGNATURE_ENTRY] as Uint8Array,
      ),
    );
    expect(sig.deviceId).toBe(NEW_DEVICE);
    await s.setBundleSecret(null);
    expect(await s.getBundleSecret()).toBeNull();
    await expect(s.setBundleSecret('bukan-hex')).rejects.toBeInstanceOf(ValidationError);
    s.close();
  });
});

describe('releasing the tablet ("Lepas tablet")', () => {
  it('reports what would be lost and whether an export made after it holds it', async () => {
    const clock = manualClock();
    const s = await open(freshName(), { now: clock.now });
    expect(await s.releaseCheck()).toEqual({
      unsentChanges: 0,
      unsentFiles: 0,
      rejected: 0,
      lastExportAt: null,
      exportCoversUnsent: true,
    });

    await startUnit(s);
    await addPhoto(s, 1, { size: 1500 });
    expect(await s.releaseCheck()).toMatchObject({
      unsentChanges: 2,
      unsentFiles: 1,
      exportCoversUnsent: false,
    });

    clock.advance(60_000);
    await s.exportAssessment(ASSESSMENT);
    const exportedAt = clock.now();
    expect(await s.releaseCheck()).toEqual({
      unsentChanges: 2,
      unsentFiles: 1,
      rejected: 0,
      lastExportAt: exportedAt,
      exportCoversUnsent: true,
    });

    // A change after the export exists only on this tablet.
    clock.advance(60_000);
    await s.verifications.update(ASSESSMENT, 3, { notes: 'setelah ekspor' });
    expect((await s.releaseCheck()).exportCoversUnsent).toBe(false);
    await s.exportAssessment(ASSESSMENT);
    expect(await s.releaseCheck()).toMatchObject({
      lastExportAt: clock.now(),
      exportCoversUnsent: true,
    });

    // A refusal recorded after the export is not in it, until the next export.
    await s.outbox.settle({
      appliedThrough: 3,
      results: [
        { seq: 1, outcome: 'applied', duplicate: true, fields: {}, rejection: null },
        { seq: 2, outcome: 'applied', duplicate: true, fields: {}, rejection: null },
        { seq: 3, outcome: 'rejected', duplicate: false, fields: {}, rejection: null },
      ],
    });
    expect(await s.releaseCheck()).toMatchObject({
      unsentChanges: 0,
      rejected: 1,
      exportCoversUnsent: false,
    });
    const bundle = await s.exportAssessment(ASSESSMENT);
    expect((await s.releaseCheck()).exportCoversUnsent).toBe(true);
    const manifest = JSON.parse(strFromU8(unzipSync(bundle)['manifest.json'] as Uint8Array));
    expect(manifest.rejected.map((r: { id: string }) => r.id)).toEqual([`${s.deviceId}:3`]);

    // A new identity renumbers the rows; what the export held stays counted as held.
    await s.verifications.update(ASSESSMENT, 4, { notes: 'x' });
    await s.exportAssessment(ASSESSMENT);
    await s.adoptIdentity(NEW_DEVICE);
    expect((await s.releaseCheck()).exportCoversUnsent).toBe(true);
    await s.verifications.update(ASSESSMENT, 5, { notes: 'y' });
    expect((await s.releaseCheck()).exportCoversUnsent).toBe(false);
    s.close();
  });

  it('a refused change blocks deleting the database like unsent work does', async () => {
    const s = await open(freshName());
    await s.verifications.update(ASSESSMENT, 1, { notes: 'ditolak' });
    await s.outbox.settle({
      appliedThrough: 1,
      results: [{ seq: 1, outcome: 'rejected', duplicate: false, fields: {}, rejection: null }],
    });
    expect(await s.outbox.count()).toBe(0);
    const err = await s.destroy().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsentDataError);
    expect((err as UnsentDataError).rejectedChanges).toBe(1);
    expect((err as UnsentDataError).message).toMatch(/1 perubahan ditolak server/);
    // The value is kept in the entry only: the record is the server's (which never had it).
    expect(await s.verifications.get(ASSESSMENT, 1)).toBeNull();
    expect((await s.rejected.list())[0]?.mutation.changes.notes).toBe('ditolak');
    await s.rejected.discard(`${s.deviceId}:1`);
    await s.destroy();
  });

  it('importing a bundle restores its refused changes too', async () => {
    const s = await open(freshName());
    await startUnit(s);
    await s.verifications.update(ASSESSMENT, 2, { notes: 'ditolak' });
    await s.outbox.settle({
      appliedThrough: 2,
      results: [
        { seq: 1, outcome: 'applied', duplicate: false, fields: {}, rejection: null },
        { seq: 2, outcome: 'rejected', duplicate: false, fields: {}, rejection: null },
      ],
    });
    const other = await open(freshName());
    await other.importBundle(await s.exportAssessment(ASSESSMENT));
    expect((await other.rejected.list(ASSESSMENT)).map((r) => r.mutation.id)).toEqual([
      verificationId(ASSESSMENT, 2),
    ]);
    other.close();
    s.close();
  });
});

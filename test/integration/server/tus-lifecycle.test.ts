import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/server/config';
import { describeEachDialect } from '../../helpers/server-context';
import {
  b64,
  createUpload,
  enrol,
  freshVerifier,
  type HardApp,
  hardApp,
  patchUpload,
  photo,
  sha,
  tus,
} from './hardening-kit';

/**
 * The life of a resumable evidence upload (nothing stays forever): it expires when it says it does
 * and its staging bytes are deleted on a schedule; its uploader — and only its uploader —
 * may end it; only the extensions honoured are advertised; one tablet cannot fill the
 * staging area; and a second upload of a file the server has is still checked.
 */

const DAY = 24 * 60 * 60 * 1000;
const KB = 1024;

describeEachDialect('tus upload lifecycle', (ctx) => {
  const apps: HardApp[] = [];
  const make = (files: Partial<typeof DEFAULT_CONFIG.files> = {}) => {
    const h = hardApp(ctx(), { files: { ...DEFAULT_CONFIG.files, ...files } });
    apps.push(h);
    return h;
  };
  async function tablet(h: HardApp) {
    const v = await freshVerifier(ctx(), h.services);
    return { ...(await enrol(h, ctx(), v.verifierId)), assessmentId: v.assessmentId };
  }
  /** Staging files of a test's tus store (data file and its .json info per upload). */
  const staged = (h: HardApp) =>
    existsSync(join(h.blobDir, 'uploads')) ? readdirSync(join(h.blobDir, 'uploads')) : [];
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  afterAll(() => {
    for (const h of apps) h.dispose();
  });

  it('advertises only the extensions it honours, and refuses an upload of unknown length as a client error', async () => {
    const h = make();
    const t = await tablet(h);
    const send = tus(h, t.token);
    const options = await send('OPTIONS', '/api/files/');
    expect(options.status).toBe(204);
    expect(options.headers.get('tus-extension')).toBe(
      'creation,creation-with-upload,termination,expiration',
    );
    const deferred = await send('POST', '/api/files/', {
      'Upload-Defer-Length': '1',
      'Upload-Metadata': `sha256 ${b64(sha(photo(10)))},filetype ${b64('image/jpeg')}`,
    });
    expect(deferred.status).toBe(400);
    expect((await deferred.json()).code).toBe('upload_length');
    // creation-with-upload: the whole file in the POST is checked and kept.
    const bytes = photo(2000);
    const withBody = await send(
      'POST',
      '/api/files/',
      {
        'Upload-Length': String(bytes.byteLength),
        'Upload-Metadata': `sha256 ${b64(sha(bytes))},filetype ${b64('image/jpeg')}`,
        'Content-Type': 'application/offset+octet-stream',
      },
      bytes,
    );
    expect(withBody.status).toBe(201);
    expect(withBody.headers.get('upload-offset')).toBe('2000');
    expect(await h.services.files.heldFor(sha(bytes), t.deviceId, t.verifierId)).toMatchObject({
      bytes: 2000,
    });
  });

  it('honours the Upload-Expires it advertises: 410 afterwards, and the staging bytes are deleted', async () => {
    const h = make({ uploadExpiryMs: 2 * DAY });
    const t = await tablet(h);
    const send = tus(h, t.token);
    const start = Date.UTC(2026, 0, 5, 8, 0, 0);
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    const bytes = photo(4 * KB);
    const created = await createUpload(send, bytes);
    expect(created.status).toBe(201);
    expect(created.headers.get('upload-expires')).toBe(new Date(start + 2 * DAY).toUTCString());
    const location = created.headers.get('location') as string;
    const part = await patchUpload(send, location, 0, bytes.subarray(0, KB));
    expect(part.headers.get('upload-expires')).toBe(new Date(start + 2 * DAY).toUTCString());
    // A second upload that is left alone until the sweep.
    const idle = await createUpload(send, photo(3 * KB));
    const idleId = (idle.headers.get('location') as string).split('/').pop() as string;
    expect(staged(h)).toContain(idleId);

    vi.setSystemTime(start + 2 * DAY - 60_000); // a minute before: still resumable
    expect((await send('HEAD', location)).headers.get('upload-offset')).toBe(String(KB));

    vi.setSystemTime(start + 2 * DAY + 60_000); // a minute after
    const late = await patchUpload(send, location, KB, bytes.subarray(KB));
    expect(late.status).toBe(410);
    expect((await send('HEAD', location)).status).toBe(404); // freed when it was refused
    expect(await h.services.files.held(sha(bytes))).toBeNull();

    // The scheduled sweep deletes what nobody asked about.
    expect(staged(h)).toContain(idleId);
    expect(await h.tus.cleanupExpired()).toBeGreaterThanOrEqual(1);
    expect(staged(h).filter((f) => f.startsWith(idleId))).toEqual([]);
    expect(await h.services.files.findUpload(idleId)).toBeNull();
  });

  it('sweeps expired uploads on a schedule started with the server and stopped on close', async () => {
    const h = make({ cleanupIntervalMs: 60 * 60 * 1000 });
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const sweep = vi.spyOn(h.tus, 'cleanupExpired').mockResolvedValue(0);
    const stop = h.tus.startCleanup();
    expect(sweep).toHaveBeenCalledTimes(1); // at start (after a restart, a week may have passed)
    vi.advanceTimersByTime(3 * 60 * 60 * 1000);
    expect(sweep).toHaveBeenCalledTimes(4);
    stop();
    vi.advanceTimersByTime(5 * 60 * 60 * 1000);
    expect(sweep).toHaveBeenCalledTimes(4);
  });

  it('lets only the uploader end (or resume) an upload; anyone else gets 404 and changes nothing', async () => {
    const h = make();
    const owner = await tablet(h);
    const stranger = await tablet(h);
    const mine = tus(h, owner.token);
    const theirs = tus(h, stranger.token);
    const bytes = photo(3 * KB);
    const location = (await createUpload(mine, bytes)).headers.get('location') as string;
    await patchUpload(mine, location, 0, bytes.subarray(0, KB));

    expect((await theirs('DELETE', location)).status).toBe(404);
    expect((await theirs('HEAD', location)).status).toBe(404);
    expect((await patchUpload(theirs, location, KB, bytes.subarray(KB))).status).toBe(404);
    expect((await mine('HEAD', location)).headers.get('upload-offset')).toBe(String(KB));

    // A second tablet of the same verifier (a rotated or re-enrolled identity) is the uploader too.
    const sameVerifier = await enrol(h, ctx(), owner.verifierId, 'Tablet kedua');
    expect((await tus(h, sameVerifier.token)('HEAD', location)).status).toBe(200);

    const ended = await mine('DELETE', location);
    expect(ended.status).toBe(204);
    const id = location.split('/').pop() as string;
    expect(staged(h).filter((f) => f.startsWith(id))).toEqual([]);
    expect((await mine('HEAD', location)).status).toBe(404);
    expect(await h.services.files.findUpload(id)).toBeNull();
    expect(await h.services.files.held(sha(bytes))).toBeNull();
  });

  it("caps one tablet's open staging bytes (413 upload_quota with a clear message); others are not affected", async () => {
    const h = make({ maxOpenBytesPerDevice: 5 * KB });
    const t = await tablet(h);
    const other = await tablet(h);
    const send = tus(h, t.token);
    const first = photo(3 * KB);
    const a = await createUpload(send, first);
    expect(a.status).toBe(201);
    const b = await createUpload(send, photo(3 * KB));
    expect(b.status).toBe(413);
    const problem = await b.json();
    expect(problem.code).toBe('upload_quota');
    expect(problem.message).toBe(
      'Tablet ini sudah memiliki 3 KiB unggahan berkas bukti yang belum selesai; bersama berkas ini (3 KiB) melebihi batas 5 KiB. Tunggu sampai unggahan yang sedang berjalan selesai atau kedaluwarsa, lalu coba lagi.',
    );
    expect((await createUpload(tus(h, other.token), photo(3 * KB))).status).toBe(201);
    // Finishing the first upload frees its share.
    const done = await patchUpload(send, a.headers.get('location') as string, 0, first);
    expect(done.status).toBe(204);
    expect((await createUpload(send, photo(3 * KB))).status).toBe(201);
  });

  it('checks the bytes of a second upload of a file the server holds already; only then is that tablet a holder', async () => {
    const h = make();
    const first = await tablet(h);
    const second = await tablet(h);
    const bytes = photo(4 * KB);
    const created = await createUpload(tus(h, first.token), bytes);
    await patchUpload(tus(h, first.token), created.headers.get('location') as string, 0, bytes);
    expect(
      await h.services.files.heldFor(sha(bytes), first.deviceId, first.verifierId),
    ).not.toBeNull();

    // Claiming the known hash with other bytes: refused, and no holder recorded.
    const forged = photo(4 * KB);
    const send = tus(h, second.token);
    const claim = await createUpload(send, forged, sha(bytes));
    const refused = await patchUpload(send, claim.headers.get('location') as string, 0, forged);
    expect(refused.status).toBe(422);
    expect((await refused.json()).code).toBe('hash_mismatch');
    expect(
      await h.services.files.heldFor(sha(bytes), second.deviceId, second.verifierId),
    ).toBeNull();
    // A HEAD on the forged upload does not report "complete" just because the server has the file.
    expect((await send('HEAD', claim.headers.get('location') as string)).status).toBe(404);

    // The real bytes: accepted, and now that tablet holds the file too.
    const real = await createUpload(send, bytes);
    expect((await patchUpload(send, real.headers.get('location') as string, 0, bytes)).status).toBe(
      204,
    );
    expect(
      await h.services.files.heldFor(sha(bytes), second.deviceId, second.verifierId),
    ).not.toBeNull();
  });
});

import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { BlobStore } from '../../../src/server/lib/blob-store';
import {
  describeSync,
  enrolTablet,
  newTeam,
  photoBytes,
  type SyncHarness,
} from '../../helpers/sync-harness';
import { b64, createUpload, sha, tus } from '../../helpers/tus';

/**
 * The tus endpoint spoken to directly (tus 1.0 requests through the in-process app):
 * who may upload, required metadata, the hash check, and the recovery of an upload whose
 * last byte arrived but was never checked.
 */
async function create(send: ReturnType<typeof tus>, bytes: Uint8Array, declared = sha(bytes)) {
  const r = await createUpload(send, bytes, declared);
  expect(r.status).toBe(201);
  return r.headers.get('location') as string;
}

describeSync('evidence uploads (tus)', (ctx) => {
  async function tablet(h: SyncHarness) {
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const t = await enrolTablet(
      h.call,
      await h.base.login('coordinator'),
      team.verifiers[0]?.id as string,
    );
    return { t, a: team.assessmentIds[0] as string };
  }

  it('lets only an enrolled tablet upload, with sha256 and filetype metadata', async () => {
    const h = ctx();
    const { t } = await tablet(h);
    const bytes = photoBytes(1000);
    const headers = {
      'Upload-Length': '1000',
      'Upload-Metadata': `sha256 ${b64(sha(bytes))},filetype ${b64('image/jpeg')}`,
    };
    expect((await tus(h, null)('POST', '/api/files/', headers)).status).toBe(401);
    for (const who of ['coordinator', 'verifier1'] as const) {
      const r = await tus(h, await h.base.login(who))('POST', '/api/files/', headers);
      expect([who, r.status]).toEqual([who, 403]);
    }
    const noSha = await tus(h, t.token)('POST', '/api/files/', {
      'Upload-Length': '1000',
      'Upload-Metadata': `filetype ${b64('image/jpeg')}`,
    });
    expect(noSha.status).toBe(400);
    expect((await noSha.json()).code).toBe('upload_metadata');
    const exe = await tus(h, t.token)('POST', '/api/files/', {
      'Upload-Length': '1000',
      'Upload-Metadata': `sha256 ${b64(sha(bytes))},filetype ${b64('application/x-msdownload')}`,
    });
    expect(exe.status).toBe(400);
    const tooBig = await tus(h, t.token)('POST', '/api/files/', {
      ...headers,
      'Upload-Length': String(26 * 1024 * 1024),
    });
    expect(tooBig.status).toBe(413);
  });

  it('keeps a file only when its bytes match the declared SHA-256; a mismatch is a clear problem', async () => {
    const h = ctx();
    const { t } = await tablet(h);
    const send = tus(h, t.token);
    const bytes = photoBytes(5000);
    const other = photoBytes(5000);
    const location = await create(send, other, sha(bytes));
    expect(location).toMatch(new RegExp(`^/api/files/${sha(bytes)}-[0-9a-f]{16}$`));
    const patch = await send(
      'PATCH',
      location,
      { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
      other,
    );
    expect(patch.status).toBe(422);
    const problem = await patch.json();
    expect(problem.code).toBe('hash_mismatch');
    expect(problem.message).toContain('SHA-256');
    expect((await send('HEAD', location)).status).toBe(404);
    expect((await send('DELETE', location)).status).toBe(404);
    expect(await h.services.files.held(sha(bytes))).toBeNull();
    expect(existsSync((h.services.files.evidence as BlobStore).path(sha(bytes)))).toBe(false);

    // The right bytes, in two PATCHes: stored content-addressed, and "complete" afterwards.
    const good = await create(send, bytes);
    const p1 = await send(
      'PATCH',
      good,
      { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
      bytes.subarray(0, 2000),
    );
    expect([p1.status, p1.headers.get('upload-offset')]).toEqual([204, '2000']);
    const head = await send('HEAD', good);
    expect(head.headers.get('upload-offset')).toBe('2000');
    const p2 = await send(
      'PATCH',
      good,
      { 'Upload-Offset': '2000', 'Content-Type': 'application/offset+octet-stream' },
      bytes.subarray(2000),
    );
    expect(p2.status).toBe(204);
    expect(await h.services.files.held(sha(bytes))).toMatchObject({
      bytes: 5000,
      mime: 'image/jpeg',
      receivedByDevice: t.deviceId,
    });
    // The upload itself is gone; asking about it (a client whose answer was lost) says complete.
    const after = await send('HEAD', good);
    expect([
      after.status,
      after.headers.get('upload-offset'),
      after.headers.get('upload-length'),
    ]).toEqual([200, '5000', '5000']);
  });

  it('checks an upload whose last byte arrived but whose check never ran (server stopped in between)', async () => {
    const h = ctx();
    const { t } = await tablet(h);
    const send = tus(h, t.token);
    const bytes = photoBytes(3000);
    const location = await create(send, bytes);
    const files = h.services.files;
    const real = files.finaliseUpload.bind(files);
    files.finaliseUpload = async () => {
      throw new Error('server stopped');
    };
    try {
      const patch = await send(
        'PATCH',
        location,
        { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
        bytes,
      );
      expect(patch.status).toBeGreaterThanOrEqual(500);
    } finally {
      files.finaliseUpload = real;
    }
    expect(await files.held(sha(bytes))).toBeNull();
    // The client resumes with HEAD: the server checks the finished upload now.
    const head = await send('HEAD', location);
    expect([head.status, head.headers.get('upload-offset')]).toEqual([200, '3000']);
    expect(await files.held(sha(bytes))).toMatchObject({ bytes: 3000 });
  });
});

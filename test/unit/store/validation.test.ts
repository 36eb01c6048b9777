import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { MutationSchema } from '../../../src/core';
import { type TelusurStore, ValidationError } from '../../../src/store';
import { ASSESSMENT, check, freshStore } from './helpers';

async function refusal(p: Promise<unknown>): Promise<ValidationError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

async function nothingSaved(s: TelusurStore): Promise<void> {
  expect(await s.outbox.count()).toBe(0);
  expect(await s.verifications.listByAssessment(ASSESSMENT)).toEqual([]);
  expect(await s.beritaAcara.get(ASSESSMENT)).toBeNull();
}

describe('the tablet never stores what the server will refuse', () => {
  it('a note holding U+0000 (a paste from a PDF viewer) is refused with a readable message', async () => {
    const s = await freshStore();
    const err = await refusal(
      s.verifications.update(ASSESSMENT, 4, { notes: 'Perwal No. 12\u0000 Tahun 2021' }),
    );
    expect(err.problems).toMatchObject([{ field: 'notes', message: 'unsafe_text' }]);
    expect(err.message).toBe(
      'Catatan berisi karakter kontrol tak terlihat (posisi 14), biasanya terbawa saat menempel dari PDF. Hapus karakter itu (atau ketik ulang bagian itu) lalu simpan lagi. Tidak ada yang disimpan.',
    );
    expect(err.messageEn).toMatch(
      /^Notes contains an invisible control character \(position 14\).*Nothing was saved\.$/,
    );
    await nothingSaved(s);
    s.close();
  });

  it('a berita acara signed at 8.7e15 is refused, naming the field and the accepted range', async () => {
    const s = await freshStore();
    const err = await refusal(
      s.beritaAcara.update(ASSESSMENT, { place: 'Kantor Kecamatan', signedAt: 8.7e15 }),
    );
    expect(err.problems).toMatchObject([{ field: 'signedAt', message: 'time_out_of_range' }]);
    expect(err.message).toMatch(/^Waktu penandatanganan berada di luar rentang yang diterima/);
    expect(err.message).toMatch(/1 Januari 2000 sampai 1 Januari 2100/);
    expect(err.messageEn).toMatch(/^Signing time is outside the accepted range/);
    await nothingSaved(s);
    s.close();
  });

  it('names a broken character (lone surrogate) and an evidence check note by their place', async () => {
    const s = await freshStore();
    const broken = await refusal(
      s.verifications.update(ASSESSMENT, 4, { naReason: 'Tidak ada \uD83D layanan' }),
    );
    expect(broken.message).toMatch(/^Alasan tidak berlaku berisi karakter rusak/);
    expect(broken.messageEn).toMatch(/^Reason for not applicable contains a broken character/);

    const checkNote = await refusal(
      s.verifications.setCheck(ASSESSMENT, 4, 3, 0, { state: 'present', note: 'ok\u0007' }),
    );
    expect(checkNote.message).toMatch(
      /^Catatan bukti level 3 no\. 1 berisi karakter kontrol tak terlihat \(posisi 3\)/,
    );

    // Several problems at once are all named, each once.
    const many = await refusal(
      s.beritaAcara.update(ASSESSMENT, {
        place: 'a\u0000',
        signedAt: -1,
        summary: 'x'.repeat(10_001),
      }),
    );
    expect(many.problems.map((p) => p.field).sort()).toEqual(['place', 'signedAt', 'summary']);
    expect(many.message).toMatch(/Tempat berisi karakter kontrol/);
    expect(many.message).toMatch(/Waktu penandatanganan berada di luar rentang/);
    expect(many.message).toMatch(/Catatan umum terlalu panjang \(paling banyak 10\.000 karakter\)/);
    await nothingSaved(s);
    s.close();
  });

  it('tab and line breaks are ordinary text and are kept', async () => {
    const s = await freshStore();
    const v = await s.verifications.update(ASSESSMENT, 4, { notes: 'a\tb\r\nc' });
    expect(v.notes).toBe('a\tb\r\nc');
    s.close();
  });

  it('stores text as NFC, so the same note typed on another keyboard is not a change', async () => {
    const s = await freshStore();
    const nfd = 'Kecamatan Cibeber: dokumen sudah dite\u0301rima, re\u0301sume\u0301 ada';
    const nfc = nfd.normalize('NFC');
    expect(nfc).not.toBe(nfd);

    const saved = await s.verifications.update(ASSESSMENT, 4, { notes: nfd });
    expect(saved.notes).toBe(nfc);
    expect((await s.verifications.get(ASSESSMENT, 4))?.notes).toBe(nfc);
    await s.verifications.setCheck(ASSESSMENT, 4, 2, 0, { state: 'present', note: 'e\u0301' });
    expect((await s.verifications.get(ASSESSMENT, 4))?.[check(2, 0)]?.note).toBe('\u00e9');

    const out = await s.outbox.peek(10);
    expect(out[0]?.changes.notes).toBe(nfc);
    expect(out[1]?.changes[check(2, 0)]).toEqual({ state: 'present', note: '\u00e9' });
    for (const m of out) expect(MutationSchema.safeParse(m).success).toBe(true);

    // The NFC spelling of the same note is the same value: nothing new to send.
    await s.verifications.update(ASSESSMENT, 4, { notes: nfc });
    await s.verifications.update(ASSESSMENT, 4, { notes: nfd });
    expect(await s.outbox.count()).toBe(2);
    s.close();
  });

  it('every change in the outbox passes the wire check the server applies', async () => {
    const s = await freshStore();
    await s.assessments.create({
      id: ASSESSMENT,
      periodId: 'p',
      unitId: 'u',
      frameworkId: 'f',
    });
    await s.verifications.update(ASSESSMENT, 1, { notes: 'ca\u0301tatan', verifiedLevel: 2 });
    await s.beritaAcara.update(ASSESSMENT, { signedAt: Date.UTC(2024, 4, 6), place: 'Cibeber' });
    await s.comments.add({
      assessmentId: ASSESSMENT,
      indicatorNo: 1,
      body: 'Mohon lengkapi',
      author: 'Rina',
    });
    await expect(
      s.comments.add({ assessmentId: ASSESSMENT, indicatorNo: 1, body: '\u0000', author: 'R' }),
    ).rejects.toBeInstanceOf(ValidationError);
    const out = await s.outbox.peek(100);
    expect(out).toHaveLength(4);
    for (const m of out) expect(MutationSchema.safeParse(m).success).toBe(true);
    s.close();
  });
});

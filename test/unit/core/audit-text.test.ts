import { describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  auditEvents,
  auditEventText,
  type ChangeFact,
  clockIsOff,
  describeClockSkew,
  editTime,
  editWhen,
  encodeHlc,
  measureClockSkew,
  timeDoubtful,
} from '../../../src/core';

/** 30 November 2026, 09.06 WIB (02.06 UTC). */
const EDIT = Date.UTC(2026, 10, 30, 2, 6);
const MIN = 60_000;

const tablet = { id: 'dev-1', label: 'Tab Bulakan' };
const verifier = { name: 'Verifikator Satu' };
const coordinator = { name: 'Koordinator' };

let seq = 0;
/** One field write as the audit endpoint lists it. */
function fact(
  p: Partial<ChangeFact> & Pick<ChangeFact, 'entity' | 'recordId' | 'field'>,
): ChangeFact {
  seq++;
  return {
    seq,
    value: null,
    source: 'push',
    account: verifier,
    device: tablet,
    deviceSeq: seq,
    editedAt: EDIT,
    serverAt: EDIT + 2 * MIN,
    clockDoubtful: false,
    ...p,
  };
}

const lines = (events: AuditEvent[]) => events.map(auditEventText);

describe('the audit trail in words', () => {
  it('reads a level change with who, the tablet time and the server time second', () => {
    const v = 'a1:3';
    const entries = [
      fact({ entity: 'verification', recordId: v, field: 'verifiedLevel', value: 1, deviceSeq: 1 }),
      fact({ entity: 'verification', recordId: v, field: 'verifiedLevel', value: 2, deviceSeq: 2 }),
    ];
    expect(lines(auditEvents(entries, 'id'))).toEqual([
      "Level verifikasi 1 · Verifikator Satu (tablet 'Tab Bulakan') · 30 Nov 09.06 (diterima server 09.08)",
      "Level verifikasi 1 → 2 · Verifikator Satu (tablet 'Tab Bulakan') · 30 Nov 09.06 (diterima server 09.08)",
    ]);
    expect(lines(auditEvents(entries, 'en'))[1]).toBe(
      "Verified level 1 → 2 · Verifikator Satu (tablet 'Tab Bulakan') · 30 Nov 09:06 (received by the server 09:08)",
    );
  });

  it('reads a stage value as a level; given with the verified value, the verified line names the stage', () => {
    const v = 'a1:4';
    const stage = (value: number | null) => ({ value, by: 'Verifikator Satu', at: EDIT });
    const entries = [
      fact({ entity: 'verification', recordId: v, field: 'verifiedLevel', value: 3, deviceSeq: 1 }),
      fact({
        entity: 'verification',
        recordId: v,
        field: 'stages.dokumen',
        value: stage(3),
        deviceSeq: 1,
      }),
      fact({
        entity: 'verification',
        recordId: v,
        field: 'stages.mandiri',
        value: stage(2),
        deviceSeq: 2,
      }),
      fact({
        entity: 'verification',
        recordId: v,
        field: 'stages.mandiri',
        value: stage(null),
        deviceSeq: 3,
      }),
    ];
    expect(auditEvents(entries, 'id').map((e) => e.what)).toEqual([
      'Level verifikasi 3 (tahap verifikasi dokumen)',
      'Nilai tahap penilaian mandiri 2',
      'Nilai tahap penilaian mandiri dikosongkan',
    ]);
  });

  it('makes one line of a photo (no hash, size or ids), and of its removal', () => {
    const f = 'file-1';
    const photo = [
      ['assessmentId', 'a1'],
      ['indicatorNo', 3],
      ['sha256', 'ab'.repeat(32)],
      ['name', 'sk-walikota.jpg'],
      ['mime', 'image/jpeg'],
      ['bytes', 412345],
      ['width', 2000],
      ['height', 1500],
      ['capturedAt', EDIT],
      ['deleted', false],
    ].map(([field, value]) =>
      fact({ entity: 'evidenceFile', recordId: f, field: String(field), value, deviceSeq: 7 }),
    );
    const removed = fact({ entity: 'evidenceFile', recordId: f, field: 'deleted', value: true });
    const events = auditEvents([...photo, removed], 'id');
    expect(events.map((e) => e.what)).toEqual([
      'Foto sk-walikota.jpg ditambahkan',
      'Foto sk-walikota.jpg dihapus',
    ]);
    const text = lines(events).join('\n');
    for (const raw of ['sha256', 'ab'.repeat(32), 'assessmentId', '412345', String(EDIT)])
      expect(text).not.toContain(raw);
  });

  it('says which expected document a photo proves, as people count the items', () => {
    const f = 'file-2';
    const added = ['sha256', 'name', 'mime'].map((field, i) =>
      fact({
        entity: 'evidenceFile',
        recordId: f,
        field,
        value: ['cd'.repeat(32), 'sk-tim.jpg', 'image/jpeg'][i],
        deviceSeq: 20,
      }),
    );
    const linked = fact({ entity: 'evidenceFile', recordId: f, field: 'proves', value: '2.1' });
    const unlinked = fact({ entity: 'evidenceFile', recordId: f, field: 'proves', value: null });
    expect(auditEvents([...added, linked, unlinked], 'id').map((e) => e.what)).toEqual([
      'Foto sk-tim.jpg ditambahkan',
      'Foto sk-tim.jpg dikaitkan ke bukti level 2 no. 2',
      'Foto sk-tim.jpg tidak lagi dikaitkan ke dokumen',
    ]);
    expect(auditEvents([...added, linked], 'en')[1]?.what).toBe(
      'Photo sk-tim.jpg linked to evidence level 2 no. 2',
    );
  });

  it('names the coordinator in a decision and leaves out the identity fields', () => {
    const approved = fact({
      entity: 'assessment',
      recordId: 'a1',
      field: 'status',
      value: 'disetujui',
      source: 'review',
      account: coordinator,
      device: null,
      deviceSeq: null,
      editedAt: null,
      serverAt: EDIT + 60 * MIN,
    });
    expect(lines(auditEvents([approved], 'id'))).toEqual([
      'Disetujui oleh Koordinator · 30 Nov 10.06',
    ]);
    expect(lines(auditEvents([approved], 'en'))).toEqual([
      'Approved by Koordinator · 30 Nov 10:06',
    ]);
  });

  it('says evidence checks, notes, not applicable and signatures in Indonesian', () => {
    const v = 'a1:5';
    const ba = 'a1:ba';
    const events = auditEvents(
      [
        fact({
          entity: 'verification',
          recordId: v,
          field: 'checks.3.0',
          value: { state: 'missing', note: 'SK belum ada' },
        }),
        fact({ entity: 'verification', recordId: v, field: 'notApplicable', value: true }),
        fact({
          entity: 'verification',
          recordId: v,
          field: 'naReason',
          value: 'Unit tidak mengelola data',
        }),
        fact({ entity: 'verification', recordId: v, field: 'notes', value: 'Cek ulang\nbesok' }),
        fact({
          entity: 'beritaAcara',
          recordId: ba,
          field: 'verifierSignature',
          value: 'data:image/png;base64,AAAA',
        }),
        fact({ entity: 'beritaAcara', recordId: ba, field: 'verifierSignature', value: null }),
      ],
      'id',
    );
    expect(events.map((e) => e.what)).toEqual([
      'Bukti level 3 no. 1: tidak ada — “SK belum ada”',
      'Ditandai tidak berlaku',
      'Alasan tidak berlaku: “Unit tidak mengelola data”',
      'Catatan: “Cek ulang besok”',
      'Tanda tangan verifikator dibubuhkan',
      'Tanda tangan verifikator dihapus',
    ]);
    expect(events.every((e) => !/checks\.|verifiedLevel|naReason|data:image/.test(e.what))).toBe(
      true,
    );
  });

  it('marks a doubtful tablet clock and shows the year when the times are years apart', () => {
    const future = Date.UTC(2099, 0, 1, 2, 6);
    const [e] = auditEvents(
      [
        fact({
          entity: 'verification',
          recordId: 'a1:1',
          field: 'verifiedLevel',
          value: 4,
          editedAt: future,
          clockDoubtful: true,
        }),
      ],
      'id',
    );
    expect(e?.doubtful).toBe(true);
    expect(e?.when).toBe(
      '1 Jan 2099 09.06 (jam tablet diragukan; diterima server 30 Nov 2026 09.08)',
    );
  });

  it('names the indicator in a trail of the whole assessment', () => {
    const entries = [
      fact({ entity: 'verification', recordId: 'a1:12', field: 'verifiedLevel', value: 3 }),
      fact({
        entity: 'evidenceFile',
        recordId: 'f9',
        field: 'indicatorNo',
        value: 7,
        deviceSeq: 90,
      }),
      fact({
        entity: 'evidenceFile',
        recordId: 'f9',
        field: 'sha256',
        value: 'cd'.repeat(32),
        deviceSeq: 90,
      }),
      fact({
        entity: 'evidenceFile',
        recordId: 'f9',
        field: 'name',
        value: 'foto.jpg',
        deviceSeq: 90,
      }),
      fact({ entity: 'beritaAcara', recordId: 'a1:ba', field: 'place', value: 'Kantor Lurah' }),
    ];
    expect(auditEvents(entries, 'id', { withIndicator: true }).map((e) => e.what)).toEqual([
      'Indikator 12: Level verifikasi 3',
      'Indikator 7: Foto foto.jpg ditambahkan',
      'Tempat: “Kantor Lurah”',
    ]);
  });

  it('frames a coordinator’s conflict decision as such', () => {
    const v = 'a1:2';
    const events = auditEvents(
      [
        fact({ entity: 'verification', recordId: v, field: 'verifiedLevel', value: 3 }),
        fact({
          entity: 'verification',
          recordId: v,
          field: 'verifiedLevel',
          value: 4,
          source: 'resolution',
          account: coordinator,
          device: null,
          deviceSeq: null,
          editedAt: null,
        }),
      ],
      'id',
    );
    expect(events[1]?.what).toBe('Konflik diputuskan koordinator: Level verifikasi 3 → 4');
    expect(events[1]?.who).toBe('Koordinator');
  });

  it("reads a stage value as its value only, not the tablet's who/when object", () => {
    const v = 'a1:3';
    const sv = (value: number | null) => ({ value, by: 'Verifikator Satu', at: 1 });
    const entries = [
      fact({
        entity: 'verification',
        recordId: v,
        field: 'stages.dokumen',
        value: sv(2),
        deviceSeq: 1,
      }),
      fact({
        entity: 'verification',
        recordId: v,
        field: 'stages.dokumen',
        value: sv(3),
        deviceSeq: 2,
      }),
      fact({
        entity: 'verification',
        recordId: v,
        field: 'stages.dokumen',
        value: sv(null),
        deviceSeq: 3,
      }),
    ];
    expect(auditEvents(entries, 'id').map((e) => e.what)).toEqual([
      'Nilai tahap verifikasi dokumen 2',
      'Nilai tahap verifikasi dokumen 2 → 3',
      'Nilai tahap verifikasi dokumen dikosongkan',
    ]);
    expect(auditEvents(entries, 'en')[1]?.what).toBe('Document review value 2 → 3');
  });
});

describe('the tablet clock', () => {
  it('measures the skew from the midpoint of a request', () => {
    expect(measureClockSkew(1_000, 3_000, 1_500)).toBe(500);
    expect(measureClockSkew(0, 0, 10 * MIN)).toBe(-10 * MIN);
  });

  it('is off beyond ten minutes either way', () => {
    expect(clockIsOff(10 * MIN)).toBe(false);
    expect(clockIsOff(10 * MIN + 1)).toBe(true);
    expect(clockIsOff(-(10 * MIN + 1))).toBe(true);
    expect(clockIsOff(null)).toBe(false);
  });

  it('says the difference in words', () => {
    expect(describeClockSkew(3 * 3_600_000 + 5 * MIN)).toEqual([
      '3 jam 5 menit lebih cepat dari jam server',
      "3 h 5 min ahead of the server's clock",
    ]);
    expect(describeClockSkew(-25 * MIN)[0]).toBe('25 menit lebih lambat dari jam server');
    // A clock reset to 1970 is decades behind.
    expect(describeClockSkew(-(Date.UTC(2026, 10, 30) - 0))[0]).toBe(
      '20.787 hari lebih lambat dari jam server',
    );
  });

  it('reads the edit time from the hybrid clock, else the device time', () => {
    const hlc = encodeHlc({ ms: EDIT, counter: 3, node: 'dev-1' });
    expect(editTime(hlc, EDIT - 5)).toBe(EDIT);
    expect(editTime(null, EDIT - 5)).toBe(EDIT - 5);
    expect(editTime('kacau', 7)).toBe(7);
    expect(editTime(null)).toBeNull();
  });

  it('doubts a time from a skewed sync or one later than its receipt', () => {
    expect(timeDoubtful({ editedAt: EDIT, receivedAt: EDIT + 3 * 86_400_000, skewMs: 0 })).toBe(
      false,
    );
    expect(timeDoubtful({ editedAt: EDIT, receivedAt: EDIT, skewMs: 11 * MIN })).toBe(true);
    expect(timeDoubtful({ editedAt: EDIT + 11 * MIN, receivedAt: EDIT })).toBe(true);
    expect(timeDoubtful({ editedAt: null, receivedAt: EDIT })).toBe(false);
  });

  it('puts the tablet time first and the server time second', () => {
    expect(editWhen({ editedAt: EDIT, serverAt: EDIT + 2 * MIN, doubtful: false }, 'id')).toBe(
      '30 Nov 09.06 (diterima server 09.08)',
    );
    // Synced two days later: the server's day is named too.
    expect(
      editWhen({ editedAt: EDIT, serverAt: EDIT + 2 * 86_400_000, doubtful: false }, 'id'),
    ).toBe('30 Nov 09.06 (diterima server 2 Des 09.06)');
  });
});

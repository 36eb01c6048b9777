/**
 * The audit trail in words a person reads: "Level verifikasi 1 → 2 · Verifikator Satu
 * (tablet 'Tab Bulakan') · 30 Nov 09.06 (diterima server 09.08)", "Foto sk-walikota.jpg
 * ditambahkan", "Disetujui oleh Koordinator" — never record ids, hashes, epoch
 * milliseconds or field names in English. Indonesian and English; times in Western
 * Indonesia Time unless told otherwise, the edit's time on the tablet first and the
 * server's receive time second (see clock-check.ts).
 */

import { parseProves } from './entities';
import type { EntityName } from './entities-schema';
import { fieldLabel } from './labels';
import { IMMUTABLE_FIELDS } from './merge';
import { DEFAULT_ZONE_CODE, ZONE_IANA } from './organisation';
import { formatValue } from './scoring';
import { STAGE_LABELS, stageOfField } from './workflow';

/** One field write as the audit lists it (the coordinator API's AuditEntry satisfies it). */
export interface ChangeFact {
  seq: number;
  entity: EntityName;
  recordId: string;
  field: string;
  value: unknown;
  /** push | bundle | assignment | self_assessment | resolution | review */
  source: string;
  account: { name: string } | null;
  device: { id: string; label: string | null } | null;
  /** The tablet's change number; writes of one tablet change share it. */
  deviceSeq: number | null;
  /** When the edit was made on the tablet (its hybrid clock), null for server-made changes. */
  editedAt: number | null;
  /** When the server received (or made) it. */
  serverAt: number;
  /** The tablet's clock was not right when this came in (see clock-check.ts). */
  clockDoubtful: boolean;
}

/** One thing that happened, as a line of the audit trail. */
export interface AuditEvent {
  /** Seqs of the field writes it stands for (the first is a stable key). */
  seqs: number[];
  /** What happened: "Level verifikasi 1 → 2", "Foto x.jpg ditambahkan". */
  what: string;
  /** Who: "Verifikator Satu (tablet 'Tab Bulakan')"; '' when `what` already names them. */
  who: string;
  /** When: "30 Nov 09.06 (diterima server 09.08)". */
  when: string;
  /** The tablet's time of this edit is doubtful (its clock was off). */
  doubtful: boolean;
  editedAt: number | null;
  serverAt: number;
  source: string;
}

export type AuditLocale = 'id' | 'en';

export interface AuditTextOptions {
  /**
   * IANA zone of the times: the organisation's (core ZONE_IANA of its zone). Default
   * Asia/Jakarta, the zone of a server whose organisation is not set up yet.
   */
  timeZone?: string;
  /**
   * The zone's label written after each time ("30 Nov 09.06 WIB"): the tablet's screens say
   * which of Indonesia's clocks they mean (core TIME_ZONES); none by default (the trail
   * names its zone once, in its heading).
   */
  zoneLabel?: string;
  /**
   * Start each line about an indicator's records with "Indikator 12: " (a trail of the
   * whole assessment; one indicator's trail needs no such prefix).
   */
  withIndicator?: boolean;
}

const DEFAULT_ZONE = ZONE_IANA[DEFAULT_ZONE_CODE];
/** Longest text value quoted in a line; the whole value is on the record itself. */
const QUOTE_CHARS = 60;

/**
 * Fields a line of the trail leaves out: those fixed when a record is made (they place it —
 * unit, indicator — or describe a file's bytes; merge.ts IMMUTABLE_FIELDS), and those that
 * repeat another line (the signing's digest and snapshot under "Berita acara
 * ditandatangani", the submission time under the status).
 */
const REPEATING_FIELDS: Partial<Record<EntityName, readonly string[]>> = {
  assessment: ['submittedAt'],
  beritaAcara: ['signedDigest', 'signedResults'],
};

function isQuiet(entity: EntityName, field: string): boolean {
  return IMMUTABLE_FIELDS[entity].has(field) || !!REPEATING_FIELDS[entity]?.includes(field);
}

/** Names that read better in the trail than the field labels of validation messages. */
const SHORT_LABELS: Record<string, [string, string]> = {
  verifiedLevel: ['Level verifikasi', 'Verified level'],
  selfLevel: ['Level penilaian mandiri', 'Self-assessed level'],
  sourceValue: ['Nilai indeks luar', 'Outside index value'],
};

const EVIDENCE_STATE_WORDS: Record<string, [string, string]> = {
  present: ['ada', 'present'],
  missing: ['tidak ada', 'missing'],
  inadequate: ['tidak memadai', 'inadequate'],
};

/** Status changes as sentences; `{by}` is the author's name. */
const STATUS_WORDS: Record<string, [string, string]> = {
  belum: ['Status: belum dimulai', 'Status: not started'],
  sedang: ['Verifikasi dimulai', 'Verification started'],
  selesai: ['Ditandai selesai dan ditandatangani', 'Marked finished and signed'],
  terkirim: ['Terkirim ke server', 'Sent to the server'],
  disetujui: ['Disetujui oleh {by}', 'Approved by {by}'],
  dikembalikan: ['Dikembalikan dengan catatan oleh {by}', 'Returned with comments by {by}'],
  dibuka: ['Dibuka kembali oleh {by}', 'Reopened by {by}'],
  diperbaiki: ['Diperbaiki dan ditandatangani ulang', 'Corrected and signed again'],
};

function pick(pair: [string, string], locale: AuditLocale): string {
  return locale === 'en' ? pair[1] : pair[0];
}

function label(field: string, locale: AuditLocale): string {
  return pick(SHORT_LABELS[field] ?? fieldLabel(field), locale);
}

/** A value is "nothing" when a new record starts with it (no line for defaults). */
function isEmpty(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    v === '' ||
    v === false ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)
  );
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return `“${chars.length > QUOTE_CHARS ? `${chars.slice(0, QUOTE_CHARS - 1).join('')}…` : flat}”`;
}

/** The number of a stage value `{value, by, at}`, or null (cleared, or not a stage value). */
function stageValueNumber(v: unknown): number | null {
  const n = (v as { value?: unknown } | null | undefined)?.value;
  return typeof n === 'number' ? n : null;
}

/** A value in a sentence: levels and numbers as they are, yes/no, quoted text. */
function valueText(v: unknown, locale: AuditLocale): string {
  if (v === null || v === undefined || v === '') return locale === 'en' ? '(empty)' : '(kosong)';
  if (typeof v === 'boolean') return locale === 'en' ? (v ? 'yes' : 'no') : v ? 'ya' : 'tidak';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return quote(v);
  return quote(JSON.stringify(v));
}

function checkText(v: unknown, locale: AuditLocale): string {
  const c = (v ?? {}) as { state?: string | null; note?: string };
  const state = c.state ? EVIDENCE_STATE_WORDS[c.state] : undefined;
  const parts = [state ? pick(state, locale) : locale === 'en' ? 'not checked' : 'belum dicek'];
  if (c.note) parts.push(quote(c.note));
  return parts.join(' — ');
}

interface Ctx {
  locale: AuditLocale;
  by: string;
  /** Evidence file names seen so far, by record id. */
  files: Map<string, { name: string; image: boolean }>;
}

/** The sentence of one field write, or null when it says nothing a person needs. */
function phrase(
  entity: EntityName,
  field: string,
  prev: unknown,
  value: unknown,
  first: boolean,
  ctx: Ctx,
): string | null {
  const { locale } = ctx;
  const en = locale === 'en';
  if (isQuiet(entity, field)) return null;
  // A new record's defaults are not news.
  if (first && isEmpty(value)) return null;
  if (entity === 'assessment' && field === 'status') {
    const words = STATUS_WORDS[String(value)];
    return words
      ? pick(words, locale).replace('{by}', ctx.by || (en ? 'the coordinator' : 'koordinator'))
      : `Status: ${String(value)}`;
  }
  if (field.startsWith('checks.')) {
    return `${pick(fieldLabel(field), locale)
      .replace(/^Catatan bukti/, 'Bukti')
      .replace(/^Evidence note/, 'Evidence')}: ${checkText(value, locale)}`;
  }
  if (field === 'verifiedLevel' || field === 'selfLevel' || field === 'sourceValue') {
    const name = label(field, locale);
    if (value === null) return `${name} ${en ? 'cleared' : 'dikosongkan'}`;
    const v = (x: unknown) => (typeof x === 'number' ? formatValue(x, locale) : String(x));
    return first || prev === null || prev === undefined
      ? `${name} ${v(value)}`
      : `${name} ${v(prev)} → ${v(value)}`;
  }
  if (stageOfField(field)) {
    // A stage's value {value, by, at}: read as a level, like the verified value.
    const name = label(field, locale);
    const now = stageValueNumber(value);
    if (now === null) return `${name} ${en ? 'cleared' : 'dikosongkan'}`;
    const before = stageValueNumber(prev);
    return first || before === null
      ? `${name} ${formatValue(now, locale)}`
      : `${name} ${formatValue(before, locale)} → ${formatValue(now, locale)}`;
  }
  if (field === 'notApplicable') {
    if (value === true) return en ? 'Marked not applicable' : 'Ditandai tidak berlaku';
    return en ? 'No longer marked not applicable' : 'Tanda tidak berlaku dicabut';
  }
  if (field === 'verifierSignature' || field === 'representativeSignature') {
    const who = en
      ? field === 'verifierSignature'
        ? "Verifier's signature"
        : "Unit representative's signature"
      : field === 'verifierSignature'
        ? 'Tanda tangan verifikator'
        : 'Tanda tangan perwakilan unit';
    return isEmpty(value)
      ? `${who} ${en ? 'removed' : 'dihapus'}`
      : `${who} ${en ? 'added' : 'dibubuhkan'}`;
  }
  if (entity === 'beritaAcara' && field === 'signedAt') {
    if (isEmpty(value)) return en ? 'Signing withdrawn' : 'Penandatanganan dibatalkan';
    return en ? 'Berita acara signed' : 'Berita acara ditandatangani';
  }
  if (entity === 'beritaAcara' && field === 'partial') {
    return value === true
      ? en
        ? 'Chose "partial verification"'
        : 'Memilih "verifikasi sebagian"'
      : en
        ? 'Full verification again'
        : 'Kembali ke verifikasi lengkap';
  }
  if (entity === 'evidenceFile' && field === 'name') {
    if (first) return null;
    return `${en ? 'File renamed' : 'Nama berkas diubah'}: ${quote(String(prev ?? ''))} → ${quote(String(value ?? ''))}`;
  }
  if (entity === 'comment' && field === 'body') {
    return `${en ? 'Comment' : 'Komentar'}: ${valueText(value, locale)}`;
  }
  const name = label(field, locale);
  if (typeof value === 'string' || value === null) {
    if (isEmpty(value)) return `${name} ${en ? 'cleared' : 'dihapus'}`;
    return `${name}${first || isEmpty(prev) ? '' : en ? ' changed' : ' diubah'}: ${valueText(value, locale)}`;
  }
  if (first || prev === undefined) return `${name}: ${valueText(value, locale)}`;
  return `${name}: ${valueText(prev, locale)} → ${valueText(value, locale)}`;
}

/** What an evidence file's change did: added, removed, restored, renamed. */
function evidencePhrase(group: readonly ChangeFact[], prev: PrevFn, ctx: Ctx): string[] {
  const en = ctx.locale === 'en';
  const f = group[0] as ChangeFact;
  const get = (field: string) => group.find((e) => e.field === field);
  const name = get('name');
  const mime = get('mime');
  const known = ctx.files.get(f.recordId);
  const file = {
    name: typeof name?.value === 'string' ? name.value : (known?.name ?? ''),
    image:
      typeof mime?.value === 'string' ? mime.value.startsWith('image/') : (known?.image ?? true),
  };
  ctx.files.set(f.recordId, file);
  const noun = file.image ? (en ? 'Photo' : 'Foto') : en ? 'File' : 'Berkas';
  const called = file.name ? `${noun} ${file.name}` : noun;
  const out: string[] = [];
  if (get('sha256')) out.push(`${called} ${en ? 'added' : 'ditambahkan'}`);
  const deleted = get('deleted');
  if (deleted && (deleted.value === true || prev(deleted) === true)) {
    out.push(
      deleted.value === true
        ? `${called} ${en ? 'removed' : 'dihapus'}`
        : `${called} ${en ? 'restored' : 'dipulihkan'}`,
    );
  }
  for (const e of group) {
    if (e.field === 'sha256' || e.field === 'deleted') continue;
    if (e.field === 'proves') {
      // "Foto sk.jpg dikaitkan ke bukti level 2 no. 2": the item as people count it (1-based).
      const at = parseProves(typeof e.value === 'string' ? e.value : null);
      if (at) {
        const item = `${en ? 'evidence' : 'bukti'} level ${at.level} no. ${at.index + 1}`;
        out.push(`${called} ${en ? 'linked to' : 'dikaitkan ke'} ${item}`);
      } else if (typeof prev(e) === 'string') {
        out.push(
          `${called} ${en ? 'no longer linked to a document' : 'tidak lagi dikaitkan ke dokumen'}`,
        );
      }
      continue;
    }
    const p = phrase(e.entity, e.field, prev(e), e.value, prev(e) === undefined, ctx);
    if (p) out.push(p);
  }
  return out;
}

type PrevFn = (e: ChangeFact) => unknown;

/** Writes that one change made: the same tablet change, or one server write of one record. */
function groupKey(e: ChangeFact): string {
  return e.deviceSeq !== null && e.device
    ? `${e.source}|${e.device.id}|${e.deviceSeq}|${e.entity}|${e.recordId}`
    : `${e.source}|${e.serverAt}|${e.account?.name ?? ''}|${e.entity}|${e.recordId}`;
}

/** Calendar parts of a time in a zone. */
function parts(ms: number, zone: string, locale: AuditLocale) {
  const fmt = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', {
    timeZone: zone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const sep = locale === 'en' ? ':' : '.';
  return {
    date: `${p.day} ${p.month}`,
    year: p.year ?? '',
    time: `${p.hour}${sep}${p.minute}`,
  };
}

/**
 * A time as the trail writes it: "30 Nov 09.06"; the year when it differs from the
 * reference time's; only "09.08" when `timeOnlyIfSameDay` and the day is the reference's.
 */
export function auditTime(
  ms: number,
  locale: AuditLocale,
  options: AuditTextOptions & { reference?: number; timeOnlyIfSameDay?: boolean } = {},
): string {
  const zone = options.timeZone ?? DEFAULT_ZONE;
  const p = parts(ms, zone, locale);
  const ref = options.reference === undefined ? null : parts(options.reference, zone, locale);
  const label = options.zoneLabel ? ` ${options.zoneLabel}` : '';
  if (options.timeOnlyIfSameDay && ref && ref.date === p.date && ref.year === p.year)
    return `${p.time}${label}`;
  const withYear = ref === null || ref.year !== p.year;
  return `${p.date}${withYear ? ` ${p.year}` : ''} ${p.time}${label}`;
}

/**
 * When a tablet-made change happened, for people: the edit's time on the tablet, then the
 * server's receive time — "30 Nov 09.06 (diterima server 09.08)"; with a doubtful clock
 * "1 Jan 2099 09.06 (jam tablet diragukan; diterima server 30 Nov 2026 09.08)". A
 * server-made change (no tablet time) is just its server time.
 */
export function editWhen(
  t: { editedAt: number | null; serverAt: number; doubtful: boolean },
  locale: AuditLocale,
  options: AuditTextOptions = {},
): string {
  if (t.editedAt === null)
    return auditTime(t.serverAt, locale, { ...options, reference: t.serverAt });
  const edited = auditTime(t.editedAt, locale, { ...options, reference: t.serverAt });
  const received = auditTime(t.serverAt, locale, {
    ...options,
    reference: t.editedAt,
    timeOnlyIfSameDay: true,
  });
  const en = locale === 'en';
  const doubt = t.doubtful ? (en ? 'tablet clock doubtful; ' : 'jam tablet diragukan; ') : '';
  return `${edited} (${doubt}${en ? 'received by the server' : 'diterima server'} ${received})`;
}

/** Who: "Verifikator Satu (tablet 'Tab Bulakan')", with "berkas ekspor" for an imported file. */
function whoText(e: ChangeFact, locale: AuditLocale): string {
  const en = locale === 'en';
  const name = e.account?.name ?? '';
  if (!e.device) return name || (en ? 'Server' : 'Server');
  const tablet = e.device.label ? `tablet '${e.device.label}'` : 'tablet';
  const via = e.source === 'bundle' ? (en ? ', export file' : ', berkas ekspor') : '';
  return name ? `${name} (${tablet}${via})` : `${tablet}${via}`;
}

/**
 * The audit trail as events a person reads, oldest first: the writes of one tablet change
 * (or one server write of one record) become one line; defaults of a new record, identity
 * fields, hashes and sizes say nothing and are left out; values read "1 → 2" against the
 * value before. `entries` must be in seq order and hold every write of the records shown
 * (as the audit endpoint answers), so "before" is right.
 */
export function auditEvents(
  entries: readonly ChangeFact[],
  locale: AuditLocale,
  options: AuditTextOptions = {},
): AuditEvent[] {
  const before = new Map<string, unknown>();
  const key = (e: ChangeFact) => `${e.entity}\u0000${e.recordId}\u0000${e.field}`;
  const prev: PrevFn = (e) => before.get(key(e));
  const files = new Map<string, { name: string; image: boolean }>();
  /** Indicator of each record of an indicator (verification, evidence file, comment). */
  const indicatorOf = new Map<string, number>();
  const groups: ChangeFact[][] = [];
  let last: string | null = null;
  for (const e of entries) {
    const k = groupKey(e);
    if (k === last) (groups.at(-1) as ChangeFact[]).push(e);
    else groups.push([e]);
    last = k;
  }
  const out: AuditEvent[] = [];
  for (const group of groups) {
    const f = group[0] as ChangeFact;
    const ctx: Ctx = { locale, by: f.account?.name ?? '', files };
    let phrases: string[];
    if (f.entity === 'evidenceFile') phrases = evidencePhrase(group, prev, ctx);
    else {
      phrases = [];
      // One tap gives the verified value and the current stage's value together: rather
      // than a second line repeating "Level verifikasi 3", the verified line names the
      // stage it was given in ("Level verifikasi 3 (tahap verifikasi dokumen)").
      const verified = group.find((e) => e.field === 'verifiedLevel');
      const twin = verified
        ? group.find((e) => stageOfField(e.field) && stageValueNumber(e.value) === verified.value)
        : undefined;
      for (const e of group) {
        if (e === twin) continue;
        let p = phrase(e.entity, e.field, prev(e), e.value, !before.has(key(e)), ctx);
        const stage = e === verified && twin ? stageOfField(twin.field) : null;
        if (p && stage)
          p += ` (${locale === 'en' ? `${STAGE_LABELS[stage][1].toLowerCase()} stage` : `tahap ${STAGE_LABELS[stage][0].toLowerCase()}`})`;
        if (p) phrases.push(p);
      }
    }
    for (const e of group) {
      before.set(key(e), e.value);
      if (e.field === 'indicatorNo' && typeof e.value === 'number')
        indicatorOf.set(e.recordId, e.value);
    }
    if (phrases.length === 0) continue;
    const en = locale === 'en';
    let what = phrases.join('; ');
    const no =
      indicatorOf.get(f.recordId) ??
      (f.entity === 'verification'
        ? Number(f.recordId.slice(f.recordId.lastIndexOf(':') + 1))
        : NaN);
    if (options.withIndicator && Number.isInteger(no) && no > 0)
      what = `${en ? 'Indicator' : 'Indikator'} ${no}: ${what}`;
    if (f.source === 'resolution')
      what = `${en ? 'Conflict decided by the coordinator' : 'Konflik diputuskan koordinator'}: ${what}`;
    if (f.source === 'assignment' && f.entity === 'assessment')
      what = en ? 'Unit assigned for verification' : 'Unit ditugaskan untuk diverifikasi';
    const namesAuthor =
      f.entity === 'assessment' &&
      group.some(
        (e) => e.field === 'status' && /\{by\}/.test(STATUS_WORDS[String(e.value)]?.[0] ?? ''),
      );
    out.push({
      seqs: group.map((e) => e.seq),
      what,
      who: namesAuthor ? '' : whoText(f, locale),
      when: editWhen(
        { editedAt: f.editedAt, serverAt: f.serverAt, doubtful: f.clockDoubtful },
        locale,
        options,
      ),
      doubtful: f.clockDoubtful,
      editedAt: f.editedAt,
      serverAt: f.serverAt,
      source: f.source,
    });
  }
  return out;
}

/** One event as one line: "what · who · when". */
export function auditEventText(e: AuditEvent): string {
  return [e.what, e.who, e.when].filter(Boolean).join(' · ');
}

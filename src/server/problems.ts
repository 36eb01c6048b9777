/**
 * The one catalogue of errors the API returns. Every error body is
 * `{ code, message, details? }`: `message` in Indonesian by default, English when the
 * request's Accept-Language prefers English. No stack traces, ever.
 *
 * @example
 *   throw new Problem('period_closed', { name: period.name });
 */
import type { FieldIssue } from '../core';

export type Lang = 'id' | 'en';
type Params = Record<string, string | number>;
type Text = string | ((p: Params) => string);

interface Entry {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 423 | 426 | 429 | 500 | 503;
  id: Text;
  en: Text;
}

const EXPORT_HINT_ID =
  'Data yang belum terkirim tetap tersimpan di tablet: buka menu "Ekspor data", simpan berkasnya, lalu serahkan kepada koordinator.';
const EXPORT_HINT_EN =
  'Unsent data is still kept on this tablet: open "Export data", save the file and hand it to your coordinator.';

export const PROBLEMS = {
  bad_request: {
    status: 400,
    id: 'Permintaan tidak valid.',
    en: 'Bad request.',
  },
  bad_json: {
    status: 400,
    id: 'Isi permintaan bukan JSON yang valid.',
    en: 'The request body is not valid JSON.',
  },
  json_too_deep: {
    status: 400,
    id: (p) => `Isi permintaan JSON terlalu bertingkat (lebih dari ${p.max ?? 64} tingkat).`,
    en: (p) => `The JSON request body is nested too deeply (more than ${p.max ?? 64} levels).`,
  },
  validation_failed: {
    status: 422,
    // With `field` (one refused change of a push): which field and why.
    id: (p) =>
      p.field
        ? `Isian "${p.field}" tidak valid: ${p.reason ?? '–'}. Perubahan ini tidak disimpan server; perbaiki lalu kirim lagi.`
        : 'Data yang dikirim tidak valid. Periksa isian yang ditandai.',
    en: (p) =>
      p.field
        ? `The field "${p.fieldEn ?? p.field}" is not valid: ${p.reasonEn ?? '–'}. The server did not save this change; fix it and send it again.`
        : 'The submitted data is not valid. Check the marked fields.',
  },
  unsupported_media_type: {
    status: 415,
    id: 'Jenis isi permintaan tidak didukung.',
    en: 'Unsupported request content type.',
  },
  evidence_too_large: {
    status: 413,
    id: (p) => `Berkas ${p.kind} terlalu besar (maks. ${p.limit}).`,
    en: (p) => `The ${p.kindEn} file is too large (at most ${p.limit}).`,
  },
  payload_too_large: {
    status: 413,
    id: (p) => `Isi permintaan terlalu besar (maksimal ${p.limit}).`,
    en: (p) => `The request body is too large (at most ${p.limit}).`,
  },
  unauthenticated: {
    status: 401,
    id: 'Silakan masuk terlebih dahulu.',
    en: 'Please sign in first.',
  },
  invalid_credentials: {
    status: 401,
    id: 'Email atau kata sandi salah.',
    en: 'Wrong e-mail or password.',
  },
  session_expired: {
    status: 401,
    id: 'Sesi Anda telah berakhir. Silakan masuk kembali.',
    en: 'Your session has expired. Please sign in again.',
  },
  device_unknown: {
    status: 401,
    id: 'Server tidak mengenal tablet ini (misalnya server dipulihkan dari cadangan yang dibuat sebelum tablet ini didaftarkan). Daftarkan ulang tablet dengan kode baru dari koordinator; data di tablet tetap tersimpan.',
    en: 'The server does not know this tablet (for instance, it was restored from a backup made before this tablet was enrolled). Enrol the tablet again with a new code from your coordinator; the data on the tablet is kept.',
  },
  device_revoked: {
    status: 401,
    id: `Akses tablet ini telah dicabut oleh koordinator. ${EXPORT_HINT_ID}`,
    en: `This tablet's access was revoked by the coordinator. ${EXPORT_HINT_EN}`,
  },
  device_released: {
    status: 401,
    id: `Tablet ini sudah dilepas dan tidak lagi terdaftar. Daftarkan ulang dengan kode baru dari koordinator. ${EXPORT_HINT_ID}`,
    en: `This tablet was released and is no longer enrolled. Enrol it again with a new code from your coordinator. ${EXPORT_HINT_EN}`,
  },
  account_disabled: {
    status: 403,
    id: 'Akun ini dinonaktifkan. Hubungi koordinator.',
    en: 'This account is disabled. Contact your coordinator.',
  },
  forbidden: {
    status: 403,
    // Says "no access" first: a viewer who opens a coordinator-only page reads why it stays
    // empty, and never a "not found" for something that exists.
    id: 'Anda tidak memiliki akses: peran Anda tidak diizinkan melakukan tindakan ini.',
    en: 'You do not have access: your role is not allowed to do this.',
  },
  not_assigned: {
    status: 403,
    // With `unit` (one refused change of a push): names the unit.
    id: (p) =>
      p.unit
        ? `Unit "${p.unit}" tidak (lagi) ditugaskan kepada Anda, sehingga perubahan ini tidak disimpan server. Hubungi koordinator bila penugasan ini masih berlaku.`
        : 'Unit ini tidak ditugaskan kepada Anda.',
    en: (p) =>
      p.unit
        ? `The unit "${p.unit}" is not (or no longer) assigned to you, so the server did not save this change. Contact your coordinator if this assignment still holds.`
        : 'This unit is not assigned to you.',
  },
  // One refused change of an imported export file: the unit was assigned to the tablet's
  // verifier when the tablet took it, and withdrawn since (`to`: who holds it now).
  assignment_withdrawn: {
    status: 403,
    id: (p) =>
      `Penugasan unit${p.unit ? ` "${p.unit}"` : ' ini'} kepada verifikator tablet ini sudah dicabut${p.to ? ` (kini ditugaskan kepada ${p.to})` : ''}, sehingga perubahan ini tidak disimpan server. Tugaskan kembali unit ini kepada verifikator tersebut bila perubahannya masih diperlukan.`,
    en: (p) =>
      `The assignment of ${p.unit ? `the unit "${p.unit}"` : 'this unit'} to this tablet's verifier was withdrawn${p.to ? ` (it is now assigned to ${p.to})` : ''}, so the server did not save this change. Assign the unit to that verifier again if the change is still needed.`,
  },
  too_many_attempts: {
    status: 429,
    id: (p) => `Terlalu banyak percobaan gagal. Coba lagi dalam ${p.minutes} menit.`,
    en: (p) => `Too many failed attempts. Try again in ${p.minutes} minutes.`,
  },
  rotation_limited: {
    status: 429,
    id: 'Tablet ini sudah terlalu sering meminta identitas baru dalam satu jam terakhir. Data tetap tersimpan di tablet; coba lagi nanti atau hubungi koordinator.',
    en: 'This tablet asked for a new identity too often in the last hour. Its data is kept on the tablet; try again later or contact your coordinator.',
  },
  login_busy: {
    status: 429,
    id: 'Server sedang sibuk memeriksa kata sandi lain. Coba lagi dalam beberapa detik.',
    en: 'The server is busy checking other passwords. Try again in a few seconds.',
  },
  protocol_mismatch: {
    status: 426,
    id: (p) =>
      `Versi aplikasi tidak cocok dengan server (aplikasi: ${p.client}, server: ${p.server}). Perbarui aplikasi: muat ulang halaman lalu pilih "Perbarui". Data di tablet tetap aman.`,
    en: (p) =>
      `This app version does not match the server (app: ${p.client}, server: ${p.server}). Update the app: reload the page and choose "Update". Data on the tablet stays safe.`,
  },
  route_not_found: {
    status: 404,
    id: 'Alamat API tidak dikenal.',
    en: 'Unknown API address.',
  },
  not_found: {
    status: 404,
    id: (p) => `${p.what ?? 'Data'} tidak ditemukan.`,
    en: (p) => `${p.whatEn ?? 'Record'} not found.`,
  },
  enrolment_invalid: {
    status: 400,
    id: 'Kode pendaftaran tidak dikenal, sudah dipakai, atau kedaluwarsa. Minta kode baru kepada koordinator.',
    en: 'The enrolment code is unknown, already used or expired. Ask your coordinator for a new code.',
  },
  email_taken: {
    status: 409,
    id: 'Email ini sudah dipakai akun lain.',
    en: 'This e-mail address is already used by another account.',
  },
  not_a_verifier: {
    status: 409,
    id: 'Akun ini bukan verifikator atau sedang nonaktif.',
    en: 'This account is not an active verifier.',
  },
  framework_invalid: {
    status: 422,
    id: (p) =>
      `Berkas instrumen tidak valid (${p.count} masalah). Perbaiki semua masalah yang tercantum lalu impor ulang.`,
    en: (p) =>
      `The instrument file is not valid (${p.count} problems). Fix every listed problem and import again.`,
  },
  framework_exists: {
    status: 409,
    id: (p) => `Instrumen dengan kode "${p.id}" sudah ada. Versi baru harus memakai kode baru.`,
    en: (p) => `An instrument with id "${p.id}" already exists. A new version needs a new id.`,
  },
  framework_built_in: {
    status: 409,
    id: 'Instrumen bawaan tidak dapat dihapus.',
    en: 'Built-in instruments cannot be deleted.',
  },
  framework_in_use: {
    status: 409,
    id: 'Instrumen ini dipakai oleh periode evaluasi sehingga tidak dapat diubah atau dihapus.',
    en: 'This instrument is used by an evaluation period and cannot be changed or deleted.',
  },
  period_in_use: {
    status: 409,
    id: 'Periode ini sudah memiliki penugasan; instrumennya tidak dapat diganti dan periodenya tidak dapat dihapus.',
    en: 'This period already has assignments; its instrument cannot change and it cannot be deleted.',
  },
  period_closed: {
    status: 409,
    // With `name` (one refused change of a push): names the period.
    id: (p) =>
      p.name
        ? `Periode evaluasi "${p.name}" sudah ditutup, sehingga perubahan ini tidak disimpan server. Hubungi koordinator bila periode dibuka kembali.`
        : 'Periode evaluasi ini sudah ditutup.',
    en: (p) =>
      p.name
        ? `The evaluation period "${p.name}" is closed, so the server did not save this change. Contact your coordinator if the period is reopened.`
        : 'This evaluation period is closed.',
  },
  stage_changed: {
    status: 409,
    id: (p) =>
      `Tahap periode ini sudah berubah menjadi "${p.current ?? '–'}" (dari tab atau oleh koordinator lain). Muat ulang halaman lalu periksa tahapnya sebelum melanjutkan.`,
    en: (p) =>
      `This period's stage has already changed to "${p.currentEn ?? '–'}" (in another tab or by another coordinator). Reload the page and check its stage before moving on.`,
  },
  stage_not_next: {
    status: 422,
    id: (p) =>
      p.next
        ? `Periode hanya dapat dilanjutkan satu tahap ke depan: dari "${p.from ?? '–'}" ke "${p.next}".`
        : `"${p.from ?? '–'}" adalah tahap terakhir periode ini; tidak ada tahap berikutnya.`,
    en: (p) =>
      p.nextEn
        ? `A period moves one stage forward only: from "${p.fromEn ?? '–'}" to "${p.nextEn}".`
        : `"${p.fromEn ?? '–'}" is this period's last stage; there is no next stage.`,
  },
  stage_not_in_period: {
    status: 422,
    // One refused change of a push: a value for a stage the period does not use.
    id: (p) =>
      `Tahap "${p.stage ?? '–'}" tidak dipakai dalam periode "${p.name ?? '–'}", sehingga nilai tahap ini tidak disimpan server. Hubungi koordinator bila tahap periode diubah.`,
    en: (p) =>
      `The stage "${p.stageEn ?? '–'}" is not one of the stages of the period "${p.name ?? '–'}", so the server did not save this stage's value. Contact your coordinator if the period's stages change.`,
  },
  stage_closed: {
    status: 422,
    // One refused field of a push: a stage value made after the coordinator closed that
    // stage (moved the period on). The rest of the change is kept.
    id: (p) =>
      `Tahap "${p.stage ?? '–'}" sudah ditutup ${p.closedAt ?? '–'}; nilai ini dibuat sesudahnya, sehingga tidak disimpan server. Pilih level lagi untuk tahap "${p.current ?? '–'}".`,
    en: (p) =>
      `The stage "${p.stageEn ?? '–'}" was closed on ${p.closedAtEn ?? '–'}; this value was made after that, so the server did not save it. Choose the level again for the stage "${p.currentEn ?? '–'}".`,
  },
  unit_code_taken: {
    status: 409,
    id: (p) => `Kode unit "${p.code}" sudah dipakai.`,
    en: (p) => `Unit code "${p.code}" is already used.`,
  },
  unit_parent_invalid: {
    status: 422,
    id: (p) => `Induk unit tidak sesuai: ${p.reason}`,
    en: (p) => `Invalid parent unit: ${p.reasonEn}`,
  },
  unit_in_use: {
    status: 409,
    // Names what holds the unit and what to do first: assessed units are evidence and stay.
    id: (p) => {
      const held = [
        p.children ? `${p.children} sub-unit` : '',
        p.assignments ? `${p.assignments} penugasan` : '',
        p.assessments ? `${p.assessments} penilaian` : '',
        p.actions ? `${p.actions} tindak lanjut` : '',
        p.owners ? `${p.owners} akun penanggung jawab` : '',
      ].filter(Boolean);
      const what = held.length ? held.join(', ') : 'sub-unit, penugasan, atau penilaian';
      const next = p.assessments
        ? 'Unit yang sudah dinilai tetap disimpan sebagai bukti; ganti namanya atau pindahkan bila perlu.'
        : p.children
          ? 'Pindahkan atau hapus sub-unitnya dulu.'
          : p.actions || p.owners
            ? 'Hapus atau alihkan tindak lanjutnya dan nonaktifkan atau pindahkan akun penanggung jawabnya dulu.'
            : 'Hapus penugasannya dulu di halaman Penugasan.';
      return `Unit "${p.name ?? ''}" tidak dapat dihapus karena masih memiliki ${what}. ${next}`;
    },
    en: (p) => {
      const held = [
        p.children ? `${p.children} sub-unit(s)` : '',
        p.assignments ? `${p.assignments} assignment(s)` : '',
        p.assessments ? `${p.assessments} assessment(s)` : '',
        p.actions ? `${p.actions} improvement action(s)` : '',
        p.owners ? `${p.owners} owner account(s)` : '',
      ].filter(Boolean);
      const what = held.length ? held.join(', ') : 'sub-units, assignments or assessments';
      const next = p.assessments
        ? 'An assessed unit is kept as evidence; rename or move it if needed.'
        : p.children
          ? 'Move or delete its sub-units first.'
          : p.actions || p.owners
            ? 'Delete or reassign its improvement actions and move its owner accounts first.'
            : 'Remove its assignments first on the Assignments page.';
      return `The unit "${p.name ?? ''}" cannot be deleted: it still has ${what}. ${next}`;
    },
  },
  csv_invalid: {
    status: 422,
    id: (p) =>
      `Berkas CSV tidak dapat diimpor: ${p.count} baris bermasalah. Tidak ada data yang disimpan; perbaiki lalu impor ulang.`,
    en: (p) =>
      `The CSV file cannot be imported: ${p.count} rows have problems. Nothing was saved; fix them and import again.`,
  },
  csv_header: {
    status: 422,
    id: (p) => `Baris judul CSV harus: ${p.expected}`,
    en: (p) => `The CSV header must be: ${p.expected}`,
  },
  csv_empty: {
    status: 422,
    id: 'Berkas CSV tidak berisi baris data.',
    en: 'The CSV file has no data rows.',
  },
  official_invalid: {
    status: 422,
    id: (p) =>
      `Hasil resmi tidak dapat diimpor: ${p.count} baris bermasalah. Tidak ada data yang disimpan; perbaiki lalu impor ulang.`,
    en: (p) =>
      `The official result cannot be imported: ${p.count} rows have problems. Nothing was saved; fix them and import again.`,
  },
  official_header: {
    status: 422,
    id: (p) =>
      `Baris judul berkas hasil resmi harus memuat kolom ${p.expected} (seperti templat). Tidak ada data yang disimpan.`,
    en: (p) =>
      `The official result file's header row must have the columns ${p.expected} (as the template). Nothing was saved.`,
  },
  official_empty: {
    status: 422,
    id: 'Berkas hasil resmi tidak berisi baris data.',
    en: 'The official result file has no data rows.',
  },
  xlsx_unreadable: {
    status: 422,
    id: 'Berkas XLSX tidak dapat dibaca (rusak, terkunci kata sandi, atau bukan buku kerja Excel). Simpan ulang dari Excel lalu impor ulang. Tidak ada data yang disimpan.',
    en: 'The XLSX file cannot be read (damaged, password-protected, or not an Excel workbook). Save it again from Excel and import it again. Nothing was saved.',
  },
  csv_encoding: {
    status: 422,
    id: (p) =>
      `Berkas CSV tidak dapat dibaca sebagai teks (${p.reason ?? '–'}). Simpan ulang dari Excel sebagai "CSV UTF-8 (Comma delimited)" lalu impor ulang. Tidak ada data yang disimpan.`,
    en: (p) =>
      `The CSV file cannot be read as text (${p.reasonEn ?? '–'}). Save it again from Excel as "CSV UTF-8 (Comma delimited)" and import it again. Nothing was saved.`,
  },
  seq_gap: {
    status: 409,
    id: (p) =>
      `Urutan perubahan dari tablet ini terputus: server menunggu nomor ${p.expected ?? '–'}, tablet mengirim nomor ${p.got ?? '–'}. Tidak ada yang disimpan. ${EXPORT_HINT_ID}`,
    en: (p) =>
      `The sequence of changes from this tablet has a gap: the server expects number ${p.expected ?? '–'}, the tablet sent number ${p.got ?? '–'}. Nothing was saved. ${EXPORT_HINT_EN}`,
  },
  device_mismatch: {
    status: 403,
    id: 'Identitas tablet pada permintaan tidak cocok dengan tablet yang terdaftar. Daftarkan ulang tablet ini; data di tablet tetap aman.',
    en: 'The tablet identity in the request does not match the enrolled tablet. Enrol this tablet again; data on the tablet stays safe.',
  },
  field_not_writable: {
    status: 403,
    id: (p) =>
      `Isian "${p.field ?? '–'}" hanya dapat diubah oleh koordinator. Tidak ada yang disimpan.`,
    en: (p) =>
      `The field "${p.field ?? '–'}" can only be changed by a coordinator. Nothing was saved.`,
  },
  immutable_field: {
    status: 422,
    id: (p) =>
      `Isian "${p.field ?? '–'}" tidak dapat diubah setelah data dibuat (${p.entity ?? '–'} ${p.id ?? '–'}). Tidak ada yang disimpan.`,
    en: (p) =>
      `The field "${p.field ?? '–'}" cannot change once the record exists (${p.entity ?? '–'} ${p.id ?? '–'}). Nothing was saved.`,
  },
  value_out_of_domain: {
    status: 422,
    // `detail`/`detailEn`: core valueProblem's message, naming the indicator and what it takes.
    id: (p) =>
      `${p.detail ?? 'Nilai indikator di luar rentang yang diterima instrumen.'} Perubahan ini tidak disimpan server; perbaiki lalu kirim lagi.`,
    en: (p) =>
      `${p.detailEn ?? 'The indicator value is outside what the instrument accepts.'} The server did not save this change; fix it and send it again.`,
  },
  stored_value_out_of_domain: {
    status: 409,
    // Never expected (every edge refuses such values); said instead of a server error.
    id: (p) =>
      `Nilai tersimpan indikator ${p.no ?? '–'} (${p.value ?? '–'}) tidak sesuai dengan instrumen periode ini, sehingga indeks tidak dapat dihitung. Perbaiki nilai itu (misalnya isi ulang penilaian mandiri unit).`,
    en: (p) =>
      `The stored value of indicator ${p.no ?? '–'} (${p.value ?? '–'}) does not fit this period's instrument, so no index can be computed. Correct that value (e.g. enter the unit's penilaian mandiri again).`,
  },
  record_unknown: {
    status: 422,
    id: (p) =>
      `Perubahan untuk data yang belum dikenal server tanpa penilaian induknya (${p.entity ?? '–'} ${p.id ?? '–'}). Tidak ada yang disimpan.`,
    en: (p) =>
      `A change to a record the server does not know, without its assessment (${p.entity ?? '–'} ${p.id ?? '–'}). Nothing was saved.`,
  },
  evidence_hash_mismatch: {
    status: 409,
    id: (p) =>
      `Paket bukti tidak dibuat: berkas "${p.file ?? '–'}" (${p.unit ?? '–'}, indikator ${p.indicator ?? '–'}) di server tidak lagi cocok dengan sidik SHA-256-nya. Minta verifikator mengirim ulang berkas itu, lalu coba lagi.`,
    en: (p) =>
      `The evidence package was not built: the file "${p.file ?? '–'}" (${p.unit ?? '–'}, indicator ${p.indicator ?? '–'}) on the server no longer matches its SHA-256. Ask the verifier to send that file again, then retry.`,
  },
  national_package_too_large: {
    status: 409,
    id: (p) =>
      `Paket bukti seluruh Pemda terlalu besar untuk satu berkas zip (${p.files ?? '–'} berkas; batas 65.535 berkas dan 4 GB). Unduh paket bukti per unit.`,
    en: (p) =>
      `The whole Pemda's evidence package is too large for one zip file (${p.files ?? '–'} files; the limit is 65,535 files and 4 GB). Download the package of each unit instead.`,
  },
  hash_mismatch: {
    status: 422,
    id: 'Berkas bukti tidak utuh saat diterima (sidik SHA-256 tidak cocok) dan tidak disimpan. Tablet akan mengirimkannya ulang.',
    en: 'The evidence file did not arrive intact (its SHA-256 does not match) and was not kept. The tablet will send it again.',
  },
  upload_metadata: {
    status: 400,
    id: 'Unggahan berkas bukti memerlukan metadata sha256 (64 digit heksadesimal) dan filetype (JPEG, PNG, WebP, PDF, DOCX, ODT, XLSX, ODS, ZIP atau RAR).',
    en: 'An evidence upload needs the metadata sha256 (64 hex digits) and filetype (JPEG, PNG, WebP, PDF, DOCX, ODT, XLSX, ODS, ZIP or RAR).',
  },
  upload_length: {
    status: 400,
    id: 'Unggahan berkas bukti harus menyebutkan ukurannya (Upload-Length) sejak awal.',
    en: 'An evidence upload must state its size (Upload-Length) from the start.',
  },
  upload_locked: {
    status: 423,
    id: 'Unggahan berkas bukti ini sedang diterima melalui sambungan lain. Tidak ada yang hilang; tablet akan melanjutkannya sebentar lagi.',
    en: 'This evidence upload is being received over another connection. Nothing was lost; the tablet will resume it shortly.',
  },
  upload_quota: {
    status: 413,
    id: (p) =>
      `Tablet ini sudah memiliki ${p.open ?? '–'} unggahan berkas bukti yang belum selesai; bersama berkas ini (${p.size ?? '–'}) melebihi batas ${p.limit ?? '–'}. Tunggu sampai unggahan yang sedang berjalan selesai atau kedaluwarsa, lalu coba lagi.`,
    en: (p) =>
      `This tablet already has ${p.open ?? '–'} of unfinished evidence uploads; with this file (${p.size ?? '–'}) that exceeds the limit of ${p.limit ?? '–'}. Wait until the running uploads finish or expire, then try again.`,
  },
  bundle_corrupt: {
    status: 422,
    id: (p) =>
      `Berkas ekspor tablet rusak dan tidak dapat dibaca (${p.reason ?? '–'}). Tidak ada data yang disimpan; minta verifikator mengekspor ulang dari tablet.`,
    en: (p) =>
      `The tablet export file is damaged and cannot be read (${p.reason ?? '–'}). Nothing was saved; ask the verifier to export again from the tablet.`,
  },
  bundle_foreign: {
    status: 422,
    id: 'Berkas ini bukan berkas ekspor Telusur. Tidak ada data yang disimpan.',
    en: 'This file is not a Telusur export file. Nothing was saved.',
  },
  bundle_tampered: {
    status: 422,
    id: (p) =>
      `Isi berkas ekspor tidak cocok dengan sidik SHA-256-nya (${p.reason ?? '–'}): berkas rusak atau telah diubah. Tidak ada data yang disimpan; minta verifikator mengekspor ulang dari tablet.`,
    en: (p) =>
      `The export file's content does not match its SHA-256 (${p.reason ?? '–'}): it is damaged or was altered. Nothing was saved; ask the verifier to export again from the tablet.`,
  },
  bundle_version: {
    status: 422,
    id: (p) =>
      `Berkas ekspor dibuat oleh aplikasi yang lebih baru (format ${p.version ?? '–'}). Perbarui server lalu impor ulang. Tidak ada data yang disimpan.`,
    en: (p) =>
      `The export file was made by a newer app (format ${p.version ?? '–'}). Update the server, then import again. Nothing was saved.`,
  },
  // Export files are signed by the tablet that made them: only enrolled tablets speak.
  bundle_unsigned: {
    status: 422,
    id: 'Berkas ekspor ini tidak bertanda tangan tablet (dibuat aplikasi versi lama, atau bukan oleh tablet). Tidak ada data yang disimpan; perbarui aplikasi di tablet, sinkronkan sekali bila bisa, lalu ekspor ulang.',
    en: 'This export file carries no tablet signature (made by an old app version, or not by a tablet). Nothing was saved; update the app on the tablet, sync once if possible, then export again.',
  },
  bundle_foreign_device: {
    status: 422,
    id: 'Berkas ekspor ini ditandatangani oleh tablet yang tidak didaftarkan di server ini, atau tanda tangannya menyebut tablet lain daripada isinya. Tidak ada data yang disimpan; impor hanya berkas dari tablet yang terdaftar di sini.',
    en: 'This export file is signed by a tablet that was not enrolled on this server, or its signature names another tablet than its content. Nothing was saved; import only files of tablets enrolled here.',
  },
  bundle_signature_invalid: {
    status: 422,
    id: 'Tanda tangan berkas ekspor tidak cocok dengan isinya: berkas diubah setelah diekspor atau tidak dibuat oleh tablet yang disebutkan. Tidak ada data yang disimpan; minta verifikator mengekspor ulang dari tablet.',
    en: 'The export file’s signature does not match its content: the file was changed after export or was not made by the tablet it names. Nothing was saved; ask the verifier to export again from the tablet.',
  },
  bundle_not_assigned: {
    status: 422,
    // A withdrawn assignment the tablet still held imports (each change refused
    // `assignment_withdrawn`); this is for a unit the server never gave this tablet.
    id: 'Penilaian dalam berkas ekspor ini tidak ditugaskan kepada verifikator pemilik tablet tersebut, dan server tidak mencatat tablet ini pernah menerimanya. Tidak ada data yang disimpan; periksa penugasan lalu impor ulang.',
    en: 'The assessment in this export file is not assigned to the verifier of the tablet that made it, and the server has no record of this tablet ever receiving it. Nothing was saved; check the assignments, then import again.',
  },
  // Zip bombs: judged from the zip directory before anything is inflated.
  bundle_too_large: {
    status: 413,
    id: (p) =>
      `Berkas ekspor terlalu besar bila dibuka (${p.what ?? '–'}; batas ${p.limit ?? '–'}). Tidak ada data yang disimpan; ekspor per penilaian, atau minta admin menaikkan batasnya.`,
    en: (p) =>
      `The export file is too large once unpacked (${p.whatEn ?? '–'}; limit ${p.limit ?? '–'}). Nothing was saved; export one assessment at a time, or ask the admin to raise the limit.`,
  },
  bundle_suspicious: {
    status: 422,
    id: (p) =>
      `Berkas ekspor ditolak tanpa dibuka karena isinya tidak wajar (${p.reason ?? '–'}; bukan berkas dari tablet). Tidak ada data yang disimpan; minta verifikator mengekspor ulang dari tablet.`,
    en: (p) =>
      `The export file was refused without unpacking it because its content is implausible (${p.reason ?? '–'}; not a file made by a tablet). Nothing was saved; ask the verifier to export again from the tablet.`,
  },
  assessment_approved: {
    status: 409,
    // With `unit` (one refused change of a push): names the unit.
    id: (p) =>
      `Verifikasi ${p.unit ? `unit "${p.unit}"` : 'unit ini'} sudah disetujui koordinator; perubahan ditolak — minta koordinator membukanya kembali.`,
    en: (p) =>
      `The verification of ${p.unit ? `the unit "${p.unit}"` : 'this unit'} was approved by the coordinator; the change is refused — ask the coordinator to reopen it.`,
  },
  record_changed: {
    status: 409,
    id: 'Verifikasi ini berubah sejak halaman dibuka (oleh tablet atau keputusan lain). Keputusan tidak disimpan; muat ulang, periksa perubahannya, lalu putuskan lagi.',
    en: 'This verification changed since the page was opened (by a tablet or another decision). The decision was not saved; reload, check the changes, then decide again.',
  },
  not_signed: {
    status: 409,
    id: (p) =>
      p.state === 'void'
        ? 'Tanda tangan berita acara batal: hasil berubah setelah ditandatangani. Verifikator harus menandatangani ulang dan mengirimnya sebelum verifikasi dapat diputuskan.'
        : 'Berita acara belum ditandatangani, sehingga verifikasi belum dapat diputuskan.',
    en: (p) =>
      p.state === 'void'
        ? 'The berita acara’s signatures are void: results changed after signing. The verifier must sign again and send it before the verification can be decided.'
        : 'The berita acara is not signed yet, so the verification cannot be decided.',
  },
  signing_time_doubtful: {
    status: 409,
    id: 'Waktu tanda tangan berita acara diragukan: jam tablet tidak tepat saat ditandatangani (⚠ jam tablet diragukan), sehingga verifikasi belum dapat disetujui. Kembalikan dengan catatan agar verifikator membetulkan jam tablet lalu menandatangani ulang.',
    en: 'The berita acara’s signing time is doubtful: the tablet’s clock was wrong when it was signed (⚠ tablet clock doubtful), so the verification cannot be approved yet. Return it with comments so the verifier corrects the tablet’s clock and signs again.',
  },
  record_incomplete: {
    status: 409,
    id: (p) =>
      `Verifikasi belum lengkap (${p.missing ?? '–'} indikator belum diverifikasi atau belum diberi alasan tidak berlaku) dan tidak ditandatangani sebagai verifikasi sebagian, sehingga tidak dapat disetujui. Kembalikan dengan catatan.`,
    en: (p) =>
      `The verification is incomplete (${p.missing ?? '–'} indicators neither verified nor marked not applicable with a reason) and was not signed as a partial verification, so it cannot be approved. Return it with comments.`,
  },
  not_approved: {
    status: 409,
    id: 'Hanya verifikasi yang sudah disetujui yang dapat dibuka kembali.',
    en: 'Only an approved verification can be reopened.',
  },
  conflict_resolved: {
    status: 409,
    id: 'Konflik ini sudah diselesaikan.',
    en: 'This conflict has already been resolved.',
  },
  invalid_value: {
    status: 422,
    // `detail`/`detailEn`: core valueProblem's message (the indicator and what it takes).
    id: (p) =>
      `${p.detail ?? 'Nilai di luar rentang yang diterima instrumen.'} Tidak ada yang disimpan.`,
    en: (p) =>
      `${p.detailEn ?? 'The value is outside what the instrument accepts.'} Nothing was saved.`,
  },
  action_target_not_higher: {
    status: 422,
    id: (p) =>
      `Target level ${p.target ?? '–'} tidak lebih tinggi dari level saat ini (${p.current ?? '–'}) pada indikator ${p.no ?? '–'}. Tindak lanjut harus menaikkan level. Tidak ada yang disimpan.`,
    en: (p) =>
      `The target level ${p.targetEn ?? '–'} is not above the current level (${p.currentEn ?? '–'}) of indicator ${p.no ?? '–'}. An action must raise the level. Nothing was saved.`,
  },
  action_changed: {
    status: 409,
    id: 'Tindak lanjut ini sudah diubah orang lain (atau di tab lain). Muat ulang untuk melihat keadaannya sekarang; perubahan Anda tidak disimpan.',
    en: 'Someone else (or another tab) changed this action first. Reload to see it as it is now; your change was not saved.',
  },
  action_closed: {
    status: 409,
    id: 'Tindak lanjut ini sudah selesai. Koordinator dapat membukanya kembali (status "Berjalan") bila perlu diubah.',
    en: 'This action is done. A coordinator can reopen it (status "In progress") if it needs changes.',
  },
  action_evidence_required: {
    status: 422,
    id: 'Untuk menyelesaikan tindak lanjut, tulis catatan dan lampirkan minimal satu berkas atau satu tautan bukti dukung. Tidak ada yang disimpan.',
    en: 'To close an action, write a note and attach at least one file or one link as evidence. Nothing was saved.',
  },
  action_bulk_invalid: {
    status: 422,
    // `details.rows`: one entry per refused row (`row` counts from 1), with its own problem.
    id: (p) =>
      `${p.count ?? '–'} baris tidak dapat dibuat menjadi tindak lanjut (lihat rinciannya per baris). Tidak ada tindak lanjut yang dibuat.`,
    en: (p) =>
      `${p.count ?? '–'} rows cannot become actions (see the details per row). No action was created.`,
  },
  evidence_type_mismatch: {
    status: 422,
    id: (p) =>
      `Isi berkas "${p.name ?? '–'}" tidak sesuai dengan jenisnya (${p.type ?? '–'}). Berkas tidak disimpan.`,
    en: (p) =>
      `The content of the file "${p.name ?? '–'}" does not match its type (${p.type ?? '–'}). The file was not saved.`,
  },
  device_seq_reused: {
    status: 409,
    id: (p) =>
      `Nomor urut perubahan ${p.seq ?? '–'} dari tablet ini sudah diterima server dengan isi yang berbeda (tablet disalin dari tablet lain atau dipulihkan dari cadangan lama). Tidak ada yang disimpan. Tablet perlu identitas baru lalu mengirim ulang perubahannya; datanya tetap aman.`,
    en: (p) =>
      `Change number ${p.seq ?? '–'} of this tablet already reached the server with different content (the tablet was copied from another or restored from an old backup). Nothing was saved. The tablet needs a new identity and then sends its changes again; its data stays safe.`,
  },
  logo_invalid: {
    status: 422,
    // The type is read from the file's first bytes, never from its name: an SVG or a page
    // renamed to .png is refused, so nothing served as a logo can ever run.
    id: 'Logo harus berupa gambar PNG atau JPEG. Logo tidak disimpan.',
    en: 'The logo must be a PNG or JPEG image. The logo was not saved.',
  },
  logo_too_large: {
    status: 413,
    id: (p) => `Berkas logo terlalu besar (maks. ${p.limit}). Logo tidak disimpan.`,
    en: (p) => `The logo file is too large (at most ${p.limit}). The logo was not saved.`,
  },
  organisation_not_set: {
    status: 409,
    id: 'Organisasi belum disiapkan: isi nama, jenis dan zona waktu terlebih dahulu, lalu unggah logonya.',
    en: 'The organisation is not set up yet: enter its name, kind and time zone first, then upload its logo.',
  },
  server_busy: {
    status: 503,
    id: 'Server sedang sibuk menyimpan perubahan lain. Tidak ada yang hilang; tablet akan mencoba lagi sebentar lagi.',
    en: 'The server is busy saving other changes. Nothing was lost; the tablet will try again shortly.',
  },
  database_busy: {
    status: 503,
    // Every database connection of this process stayed busy for PG_CONNECT_TIMEOUT_MS.
    id: 'Server sedang melayani terlalu banyak permintaan sekaligus. Tidak ada yang hilang; coba lagi dalam beberapa detik.',
    en: 'The server is handling too many requests at once. Nothing was lost; try again in a few seconds.',
  },
  database_unavailable: {
    status: 503,
    id: 'Basis data server tidak dapat dihubungi. Coba lagi nanti.',
    en: 'The server database is unreachable. Try again later.',
  },
  files_unavailable: {
    status: 503,
    id: 'Penyimpanan berkas bukti server tidak dapat dihubungi. Tidak ada yang hilang; coba lagi nanti.',
    en: 'The server cannot reach its evidence file store. Nothing was lost; try again later.',
  },
  internal_error: {
    status: 500,
    id: 'Terjadi kesalahan pada server. Coba lagi; bila berulang, hubungi admin.',
    en: 'Something went wrong on the server. Try again; if it keeps happening, contact the admin.',
  },
} satisfies Record<string, Entry>;

export type ProblemCode = keyof typeof PROBLEMS;

/** An error the API reports to the caller, by catalogue code. */
export class Problem extends Error {
  readonly code: ProblemCode;
  readonly params: Params;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(
    code: ProblemCode,
    params: Params = {},
    details?: unknown,
    headers: Record<string, string> = {},
  ) {
    super(code);
    this.name = 'Problem';
    this.code = code;
    this.params = params;
    this.details = details;
    this.headers = headers;
  }

  get status(): Entry['status'] {
    return PROBLEMS[this.code].status;
  }
}

/** The JSON body of a problem in a language. */
export function problemBody(
  p: Problem,
  lang: Lang,
): { code: string; message: string; details?: unknown } {
  const entry: Entry = PROBLEMS[p.code];
  const text = lang === 'en' ? entry.en : entry.id;
  const message = typeof text === 'function' ? text(p.params) : text;
  const details =
    typeof p.details === 'function' ? (p.details as (l: Lang) => unknown)(lang) : p.details;
  return details === undefined ? { code: p.code, message } : { code: p.code, message, details };
}

// One issue in the shape zod failures are reported in (the API contract's).
export type { FieldIssue };

/**
 * A 422 about one body field that passed the schema but not the database (e.g. an
 * unknown id), reported like a schema failure.
 *
 * @example
 *   throw fieldProblem('frameworkId', 'unknown_reference', 'Instrumen tidak ditemukan.', 'Instrument not found.');
 */
export function fieldProblem(path: string, code: string, id: string, en: string): Problem {
  return new Problem('validation_failed', {}, (lang: Lang) => ({
    issues: [{ path, code, message: lang === 'en' ? en : id }] satisfies FieldIssue[],
  }));
}

/**
 * 'en' when Accept-Language ranks an English tag above every Indonesian one, else 'id'.
 *
 * @example
 *   preferredLang('en-US,en;q=0.9,id;q=0.8'); // 'en'
 */
export function preferredLang(header: string | undefined | null): Lang {
  if (!header) return 'id';
  let best: { lang: Lang; q: number } | null = null;
  for (const part of header.split(',').slice(0, 20)) {
    const [tagRaw, ...params] = part.trim().split(';');
    const tag = (tagRaw ?? '').trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const m = /^\s*q=([0-9.]+)\s*$/.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q) || q <= 0) continue;
    const lang: Lang | null =
      tag === 'en' || tag.startsWith('en-')
        ? 'en'
        : tag === 'id' || tag.startsWith('id-')
          ? 'id'
          : null;
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'id';
}

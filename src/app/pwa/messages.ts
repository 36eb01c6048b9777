import { defineMessages } from '../../ui/i18n';

/**
 * Texts of the update bar. Kept beside it rather than in the app's table: each kind of
 * unsaved input needs three phrasings (this tab, another tab, what a tab is waited for).
 */
const id = {
  available: 'Versi baru Telusur tersedia.',
  required:
    'Server tidak lagi menerima versi aplikasi ini. Perbarui untuk melanjutkan sinkronisasi.',
  update: 'Perbarui',
  updating: 'Memperbarui…',
  fetching: 'Mengunduh versi baru…',
  fetchFailed:
    'Versi baru belum bisa diunduh. Sambungkan tablet ke internet, lalu tekan Perbarui lagi.',
  later: 'Nanti',
  here_text: 'Simpan dulu teks yang sedang diketik, lalu tekan Perbarui lagi.',
  here_signature:
    'Simpan dulu tanda tangan yang belum disimpan (atau hapus), lalu tekan Perbarui lagi.',
  here_photo: 'Tunggu sampai foto selesai disiapkan, lalu tekan Perbarui lagi.',
  here_sync: 'Tunggu sinkronisasi selesai, lalu tekan Perbarui lagi.',
  other: 'Tab lain masih {what} ({where}).',
  other_text: 'menyimpan teks yang belum tersimpan',
  other_signature: 'menyimpan tanda tangan yang belum disimpan',
  other_photo: 'menyiapkan foto',
  other_sync: 'mengirim data',
  and: ' dan ',
  otherThen: 'Pembaruan berjalan sendiri begitu selesai di sana.',
  waited:
    'Pembaruan aplikasi diminta di tab lain dan menunggu tab ini: {what}. Simpan atau hapus dulu; aplikasi lalu diperbarui sendiri.',
  noun_text: 'teks yang belum tersimpan',
  noun_signature: 'tanda tangan yang belum disimpan',
  noun_photo: 'foto yang sedang disiapkan',
  noun_sync: 'sinkronisasi yang sedang berjalan',
  discard: 'Buang dan perbarui',
  takenOver:
    'Versi baru sudah aktif dan halaman ini menunggu {what}. Simpan atau hapus dulu; halaman lalu dimuat ulang sendiri.',
  reloadNow: 'Muat ulang sekarang',
};

export type UpdateKey = keyof typeof id;

const en: Record<UpdateKey, string> = {
  available: 'A new version of Telusur is available.',
  required: 'The server no longer accepts this app version. Update to keep syncing.',
  update: 'Update',
  updating: 'Updating…',
  fetching: 'Downloading the new version…',
  fetchFailed:
    'The new version could not be downloaded. Connect to the internet, then press Update again.',
  later: 'Later',
  here_text: 'First save the text being typed, then press Update again.',
  here_signature: 'First save (or clear) the signature not yet saved, then press Update again.',
  here_photo: 'Wait until the photo is prepared, then press Update again.',
  here_sync: 'Wait for the sync to finish, then press Update again.',
  other: 'Another tab {what} ({where}).',
  other_text: 'still holds text not yet saved',
  other_signature: 'still holds a signature not yet saved',
  other_photo: 'is still preparing a photo',
  other_sync: 'is still syncing',
  and: ' and ',
  otherThen: 'The update continues by itself once that is done.',
  waited:
    'An app update was asked for in another tab and waits for this one: {what}. Save or clear it first; the app then updates by itself.',
  noun_text: 'text not yet saved',
  noun_signature: 'a signature not yet saved',
  noun_photo: 'a photo being prepared',
  noun_sync: 'a sync in progress',
  discard: 'Discard and update',
  takenOver:
    'The new version is active and this page waits for {what}. Save or clear it first; the page then reloads by itself.',
  reloadNow: 'Reload now',
};

export const { useT: useUpdateT } = defineMessages<UpdateKey>({ id, en });

import { defineMessages } from '../../ui/i18n';

/**
 * Texts of the photo section that only it shows: linking a photo to an expected document,
 * undoing a removal, the place and the stamp. They ride in the photo section's own lazy
 * chunk instead of the app's first-load table (src/app/i18n.ts), through the same locale.
 */
const id = {
  provesNext: 'Foto yang akan diambil membuktikan dokumen',
  provesLabel: 'Bukti untuk dokumen',
  provesNone: '— belum dikaitkan —',
  photoRemoved: 'Foto {name} dihapus.',
  fileRemoved: 'Berkas {name} dihapus.',
  undo: 'Urungkan',
  photoStampOn:
    'Koordinator meminta cap pada foto: unit, indikator dan waktu pengambilan dicetak di pojok kiri bawah setiap foto baru.',
  locationRefused: 'Lokasi foto tidak direkam karena izin lokasi ditolak.',
  locationAllow: 'Rekam lokasi lagi',
  locationAskedAgain:
    'Foto berikutnya akan meminta izin lokasi lagi. Bila peramban tetap menolak, izinkan lokasi untuk aplikasi ini di pengaturan peramban.',
  loadingPhotos: 'Memuat foto…',
} as const;

const en: Record<keyof typeof id, string> = {
  provesNext: 'Photos you take next prove the document',
  provesLabel: 'Proves the document',
  provesNone: '— not linked —',
  photoRemoved: 'Photo {name} removed.',
  fileRemoved: 'File {name} removed.',
  undo: 'Undo',
  photoStampOn:
    'The coordinator asks for a stamp: unit, indicator and capture time are printed in the bottom-left corner of every new photo.',
  locationRefused: 'Photo locations are not recorded: location permission was refused.',
  locationAllow: 'Record location again',
  locationAskedAgain:
    'The next photo asks for location permission again. If the browser still refuses, allow location for this app in the browser settings.',
  loadingPhotos: 'Loading photos…',
};

export type PhotoMessageKey = keyof typeof id;
export const { useT: usePhotoT } = defineMessages<PhotoMessageKey>({ id, en });

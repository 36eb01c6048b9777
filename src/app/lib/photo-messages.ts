import { defineMessages } from '../../ui/i18n';

/**
 * Texts of the photo section that only it shows: linking a photo to an expected document,
 * undoing a removal, the place and the stamp, size limits, link evidence, downloads. They ride in the photo section's own lazy
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
  limits: 'Batas ukuran: {line}.',
  addLink: 'Tambah tautan',
  linkUrl: 'Alamat tautan (URL)',
  linkUrlInvalid:
    'Alamat tautan harus diawali http:// atau https://, tanpa spasi (contoh: https://layanan.pemda.go.id).',
  linkScreenshot: 'Tangkapan layar halaman',
  linkScreenshotTake: 'Foto layar',
  linkScreenshotPick: 'Pilih gambar',
  linkScreenshotNone: 'Belum ada tangkapan layar.',
  linkScreenshotMissing: 'Tambahkan tangkapan layar halaman tautan itu.',
  linkScreenshotNotImage: 'Tangkapan layar harus berupa gambar (JPEG, PNG atau WebP).',
  linkCheckedAt: 'Tanggal diperiksa',
  linkDateInvalid: 'Isi tanggal diperiksa; tidak boleh setelah hari ini.',
  linkSave: 'Simpan tautan',
  linkCancel: 'Batal',
  linkChecked: 'Diperiksa {date}',
  download: 'Unduh',
  downloadLabel: 'Unduh {name}',
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
  limits: 'Size limits: {line}.',
  addLink: 'Add link',
  linkUrl: 'Link address (URL)',
  linkUrlInvalid:
    'The address must start with http:// or https:// and have no spaces (e.g. https://services.example.go.id).',
  linkScreenshot: 'Screenshot of the page',
  linkScreenshotTake: 'Photograph screen',
  linkScreenshotPick: 'Choose image',
  linkScreenshotNone: 'No screenshot yet.',
  linkScreenshotMissing: 'Add a screenshot of the linked page.',
  linkScreenshotNotImage: 'The screenshot must be an image (JPEG, PNG or WebP).',
  linkCheckedAt: 'Date checked',
  linkDateInvalid: 'Enter the date checked; it cannot be after today.',
  linkSave: 'Save link',
  linkCancel: 'Cancel',
  linkChecked: 'Checked {date}',
  download: 'Download',
  downloadLabel: 'Download {name}',
};

export type PhotoMessageKey = keyof typeof id;
export const { useT: usePhotoT } = defineMessages<PhotoMessageKey>({ id, en });

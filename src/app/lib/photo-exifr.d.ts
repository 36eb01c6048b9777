// exifr's mini build (JPEG, TIFF/EXIF only, no tag names) is a plain ES module without its
// own types: it has the API of the package's main entry.
declare module 'exifr/dist/mini.esm.mjs' {
  import exifr from 'exifr';
  // biome-ignore lint/style/noDefaultExport: the package's own shape (an ES default export)
  export default exifr;
}

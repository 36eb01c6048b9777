import qrcode from 'qrcode-generator';

/** QR code of `text` as a standalone, scalable SVG document (black on white). */
export function qrSvg(text: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  return qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
}

/**
 * Offer a Blob to the browser as a download named `name` (a blob: URL on an `<a download>`),
 * the one way both rooms save a file: the tablet's export and refused-change files and an
 * action's evidence, the coordinator's exports and reports.
 */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

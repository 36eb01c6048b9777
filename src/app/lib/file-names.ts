/**
 * Names of the files the tablet offers for download (export files, the refused-changes
 * list): they carry the unit's name and the day, so a coordinator handed several files
 * knows which unit each one is without opening it.
 */

/**
 * A name as a file name part: lower case, ASCII letters and digits joined by single dashes
 * ("Kelurahan Ciwaduk" → "kelurahan-ciwaduk"; accents dropped, at most 60 characters).
 */
export function fileSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/** The tablet's local day of `ms` as YYYY-MM-DD (the day the verifier sees on the tablet). */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * `telusur-[<what>-]<name>-<YYYY-MM-DD>.<ext>`, e.g.
 * `telusur-kelurahan-ciwaduk-2026-11-30.zip` or `telusur-ditolak-semua-2026-11-30.json`.
 * `parts` are names (unit, period); empty ones are left out, and "unit" stands in when
 * every part is empty.
 */
export function downloadName(
  parts: readonly (string | null | undefined)[],
  at: number,
  ext: string,
  what?: string,
): string {
  const named = parts.map((p) => fileSlug(p ?? '')).filter((p) => p !== '');
  return ['telusur', ...(what ? [what] : []), ...(named.length ? named : ['unit']), localDay(at)]
    .join('-')
    .concat(`.${ext}`);
}

/**
 * JSON with object keys sorted at every level, so two equal values always have the same
 * text (`{"note":"","state":null}` whichever order the tablet built the object in). The
 * record store compares field values by this text.
 *
 * @example
 *   canonicalJson({ state: 'present', note: '' }) === canonicalJson({ note: '', state: 'present' }); // true
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

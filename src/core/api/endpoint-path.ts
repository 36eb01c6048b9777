/**
 * Path building for the endpoint table (endpoints.ts), without zod: the coordinator's
 * client imports it at runtime.
 */

/**
 * The URL of an endpoint with its path parameters filled in (each URI-encoded).
 *
 * @throws Error when a parameter the path names is missing.
 * @example endpointPath('GET /api/periods/:id', { id: 'a b' }) // '/api/periods/a%20b'
 */
export function endpointPath(key: string, params: Readonly<Record<string, string>> = {}): string {
  const path = key.slice(key.indexOf(' ') + 1);
  return path.replace(/:([A-Za-z][A-Za-z0-9]*)/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`${key}: missing path parameter ${name}`);
    return encodeURIComponent(v);
  });
}

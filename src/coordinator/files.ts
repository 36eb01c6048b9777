import { useLocale } from '../ui/i18n';
import { saveBlob } from '../ui/save-file';
import { ApiError, apiPath, readToken } from './api';
import { translate } from './i18n';
import type { EvidenceFileView } from './types';

/**
 * Files the coordinator pages fetch with the session token: evidence photos, exports. An
 * <img src> or a plain link cannot send the token, so these go through fetch and blob: URLs.
 */

/**
 * GET a file with the session token.
 *
 * @returns the body and the server's file name (Content-Disposition), if it sent one.
 * @throws ApiError with the server's problem, or status 0 when the server cannot be reached.
 */
export async function fetchBlob(path: string): Promise<{ blob: Blob; filename: string | null }> {
  const token = readToken();
  let res: Response;
  try {
    res = await fetch(path, {
      // The server's problem comes in the language on screen, not the browser's.
      headers: {
        'accept-language': useLocale.getState().locale,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, 'network', translate(useLocale.getState().locale, 'loadError'));
  }
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    let code = `http_${res.status}`;
    try {
      const p = (await res.json()) as { message?: string; code?: string };
      message = p.message ?? message;
      code = p.code ?? code;
    } catch {
      // not JSON
    }
    throw new ApiError(res.status, code, message);
  }
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const plain = /filename="([^"]+)"/i.exec(cd);
  const filename = star ? decodeURIComponent(star[1] as string) : (plain?.[1] ?? null);
  return { blob: await res.blob(), filename };
}

/**
 * Download an export (attachment) and save it under the server's file name.
 *
 * @returns the name the file was saved under (`fallback` when the server sent none).
 */
export async function download(path: string, fallback: string): Promise<string> {
  const { blob, filename } = await fetchBlob(path);
  const name = filename ?? fallback;
  saveBlob(blob, name);
  return name;
}

/**
 * Download address of an evidence file: by hash, naming the record being viewed so the name
 * and type served are that record's (another record may name the same bytes differently).
 */
export function evidenceFileUrl(file: EvidenceFileView): string {
  return apiPath(
    'GET /api/files/by-hash/:sha256',
    { sha256: file.sha256 },
    { record: file.recordId },
  );
}

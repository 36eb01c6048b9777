import type { Translate } from '../../ui/i18n';
import type { MessageKey } from '../i18n';

/**
 * A sync problem in the app's language. The server's own problems already come in the
 * language the app asked for (every request sends it); the sentences the tablet itself
 * makes (offline, timeout, a damaged file, an unreadable answer) are kept in Indonesian by
 * the engine, so known codes are said here from the app's message table instead.
 */

const KEYS: Record<string, MessageKey> = {
  offline: 'syncErr_offline',
  network: 'syncErr_network',
  timeout: 'syncErr_timeout',
  bad_response: 'syncErr_badResponse',
  push_stalled: 'syncErr_pushStalled',
  identity_conflict: 'syncErr_identityConflict',
  device_revoked: 'syncErr_revoked',
  device_unknown: 'syncErr_deviceUnknown',
  'storage-full': 'storageFull',
  blob_missing: 'fileReason_blob_missing',
  blob_damaged: 'fileReason_blob_damaged',
  blob_unreadable: 'fileReason_blob_unreadable',
};

/** The words for a sync problem `{ code, message }` (as the engine or the sync history keeps it). */
export function syncErrorText(
  problem: { code: string; message: string },
  t: Translate<MessageKey>,
): string {
  const key = KEYS[problem.code];
  if (key) return t(key);
  const http = /^http_(\d{3})$/.exec(problem.code);
  if (http) return t('syncErr_http', { status: http[1] ?? '' });
  return problem.message;
}

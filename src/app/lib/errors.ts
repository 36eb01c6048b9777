import { StorageFullError } from '../../store';
import type { MessageKey } from '../i18n';

/** A readable message for a failed local write. */
export function storageMessage(e: unknown, t: (k: MessageKey) => string): string {
  if (e instanceof StorageFullError) return t('storageFull');
  return e instanceof Error ? e.message : String(e);
}

import { ApprovedRecordError, StorageFullError, StoreError } from '../../store';
import { useLocale } from '../../ui/i18n';
import type { MessageKey } from '../i18n';

/**
 * A readable message for a failed local write, in the app's language: a full disk and an
 * edit of an approved verification in the app's words, any other store error (e.g. a ValidationError naming the field and what to
 * do) in its own Indonesian or English sentence.
 */
export function storageMessage(e: unknown, t: (k: MessageKey) => string): string {
  if (e instanceof StorageFullError) return t('storageFull');
  if (e instanceof ApprovedRecordError) return t('approvedNotSaved');
  if (e instanceof StoreError)
    return useLocale.getState().locale === 'en' ? e.messageEn : e.message;
  return e instanceof Error ? e.message : String(e);
}

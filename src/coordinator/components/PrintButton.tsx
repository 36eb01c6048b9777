import { useT } from '../i18n';

/** Opens the browser's print dialog (A4, or "Save as PDF"); never printed itself. */
export function PrintButton() {
  const t = useT();
  return (
    <button type="button" class="no-print" onClick={() => window.print()} data-testid="print">
      {t('print')}
    </button>
  );
}

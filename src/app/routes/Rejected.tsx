import { linkClick } from '../../ui/router';
import { ExportButton, RejectedList } from '../components/RejectedList';
import { useT } from '../i18n';

/**
 * "Ditolak server" (route /ditolak): every change the server refused, per unit, with what,
 * why and when, and the actions to send again, open the indicator, export or discard.
 */
export function Rejected() {
  const t = useT();
  return (
    <>
      <h1>{t('rejectedTitle')}</h1>
      <p>{t('rejectedIntro')}</p>
      <div class="row" style="margin-bottom:0.75rem">
        <ExportButton label={t('rejectedExportAll')} />
        <a class="button" href="/penyimpanan" onClick={linkClick}>
          {t('storage')}
        </a>
      </div>
      <RejectedList heading="page" />
    </>
  );
}

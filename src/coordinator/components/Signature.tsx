import { useT } from '../i18n';

const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

/**
 * A berita acara signature: only a PNG data URL is ever put into <img src> (anything else
 * the tablet might have sent is not shown).
 */
export function Signature({ value, name }: { value: string | null; name: string }) {
  const t = useT();
  if (!value || !PNG_DATA_URL.test(value)) return <p class="muted small">{t('noSignature')}</p>;
  return (
    <img
      class="r-signature"
      src={value}
      alt={t('signatureOf', { name: name || '–' })}
      data-testid="signature-image"
    />
  );
}

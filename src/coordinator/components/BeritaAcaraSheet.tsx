import { formatWib } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import type { Translator } from '../i18n';
import type { AssessmentDetail } from '../types';
import { Section } from './Section';
import { Signature } from './Signature';

/** One side of the berita acara: who signs for it, the signature, name and position. */
function Signer(props: { side: string; signature: string | null; name: string; role: string }) {
  return (
    <div>
      <p class="small muted">{props.side}</p>
      <Signature value={props.signature} name={props.name} />
      <p>
        <strong>{props.name || '–'}</strong>
        <br />
        {props.role}
      </p>
    </div>
  );
}

/**
 * The berita acara of one verification as the review page shows it and the unit report
 * prints it: place, signing time (WIB), summary and both signatures (PNG data URLs only).
 * The printed report passes `t` and `locale` fixed to Indonesian (an official document).
 */
export function BeritaAcaraSheet({
  d,
  t,
  locale: fixed,
}: {
  d: AssessmentDetail;
  t: Translator;
  /** Printed reports are Indonesian whatever the UI language. */
  locale?: Locale;
}) {
  const ui = useLocale((s) => s.locale);
  const locale = fixed ?? ui;
  const ba = d.beritaAcara;
  return (
    <Section title={t('beritaAcara')} testId="berita-acara">
      {!ba ? (
        <p class="muted">{t('noBeritaAcara')}</p>
      ) : (
        <>
          <p>
            {t('place')}: {ba.place || '–'} · {t('signedAt')}:{' '}
            {ba.signedAt ? formatWib(ba.signedAt, locale) : t('notSigned')}
          </p>
          {ba.summary ? <p>{ba.summary}</p> : null}
          <div class="r-sign-grid">
            <Signer
              side={t('verifierSide')}
              signature={ba.verifierSignature}
              name={ba.verifierName}
              role={ba.verifierRole}
            />
            <Signer
              side={t('representativeSide')}
              signature={ba.representativeSignature}
              name={ba.representativeName}
              role={ba.representativeRole}
            />
          </div>
          {ba.signatureRejected ? <p class="notice warn small">{t('signatureRejected')}</p> : null}
        </>
      )}
    </Section>
  );
}

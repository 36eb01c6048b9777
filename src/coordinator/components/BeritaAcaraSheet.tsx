import { formatZoneTime } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import type { Translator } from '../i18n';
import { useZone } from '../organisation';
import type { AssessmentDetail } from '../types';
import { Section } from './Section';
import { Signature } from './Signature';

/** One side of the berita acara: who signs for it, the signature, name, NIP and position. */
function Signer(props: {
  side: string;
  signature: string | null;
  name: string;
  nip: string;
  role: string;
  /** The signing is void: the signature no longer covers the results shown. */
  void: string | null;
}) {
  return (
    <div>
      <p class="small muted">{props.side}</p>
      {props.void ? (
        // A void signature is not shown: it no longer signs anything printed here.
        <p class="notice bad" data-testid="signature-void">
          <strong>{props.void}</strong>
        </p>
      ) : (
        <Signature value={props.signature} name={props.name} />
      )}
      <p>
        <strong>{props.name || '–'}</strong>
        {props.nip ? (
          <>
            <br />
            NIP {props.nip}
          </>
        ) : null}
        <br />
        {props.role}
      </p>
    </div>
  );
}

/**
 * The berita acara of one verification as the review page shows it and the unit report
 * prints it: place, signing time (in the organisation's zone, labelled WIB, WITA or WIT;
 * "⚠ jam tablet diragukan" when the tablet's clock was off), summary and both signatures
 * (PNG data URLs only) with the signatories' NIPs.
 * A void signing (results changed since) shows no signature images and "Tanda tangan
 * batal" in their place, and its date only as the voided version's — no signature stands
 * under results it did not sign, and no old date reads as a valid signing.
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
  const zone = useZone();
  const ba = d.beritaAcara;
  const voided = d.signing.state === 'void' ? t('signatureVoid') : null;
  const when = ba?.signedAt ? formatZoneTime(ba.signedAt, locale, zone) : null;
  return (
    <Section title={t('beritaAcara')} testId="berita-acara">
      {!ba ? (
        <p class="muted">{t('noBeritaAcara')}</p>
      ) : (
        <>
          <p data-testid="berita-acara-signed-at">
            {t('place')}: {ba.place || '–'} ·{' '}
            {when === null ? (
              `${t('signedAt')}: ${t('notSigned')}`
            ) : voided ? (
              <strong class="r-provisional">{t('signedAtVoided', { when })}</strong>
            ) : (
              `${t('signedAt')}: ${when}`
            )}
            {when !== null && d.signing.timeDoubtful ? (
              <>
                {' '}
                <span class="r-clock-doubtful" data-testid="berita-acara-clock">
                  {t('clockDoubtfulMark')}
                </span>
              </>
            ) : null}
          </p>
          {ba.summary ? <p>{ba.summary}</p> : null}
          <div class="r-sign-grid">
            <Signer
              side={t('verifierSide')}
              signature={ba.verifierSignature}
              name={ba.verifierName}
              nip={ba.verifierNip}
              role={ba.verifierRole}
              void={voided}
            />
            <Signer
              side={t('representativeSide')}
              signature={ba.representativeSignature}
              name={ba.representativeName}
              nip={ba.representativeNip}
              role={ba.representativeRole}
              void={voided}
            />
          </div>
          {ba.signatureRejected ? <p class="notice warn small">{t('signatureRejected')}</p> : null}
        </>
      )}
    </Section>
  );
}

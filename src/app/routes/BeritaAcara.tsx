import { computeIndex, formatIndex, listIndicators } from '../../core';
import type { BeritaAcaraChanges, BeritaAcara as BeritaAcaraRecord } from '../../store';
import { useLocale } from '../../ui/i18n';
import { AutosaveText } from '../components/AutosaveText';
import { RejectedList } from '../components/RejectedList';
import { SignatureField } from '../components/SignatureField';
import { useT } from '../i18n';
import { loadAssessment } from '../lib/assessment';
import { storageMessage } from '../lib/errors';
import { levelsOf } from '../lib/progress';
import { useUi } from '../state/ui.store';
import { getStore, useLive, type WorkspaceKind } from '../state/workspace';
import { UnitHeader } from './UnitHeader';

/**
 * One side of the berita acara (the verifier, or the unit's representative): name and
 * position typed in (saved as typed), the signature, and how the printed sheet shows them.
 */
function Signer(props: {
  side: 'verifier' | 'representative';
  /** The fields' id part (`ba-${ids}-name`, `sig-${side}`), kept as the tests know them. */
  ids: string;
  ba: BeritaAcaraRecord | null;
  save(changes: BeritaAcaraChanges): Promise<void>;
}) {
  const t = useT();
  const { side, ba, save } = props;
  const name = ba?.[`${side}Name`] ?? '';
  const role = ba?.[`${side}Role`] ?? '';
  return (
    <section>
      <h2>{t(side)}</h2>
      <div class="no-print">
        <AutosaveText
          id={`ba-${props.ids}-name`}
          label={t('name')}
          value={name}
          maxLength={200}
          onSave={(v) => save({ [`${side}Name`]: v })}
        />
        <AutosaveText
          id={`ba-${props.ids}-role`}
          label={t('role')}
          value={role}
          maxLength={200}
          onSave={(v) => save({ [`${side}Role`]: v })}
        />
      </div>
      <SignatureField
        id={`sig-${side}`}
        label={t('signature')}
        value={ba?.[`${side}Signature`] ?? null}
        onSave={(v) => save({ [`${side}Signature`]: v })}
      />
      <p>
        <strong>{name || '…'}</strong>
        <br />
        {role}
      </p>
    </section>
  );
}

export function BeritaAcara({ ws, id }: { ws: WorkspaceKind; id: string }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const { value: view } = useLive(ws, (s) => loadAssessment(s, id), [id]);
  if (view === undefined) return <p class="muted">{t('loading')}</p>;
  if (view === null) return <p class="notice bad">{t('notFound')}</p>;
  const ba = view.beritaAcara;
  const save = async (changes: BeritaAcaraChanges) => {
    try {
      const store = await getStore(ws);
      await store.beritaAcara.update(id, changes);
    } catch (e) {
      useUi.getState().say('error', storageMessage(e, t));
      throw e;
    }
  };
  const sign = async () => {
    const store = await getStore(ws);
    await save({ signedAt: Date.now() });
    // A unit returned by the coordinator is finished again once re-signed.
    if (['belum', 'sedang', 'dikembalikan'].includes(view.assessment.status))
      await store.assessments.update(id, { status: 'selesai' });
  };
  const verifs = [...view.verifications.values()];
  const verified = levelsOf(verifs, 'verifiedLevel');
  const r = computeIndex(view.framework, verified.levels, {
    notApplicable: verified.notApplicable,
  });
  const dateText = (ms: number | null | undefined) =>
    ms
      ? new Date(ms).toLocaleDateString(locale === 'id' ? 'id-ID' : 'en-GB', { dateStyle: 'long' })
      : '–';
  const canSign = !!(
    ba?.verifierSignature &&
    ba?.representativeSignature &&
    ba?.verifierName &&
    ba?.representativeName
  );

  return (
    <>
      <UnitHeader ws={ws} view={view} active="ba" />
      {ws === 'kerja' ? (
        <div class="no-print">
          <RejectedList heading="section" only={{ assessmentId: id, entity: 'beritaAcara' }} />
        </div>
      ) : null}
      <article class="card">
        <h1 style="text-align:center">{t('baTitle')}</h1>
        <p style="text-align:center">
          {view.period?.name} — {view.framework.name}
        </p>
        <table>
          <tbody>
            <tr>
              <th>Unit</th>
              <td>{view.unit?.name}</td>
            </tr>
            <tr>
              <th>{t('index')}</th>
              <td data-testid="ba-index">
                {formatIndex(r.index, locale)} ({r.predicate ?? '–'}) —{' '}
                {t('progress', {
                  n: r.assessedCount,
                  total: listIndicators(view.framework).length,
                })}
              </td>
            </tr>
            <tr>
              <th>{t('date')}</th>
              <td>{dateText(ba?.signedAt)}</td>
            </tr>
            <tr>
              <th>{t('place')}</th>
              <td>{ba?.place || '–'}</td>
            </tr>
          </tbody>
        </table>

        <div class="no-print">
          <AutosaveText
            id="ba-place"
            label={t('place')}
            value={ba?.place ?? ''}
            maxLength={200}
            onSave={(place) => save({ place })}
          />
          <AutosaveText
            id="ba-summary"
            label={t('notes')}
            value={ba?.summary ?? ''}
            multiline
            maxLength={10_000}
            onSave={(summary) => save({ summary })}
          />
        </div>
        {ba?.summary ? <p class="print-only">{ba.summary}</p> : null}

        <section class="print-only">
          <h2>{t('baResults')}</h2>
          <table>
            <thead>
              <tr>
                <th>No</th>
                <th>{t('checklist')}</th>
                <th>{t('selfLevel')}</th>
                <th>{t('verifiedLevel')}</th>
              </tr>
            </thead>
            <tbody>
              {listIndicators(view.framework).map((ind) => {
                const v = view.verifications.get(ind.no);
                return (
                  <tr key={ind.no}>
                    <td>{ind.no}</td>
                    <td>{ind.spec.name}</td>
                    <td>{v?.selfLevel ?? '–'}</td>
                    <td>
                      {v?.notApplicable ? t('notApplicableShort') : (v?.verifiedLevel ?? '–')}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>

        <div class="grid" style="margin-top:1rem">
          <Signer side="verifier" ids="verifier" ba={ba} save={save} />
          <Signer side="representative" ids="rep" ba={ba} save={save} />
        </div>

        <div class="row no-print" style="margin-top:1rem">
          {ba?.signedAt ? (
            <span class="pill online" data-testid="ba-signed">
              {t('signed', { d: dateText(ba.signedAt) })}
            </span>
          ) : (
            <button
              type="button"
              class="primary"
              disabled={!canSign}
              onClick={() => void sign()}
              data-testid="ba-sign"
            >
              {t('sign')}
            </button>
          )}
          <button type="button" onClick={() => window.print()}>
            {t('print')}
          </button>
        </div>
      </article>
    </>
  );
}

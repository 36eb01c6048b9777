import { useEffect, useState } from 'preact/hooks';
import {
  type Completeness,
  clockIsOff,
  computeIndex,
  describeIndex,
  type Framework,
  formatValue,
  type IndexResult,
  listIndicators,
  resultsInput,
  type SigningState,
  signatureStale,
  statusAfterSigning,
  valueDomainOf,
  type ZoneCode,
} from '../../core';
import type { BeritaAcaraChanges, BeritaAcara as BeritaAcaraRecord } from '../../store';
import { formatZoneTime } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import { linkClick } from '../../ui/router';
import { AutosaveText } from '../components/AutosaveText';
import { ClockNotice } from '../components/ClockNotice';
import { DocLetterhead } from '../components/DocLetterhead';
import { mayEdit, ProvisionalMark, useSigningState } from '../components/RecordNotices';
import { RejectedList } from '../components/RejectedList';
import { SignatureField } from '../components/SignatureField';
import { StoredCheckbox } from '../components/StoredCheckbox';
import { type MessageKey, useT } from '../i18n';
import { type AssessmentView, loadAssessment } from '../lib/assessment';
import {
  closingSentence,
  isProvisional,
  openingClose,
  openingLead,
  printedResults,
} from '../lib/berita-acara';
import { conflictsByIndicator, type IndicatorConflicts } from '../lib/conflicts';
import { storageMessage } from '../lib/errors';
import { levelsOf } from '../lib/progress';
import {
  completenessOf,
  groupedDigest,
  nipValid,
  resultsDigest,
  sha256Hex,
  signingChanges,
  signingResults,
} from '../lib/signing';
import { syncNow, usePrintZone, useSync } from '../state/sync';
import { useUi } from '../state/ui.store';
import { getStore, useLive, type WorkspaceKind } from '../state/workspace';
import { UnitHeader } from './UnitHeader';

type Side = 'verifier' | 'representative';

/**
 * The berita acara screen: who signs (name, position, NIP, drawn signature), place and
 * notes, what is still missing before signing (or the explicit "verifikasi sebagian"),
 * signing and re-signing, and the printed record (print-only `BaDocument`).
 */
export function BeritaAcara({ ws, id }: { ws: WorkspaceKind; id: string }) {
  const t = useT();
  const { value: view } = useLive(ws, (s) => loadAssessment(s, id), [id]);
  if (view === undefined) return <p class="muted">{t('loading')}</p>;
  if (view === null) return <p class="notice bad">{t('notFound')}</p>;
  return <BeritaAcaraBody ws={ws} view={view} />;
}

function BeritaAcaraBody({ ws, view }: { ws: WorkspaceKind; view: AssessmentView }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = usePrintZone();
  const signing = useSigningState(view);
  const [busy, setBusy] = useState(false);
  const id = view.assessment.id;
  const ba = view.beritaAcara;
  const editable = mayEdit(view);
  const save = async (changes: BeritaAcaraChanges) => {
    try {
      const store = await getStore(ws);
      await store.beritaAcara.update(id, changes);
    } catch (e) {
      useUi.getState().say('error', storageMessage(e, t));
      throw e;
    }
  };
  const verifs = [...view.verifications.values()];
  const done = completenessOf(view.framework, verifs);
  const partial = ba?.partial === true;
  const results = useResultsDigest(view);
  const stale = staleSignatures(ba, results.hex, editable, signing);
  const missingSigner = signerGaps(ba, stale);
  const status = view.assessment.status;
  const again = status === 'dikembalikan' || status === 'dibuka' || signing === 'void';
  const showSign = editable && (signing === 'unsigned' || again);
  const blockers = useSigningBlockers(ws, id, ba);
  const blocked =
    blockers.clockOff ||
    blockers.conflicts.total > 0 ||
    blockers.rejected > 0 ||
    blockers.badNip.length > 0;
  // Until the results' digest is known, whether a signature is stale is not known either.
  const canSign =
    results.current &&
    missingSigner.length === 0 &&
    (done.complete || partial) &&
    !busy &&
    !blocked;

  const sign = async () => {
    setBusy(true);
    try {
      const store = await getStore(ws);
      const signedAt = Date.now();
      // A partial choice left over from an incomplete record means nothing once it is complete.
      const asPartial = partial && !done.complete;
      await save(await signingChanges(view.framework, ba, verifs, signedAt, asPartial));
      const next = statusAfterSigning(status);
      if (next && next !== status) await store.assessments.update(id, { status: next });
      if (ws === 'kerja') void syncNow();
    } catch (e) {
      useUi.getState().say('error', storageMessage(e, t));
    } finally {
      setBusy(false);
    }
  };

  const verified = levelsOf(verifs, 'verifiedLevel');
  const now = computeIndex(view.framework, verified.levels, {
    notApplicable: verified.notApplicable,
  });
  const signLabel: MessageKey =
    ws === 'kerja' && again ? 'resignAndSend' : again ? 'resign' : 'sign';

  return (
    <>
      <UnitHeader ws={ws} view={view} active="ba" />
      <div class="no-print">
        <ClockNotice />
      </div>
      {ws === 'kerja' ? (
        <div class="no-print">
          <RejectedList heading="section" only={{ assessmentId: id, entity: 'beritaAcara' }} />
        </div>
      ) : null}
      <div class="no-print">
        <fieldset class="plain" disabled={!editable} data-testid="ba-fields">
          <article class="card">
            <h1 style="margin-top:0">{t('baTitle')}</h1>
            <table class="ba-facts">
              <tbody>
                <tr>
                  <th>{t('unit')}</th>
                  <td>{view.unit?.name ?? view.assessment.unitId}</td>
                </tr>
                <tr>
                  <th>{t('period')}</th>
                  <td>
                    {view.period?.name ?? '–'} · {view.framework.name}
                  </td>
                </tr>
                <tr>
                  <th>{t('index')}</th>
                  <td data-testid="ba-index">
                    <IndexLine
                      fw={view.framework}
                      r={now}
                      partial={partial}
                      locale={locale}
                      done={done}
                    />
                  </td>
                </tr>
                <tr>
                  <th>{t('signingStatus')}</th>
                  <td data-testid="ba-signing-state" data-state={signing ?? ''}>
                    <SigningLine ba={ba} signing={signing} locale={locale} />
                  </td>
                </tr>
              </tbody>
            </table>
            <p class="ba-opening" data-testid="ba-opening">
              {openingLead(locale, {
                signedAt: signing === 'signed' ? ba?.signedAt : null,
                place: ba?.place,
                zone,
              })}
            </p>
            <AutosaveText
              id="ba-place"
              label={t('place')}
              value={ba?.place ?? ''}
              maxLength={200}
              onSave={(place) => save({ place })}
            />
            <AutosaveText
              id="ba-summary"
              label={t('baGeneralNotes')}
              value={ba?.summary ?? ''}
              multiline
              maxLength={10_000}
              onSave={(summary) => save({ summary })}
            />
          </article>

          <div class="grid ba-signers">
            {(['verifier', 'representative'] as const).map((side) => (
              <Signer
                key={side}
                side={side}
                ids={side === 'verifier' ? 'verifier' : 'rep'}
                ba={ba}
                signing={signing}
                editable={editable}
                stale={stale[side]}
                save={save}
                bind={() => resultsDigest(verifs)}
              />
            ))}
          </div>

          {showSign ? (
            <section class="card" data-testid="ba-completeness">
              <h2 style="margin-top:0">{t('beforeSigning')}</h2>
              <CompletenessList ws={ws} id={id} done={done} />
              {!done.complete || partial ? (
                <label class={`inline partial-choice ${partial ? 'chosen' : ''}`}>
                  <StoredCheckbox
                    checked={partial}
                    save={(v) => save({ partial: v })}
                    data-testid="ba-partial"
                  />
                  <span>
                    <strong>{t('partialChoice')}</strong>
                    <br />
                    <span class="small">
                      {t('partialChoiceHint', {
                        n: done.verified + done.notApplicable,
                        total: done.total,
                      })}
                    </span>
                  </span>
                </label>
              ) : null}
              {missingSigner.length > 0 ? (
                <p class="small" data-testid="ba-signer-gaps">
                  {t('signerGaps')} {missingSigner.map((k) => t(k)).join(', ')}.
                </p>
              ) : null}
              <SigningBlockers ws={ws} id={id} blockers={blockers} />
            </section>
          ) : null}
        </fieldset>

        <div class="row" style="margin:1rem 0">
          {signing === 'signed' ? (
            <span class="pill online" data-testid="ba-signed">
              {t('signed', { d: ba?.signedAt ? signedTime(locale, ba.signedAt, zone) : '–' })}
            </span>
          ) : null}
          {showSign ? (
            <button
              type="button"
              class="primary"
              disabled={!canSign}
              onClick={() => void sign()}
              data-testid="ba-sign"
            >
              {t(signLabel)}
            </button>
          ) : null}
          <button type="button" onClick={() => window.print()} data-testid="ba-print">
            {t('print')}
          </button>
        </div>
      </div>
      <BaDocument ws={ws} view={view} signing={signing} locale={locale} done={done} />
    </>
  );
}

/**
 * What refuses signing besides completeness and the signatories: a tablet clock far off
 * (its signing time would be wrong), open conflicts of the unit (the server may hold other
 * values than the ones signed), refused changes still listed (the tablet holds values the
 * server does not), and a NIP that is not 18 digits.
 */
interface SigningBlockers {
  clockOff: boolean;
  conflicts: { total: number; byIndicator: IndicatorConflicts };
  rejected: number;
  badNip: MessageKey[];
}

function useSigningBlockers(
  ws: WorkspaceKind,
  id: string,
  ba: BeritaAcaraRecord | null,
): SigningBlockers {
  const clockOff = useSync((s) => clockIsOff(s.status?.clockCheck?.skewMs));
  const { value: byIndicator } = useLive(ws, (s) => conflictsByIndicator(s, id), [id]);
  const { value: rejected } = useLive(ws, (s) => s.rejected.countByAssessment(id), [id]);
  const badNip: MessageKey[] = [];
  if (!nipValid(ba?.verifierNip)) badNip.push('verifier');
  if (!nipValid(ba?.representativeNip)) badNip.push('representative');
  const map = byIndicator ?? new Map();
  let total = 0;
  for (const list of map.values()) total += list.length;
  return { clockOff, conflicts: { total, byIndicator: map }, rejected: rejected ?? 0, badNip };
}

/** The blockers of signing, each with what to do (conflicts link to their indicators). */
function SigningBlockers(props: { ws: WorkspaceKind; id: string; blockers: SigningBlockers }) {
  const t = useT();
  const { blockers } = props;
  const base = `/${props.ws}/a/${encodeURIComponent(props.id)}`;
  const conflictNos = [...blockers.conflicts.byIndicator.keys()].sort((a, b) => a - b);
  return (
    <>
      {blockers.clockOff ? (
        <p class="notice bad" role="alert" data-testid="ba-blocked-clock">
          {t('signBlockedClock')}
        </p>
      ) : null}
      {blockers.conflicts.total > 0 ? (
        <div class="notice bad" data-testid="ba-blocked-conflicts">
          <p>
            <strong>{t('signBlockedConflicts', { n: blockers.conflicts.total })}</strong>
          </p>
          <ul class="no-list">
            {conflictNos.map((no) => (
              <li key={no}>
                <a
                  class="button small-chip"
                  href={no === 0 ? `${base}/berita-acara` : `${base}/i/${no}`}
                  onClick={linkClick}
                >
                  {no === 0 ? t('signBlockedConflictsWhole') : no}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {blockers.rejected > 0 ? (
        <p class="notice bad" data-testid="ba-blocked-rejected">
          {t('signBlockedRejected', { n: blockers.rejected })}{' '}
          <a href="/ditolak" onClick={linkClick}>
            {t('rejectedTitle')}
          </a>
        </p>
      ) : null}
      {blockers.badNip.length > 0 ? (
        <p class="notice bad" data-testid="ba-blocked-nip">
          {t('signBlockedNip')} {blockers.badNip.map((k) => t(k)).join(', ')}.
        </p>
      ) : null}
    </>
  );
}

/**
 * A signing time as the record writes it, in the organisation's zone with its label:
 * "30 November 2026 pukul 09.06 WITA".
 */
function signedTime(locale: Locale, ms: number, zone: ZoneCode): string {
  return formatZoneTime(ms, locale, zone);
}

/**
 * The hex digest of the unit's results (`hex`, null until first computed) and whether it is
 * of the results shown now (`current`). Keyed by the results' canonical text, not by the
 * view: a change of the berita acara itself (a name, a tick, a signature) leaves the results
 * and so the digest as they are — the sign button does not go grey after every save while a
 * digest of the same results is worked out again. Between a change of the results and its
 * digest the last one is kept, as `useSigningState` keeps its state, so the pads do not
 * flicker; signing waits for `current`.
 */
function useResultsDigest(view: AssessmentView): { hex: string | null; current: boolean } {
  const input = resultsInput(signingResults(view.verifications.values()));
  const [digest, setDigest] = useState<{ input: string; hex: string } | null>(null);
  useEffect(() => {
    let current = true;
    void sha256Hex(input).then((hex) => {
      if (current) setDigest({ input, hex });
    });
    return () => {
      current = false;
    };
  }, [input]);
  return { hex: digest?.hex ?? null, current: digest?.input === input };
}

/**
 * Which stored signatures were not drawn over today's results (`results`): after a change
 * voided the signing, the images of the voided version are never carried onto the new one —
 * each person signs again. A signing that holds keeps its signatures (an older app's
 * signature without a binding included); an approved record shows them as they are.
 */
function staleSignatures(
  ba: BeritaAcaraRecord | null,
  results: string | null,
  editable: boolean,
  signing: SigningState | undefined,
): Record<Side, boolean> {
  const judged = editable && signing !== undefined && signing !== 'signed';
  return {
    verifier: judged && signatureStale(ba?.verifierSignature, ba?.verifierSignedOver, results),
    representative:
      judged && signatureStale(ba?.representativeSignature, ba?.representativeSignedOver, results),
  };
}

/**
 * What the berita acara still lacks to be signed: names and signatures of both sides (a
 * stale signature counts as missing: it must be drawn again).
 */
function signerGaps(ba: BeritaAcaraRecord | null, stale: Record<Side, boolean>): MessageKey[] {
  const gaps: MessageKey[] = [];
  if (!ba?.verifierName?.trim()) gaps.push('gapVerifierName');
  if (!ba?.verifierSignature || stale.verifier) gaps.push('gapVerifierSignature');
  if (!ba?.representativeName?.trim()) gaps.push('gapRepresentativeName');
  if (!ba?.representativeSignature || stale.representative) gaps.push('gapRepresentativeSignature');
  return gaps;
}

/**
 * The official index as the record states it: the rounded figure with the level name where
 * the instrument names index levels ("1,24 · Merintis"), the predikat of the exact value, the
 * exact value beside it when rounding crossed a band edge, and the large "SEMENTARA" mark on
 * a partial or incomplete index.
 */
function IndexFigure(props: {
  fw: Framework;
  index: number | null;
  predicate: string | null;
  provisional: boolean;
  locale: Locale;
  doc?: boolean;
}) {
  const t = useT();
  const d = describeIndex(props.fw, props.index, props.locale, props.predicate);
  return (
    <>
      <strong>{d.levelName ? `${d.value} · ${d.levelName}` : d.value}</strong> (
      {props.doc ? `${t('predicate')}: ` : ''}
      {d.predicate ?? '–'}){d.exactNote ? <span class="small"> — {d.exactNote}</span> : null}
      <ProvisionalMark due={props.provisional} predicate={d.predicate} doc={props.doc} />
    </>
  );
}

/** Index and predikat on the screen, with how many indicators are done. */
function IndexLine(props: {
  fw: Framework;
  r: IndexResult;
  partial: boolean;
  locale: Locale;
  done: Completeness;
}) {
  const t = useT();
  const { r } = props;
  const provisional = isProvisional({ partial: props.partial, complete: r.complete });
  // Counted as every screen counts (core completeness): a level, or not applicable with a reason.
  const counted = props.done.verified + props.done.notApplicable;
  return (
    <>
      <IndexFigure
        fw={props.fw}
        index={r.index}
        predicate={r.predicate}
        provisional={provisional}
        locale={props.locale}
      />{' '}
      — {t('progress', { n: counted, total: props.done.total })}
      <OfficialRuleNotes r={r} />
    </>
  );
}

/** How the official index counted not-applicable and missing outside-index indicators. */
function OfficialRuleNotes({ r }: { r: IndexResult }) {
  const t = useT();
  return (
    <>
      {r.notApplicableAsLevel1 > 0 ? (
        <div class="small" data-testid="ba-na-as-1">
          {t('naAsLevel1', { n: r.notApplicableAsLevel1 })}
        </div>
      ) : null}
      {r.missingSourceAsLevel1 > 0 ? (
        <div class="small">{t('sourceAsLevel1', { n: r.missingSourceAsLevel1 })}</div>
      ) : null}
    </>
  );
}

function SigningLine(props: {
  ba: BeritaAcaraRecord | null;
  signing: SigningState | undefined;
  locale: Locale;
}) {
  const t = useT();
  const zone = usePrintZone();
  const { ba, signing } = props;
  if (signing === undefined) return <>…</>;
  if (signing === 'unsigned') return <>{t('notSignedDraft')}</>;
  const at = ba?.signedAt ? signedTime(props.locale, ba.signedAt, zone) : '–';
  return (
    <>
      {signing === 'void' ? (
        <strong class="error">{t('signingVoidShort', { d: at })}</strong>
      ) : (
        t('signed', { d: at })
      )}
      {ba?.signedDigest ? (
        <div class="small muted digest" title={ba.signedDigest}>
          {t('digest')} {groupedDigest(ba.signedDigest.slice(0, 16))}…
        </div>
      ) : null}
    </>
  );
}

/** The indicators signing still waits for, each a link to its screen. */
function CompletenessList(props: { ws: WorkspaceKind; id: string; done: Completeness }) {
  const t = useT();
  const { done } = props;
  const base = `/${props.ws}/a/${encodeURIComponent(props.id)}`;
  if (done.complete)
    return (
      <p class="notice ok" data-testid="ba-complete">
        {t('completeAll', { total: done.total })}
      </p>
    );
  const links = (nos: number[], testId: string) => (
    <ul class="no-list" data-testid={testId}>
      {nos.map((no) => (
        <li key={no}>
          <a class="button small-chip" href={`${base}/i/${no}`} onClick={linkClick}>
            {no}
          </a>
        </li>
      ))}
    </ul>
  );
  return (
    <div class="notice warn" data-testid="ba-incomplete">
      <p>
        <strong>
          {t('incompleteTitle', {
            n: done.missing.length + done.missingReason.length,
            total: done.total,
          })}
        </strong>
      </p>
      {done.missing.length > 0 ? (
        <>
          <p>{t('missingVerification', { n: done.missing.length })}</p>
          {links(done.missing, 'ba-missing')}
        </>
      ) : null}
      {done.missingReason.length > 0 ? (
        <>
          <p>{t('missingNaReason', { n: done.missingReason.length })}</p>
          {links(done.missingReason, 'ba-missing-reason')}
        </>
      ) : null}
    </div>
  );
}

/**
 * One side of the berita acara (the verifier, or the unit's representative): name,
 * position and NIP typed in (saved as typed) and the drawn signature. Removing a saved
 * signature of a signed record asks first: it voids the signing.
 */
function Signer(props: {
  side: Side;
  /** The fields' id part (`ba-${ids}-name`, `sig-${side}`), kept as the tests know them. */
  ids: string;
  ba: BeritaAcaraRecord | null;
  signing: SigningState | undefined;
  /** False on an approved record: the signature is shown without "Ulangi". */
  editable: boolean;
  /** The stored signature was drawn over other results: shown as void, the pad asks anew. */
  stale: boolean;
  save(changes: BeritaAcaraChanges): Promise<void>;
  /** The digest of the results this signature is drawn over (now). */
  bind(): Promise<string>;
}) {
  const t = useT();
  const { side, ba, save } = props;
  return (
    <section class="card">
      <h2 style="margin-top:0">{t(side)}</h2>
      <AutosaveText
        id={`ba-${props.ids}-name`}
        label={t('name')}
        value={ba?.[`${side}Name`] ?? ''}
        maxLength={200}
        onSave={(v) => save({ [`${side}Name`]: v })}
      />
      <AutosaveText
        id={`ba-${props.ids}-nip`}
        label={t('nip')}
        value={ba?.[`${side}Nip`] ?? ''}
        maxLength={30}
        inputMode="numeric"
        invalid={(v) => (nipValid(v) ? null : t('nipInvalid'))}
        onSave={(v) => save({ [`${side}Nip`]: v })}
      />
      <AutosaveText
        id={`ba-${props.ids}-role`}
        label={t('role')}
        value={ba?.[`${side}Role`] ?? ''}
        maxLength={200}
        onSave={(v) => save({ [`${side}Role`]: v })}
      />
      {props.stale ? (
        <p class="notice bad small" data-testid={`sig-${side}-stale`}>
          {t('signatureStale')}
        </p>
      ) : null}
      <SignatureField
        id={`sig-${side}`}
        label={t('signature')}
        value={props.stale ? null : (ba?.[`${side}Signature`] ?? null)}
        disabled={!props.editable}
        clearWarning={props.signing === 'signed' ? t('clearSignatureVoids') : null}
        onSave={async (v) =>
          save({
            [`${side}Signature`]: v,
            // Bound to the results shown as it is drawn: a later change of them voids it.
            [`${side}SignedOver`]: v ? await props.bind() : null,
          })
        }
      />
    </section>
  );
}

/**
 * The printed berita acara (print-only): "DRAF" on a record whose signing does not hold,
 * "LATIHAN" in training, the opening paragraph, the signatories with NIP, the results per
 * indicator with notes and not-applicable reasons, the index with "SEMENTARA" when partial,
 * the signatures only under the signed version, and that version's date and digest. Page
 * numbers ("Hal. x dari y") are the page's margin boxes (styles.css).
 */
function BaDocument(props: {
  ws: WorkspaceKind;
  view: AssessmentView;
  signing: SigningState | undefined;
  locale: Locale;
  done: Completeness;
}) {
  const t = useT();
  const { view, locale } = props;
  const ba = view.beritaAcara;
  const signed = props.signing === 'signed';
  const snapshot = signed ? (ba?.signedResults ?? null) : null;
  const results = printedResults(signed, snapshot, view.verifications.values());
  const indicators = listIndicators(view.framework);
  const partial = ba?.partial === true;
  // The index printed is the signed one while the signing holds, else today's.
  const levels: Record<number, number | null> = {};
  const na: number[] = [];
  for (const r of results.values()) {
    levels[r.no] = r.notApplicable ? null : r.verifiedLevel;
    if (r.notApplicable) na.push(r.no);
  }
  const r = computeIndex(view.framework, levels, { notApplicable: na });
  const index = snapshot ? snapshot.index : r.index;
  const predicate = snapshot ? snapshot.predicate : r.predicate;
  const provisional = isProvisional({ partial, complete: r.complete });
  const draft = !signed;
  const training = props.ws === 'latihan';
  const unit = view.unit?.name ?? view.assessment.unitId;
  const period = view.period?.name ?? '–';
  const verifiedCount = snapshot
    ? snapshot.verified
    : props.done.verified + props.done.notApplicable;
  const total = snapshot ? snapshot.total : props.done.total;
  const zone = usePrintZone();
  const printedAt = formatZoneTime(Date.now(), locale, zone);

  return (
    <article class="print-only ba-doc" data-testid="ba-document" lang={locale}>
      {draft || training ? (
        <div class="print-mark" aria-hidden="true">
          {draft ? <div>{t('draftMark')}</div> : null}
          {training ? <div>{t('trainingMark')}</div> : null}
        </div>
      ) : null}
      {draft ? (
        <p class="doc-flag" data-testid="doc-draft">
          {t('draftMark')} — {t('draftMarkHint')}
        </p>
      ) : null}
      {training ? (
        <p class="doc-flag" data-testid="doc-training">
          {t('trainingMark')} — {t('trainingMarkHint')}
        </p>
      ) : null}
      {props.signing === 'void' ? <p class="doc-void">{t('signingVoid')}</p> : null}
      <DocLetterhead />
      <h1 class="doc-title">{t('baTitle').toUpperCase()}</h1>
      <p class="doc-subtitle">
        {unit} — {period}
      </p>
      {partial ? (
        <p class="doc-partial" data-testid="doc-partial">
          {t('partialBanner', { n: verifiedCount, total })}
        </p>
      ) : null}

      {/* A void signing's date is not the date of these results: the draft leaves it blank. */}
      <p>
        {openingLead(locale, { signedAt: signed ? ba?.signedAt : null, place: ba?.place, zone })}
      </p>
      <table class="doc-table">
        <thead>
          <tr>
            <th>No</th>
            <th>{t('name')}</th>
            <th>{t('nip')}</th>
            <th>{t('role')}</th>
            <th>{t('actingAs')}</th>
          </tr>
        </thead>
        <tbody>
          {(['verifier', 'representative'] as const).map((side, i) => (
            <tr key={side}>
              <td>{i + 1}.</td>
              <td>{ba?.[`${side}Name`] || '–'}</td>
              <td>{ba?.[`${side}Nip`] || '–'}</td>
              <td>{ba?.[`${side}Role`] || '–'}</td>
              <td>{t(side)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {openingClose(locale, {
          unit,
          period,
          framework: view.framework.name,
          partial,
          verified: verifiedCount,
          total,
        })}
      </p>

      <table class="doc-table doc-facts">
        <tbody>
          <tr>
            <th>{t('unit')}</th>
            <td>{unit}</td>
          </tr>
          <tr>
            <th>{t('period')}</th>
            <td>
              {period} · {view.framework.name}
            </td>
          </tr>
          <tr>
            <th>{t('index')}</th>
            <td>
              <IndexFigure
                fw={view.framework}
                index={index}
                predicate={predicate}
                provisional={provisional}
                locale={locale}
                doc
              />
              <br />
              {t('progress', { n: verifiedCount, total })}
              {/* A record signed under an earlier rule keeps its signed figure, without notes. */}
              {snapshot && snapshot.index !== r.index ? null : <OfficialRuleNotes r={r} />}
            </td>
          </tr>
          <tr>
            <th>{t('signedVersion')}</th>
            <td>
              {signed && ba?.signedAt ? (
                <>
                  {formatZoneTime(ba.signedAt, locale, zone, 'full')}
                  <br />
                  <span class="doc-digest">
                    {t('digest')} {groupedDigest(ba.signedDigest ?? '')}
                  </span>
                </>
              ) : props.signing === 'void' && ba?.signedAt ? (
                t('signingVoidShort', { d: signedTime(locale, ba.signedAt, zone) })
              ) : (
                t('notSignedDraft')
              )}
            </td>
          </tr>
        </tbody>
      </table>

      <h2>{t('baResults')}</h2>
      <table class="doc-table doc-results">
        <thead>
          <tr>
            <th>No</th>
            <th>{t('indicator')}</th>
            <th>{t('selfLevel')}</th>
            <th>{t('verifiedLevel')}</th>
            <th>{t('notesAndReasons')}</th>
          </tr>
        </thead>
        <tbody>
          {indicators.map((ind) => {
            const res = results.get(ind.no);
            const self = view.verifications.get(ind.no)?.selfLevel;
            const domain = valueDomainOf(view.framework, ind.no);
            const value = (x: number | null | undefined) => formatValue(x, locale, domain);
            return (
              <tr key={ind.no}>
                <td>{ind.no}</td>
                <td>{ind.spec.name}</td>
                <td>{value(self)}</td>
                <td>
                  {res?.notApplicable ? (
                    <abbr title={t('naTitle')}>{t('na')}</abbr>
                  ) : (
                    value(res?.verifiedLevel)
                  )}
                </td>
                <td>
                  {res?.notApplicable ? (
                    <div>
                      <em>{t('naReason')}:</em> {res.naReason || '–'}
                    </div>
                  ) : null}
                  {res?.notes ? <div class="doc-note">{res.notes}</div> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      {ba?.summary ? (
        <>
          <h2>{t('baGeneralNotes')}</h2>
          <p class="doc-note">{ba.summary}</p>
        </>
      ) : null}

      <div class="doc-closing">
        <p>{closingSentence(locale)}</p>
        <div class="doc-signers">
          {(['verifier', 'representative'] as const).map((side) => {
            const image = ba?.[`${side}Signature`];
            return (
              <div key={side} class="doc-signer">
                <p>{t(side)}</p>
                <div class="doc-sig">
                  {signed && image ? (
                    <img src={image} alt={t('signature')} />
                  ) : (
                    <span class="muted">
                      {props.signing === 'void' ? t('signatureVoid') : t('signatureNotYet')}
                    </span>
                  )}
                </div>
                <p>
                  <strong>{ba?.[`${side}Name`] || '……………………'}</strong>
                  <br />
                  {t('nip')} {ba?.[`${side}Nip`] || '……………………'}
                  <br />
                  {ba?.[`${side}Role`] ?? ''}
                </p>
              </div>
            );
          })}
        </div>
      </div>
      <p class="small doc-printed">
        {t('printedOn', { d: printedAt })} · {unit} · {period}
      </p>
    </article>
  );
}

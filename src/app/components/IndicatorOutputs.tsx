import { useEffect, useRef, useState } from 'preact/hooks';
import { type Framework, recommendationLibrary } from '../../core';
import type { EvidenceFile, Verification, VerificationChanges } from '../../store';
import type { Locale } from '../../ui/i18n';
import { useT } from '../i18n';
import { insertRecommendation } from '../lib/workflow';
import { AutosaveText } from './AutosaveText';
import { ConfirmDialog } from './ConfirmDialog';

/**
 * The written outputs of one indicator besides its value, as the assessor's result sheet
 * has them (core OUTPUT_FIELDS): catatan, rekomendasi (with the instrument's standard
 * recommendations to insert and edit) and the penjelasan in three parts with the evidence
 * files it cites. Every text saves itself like the catatan always did (AutosaveText: never
 * a lost keystroke); the cited files save on each tick. Loaded with the indicator screen's
 * own chunk, so the first load stays small.
 */
export function IndicatorOutputs(props: {
  no: number;
  fw: Framework;
  v: Verification | undefined;
  files: readonly EvidenceFile[];
  /** The value given now (whole or decimal), to point at the recommendation for the next level. */
  value: number | null;
  locale: Locale;
  save(changes: VerificationChanges): Promise<void>;
}) {
  const t = useT();
  const { no, v, save } = props;
  return (
    <section data-testid="outputs">
      <h2>{t('outputsTitle')}</h2>
      <AutosaveText
        id={`notes-${no}`}
        label={t('notes')}
        value={v?.notes ?? ''}
        multiline
        maxLength={20_000}
        onSave={(notes) => save({ notes })}
      />
      <Rekomendasi {...props} />
      <fieldset class="plain penjelasan" data-testid="penjelasan">
        <legend>
          <h3 style="margin:0.5rem 0 0">{t('penjelasan')}</h3>
        </legend>
        <AutosaveText
          id={`fakta-${no}`}
          label={t('penjelasanFakta')}
          hint={t('penjelasanFaktaHint')}
          value={v?.penjelasanFakta ?? ''}
          multiline
          maxLength={10_000}
          onSave={(penjelasanFakta) => save({ penjelasanFakta })}
        />
        <AutosaveText
          id={`analisis-${no}`}
          label={t('penjelasanAnalisis')}
          hint={t('penjelasanAnalisisHint')}
          value={v?.penjelasanAnalisis ?? ''}
          multiline
          maxLength={10_000}
          onSave={(penjelasanAnalisis) => save({ penjelasanAnalisis })}
        />
        <AutosaveText
          id={`justifikasi-${no}`}
          label={t('penjelasanJustifikasi')}
          hint={t('penjelasanJustifikasiHint')}
          value={v?.penjelasanJustifikasi ?? ''}
          multiline
          maxLength={10_000}
          onSave={(penjelasanJustifikasi) => save({ penjelasanJustifikasi })}
        />
        <CitedFiles files={props.files} cited={v?.penjelasanFiles ?? []} save={save} />
      </fieldset>
    </section>
  );
}

/**
 * The rekomendasi field and its library: each standard recommendation (per level the unit
 * can aim at) is added below what is written, or replaces it after a question; the verifier
 * then edits it in the field.
 */
function Rekomendasi(props: {
  no: number;
  fw: Framework;
  v: Verification | undefined;
  value: number | null;
  locale: Locale;
  save(changes: VerificationChanges): Promise<void>;
}) {
  const t = useT();
  const { no, v } = props;
  const library = recommendationLibrary(props.fw, no, props.locale);
  const [edit, setEdit] = useState<{ n: number; apply(current: string): string } | null>(null);
  const [asking, setAsking] = useState<string | null>(null);
  const current = v?.rekomendasi ?? '';
  // The level the value given aims at next: its recommendation is listed first and marked.
  const aim = props.value === null ? null : Math.floor(props.value + 1e-9) + 1;
  const libraryRef = useRef<HTMLDetailsElement>(null);
  // Inserted, the library folds away and the field takes the focus: the verifier edits next.
  const insert = (text: string, replace: boolean) => {
    setEdit((e) => ({
      n: (e?.n ?? 0) + 1,
      apply: (cur) => insertRecommendation(cur, text, replace),
    }));
    if (libraryRef.current) libraryRef.current.open = false;
    const field = document.getElementById(`rekomendasi-${no}`);
    field?.focus({ preventScroll: true });
    field?.scrollIntoView({ block: 'nearest' });
  };
  return (
    <div class="rekomendasi" data-testid="rekomendasi">
      <AutosaveText
        id={`rekomendasi-${no}`}
        label={t('rekomendasi')}
        hint={t('rekomendasiHint')}
        value={current}
        multiline
        maxLength={10_000}
        edit={edit}
        onSave={(rekomendasi) => props.save({ rekomendasi })}
      />
      {library.length > 0 ? (
        <details class="rec-library" data-testid="rec-library" ref={libraryRef}>
          <summary>{t('recLibrary')}</summary>
          <ul class="plain-list">
            {[...library]
              .sort((a, b) => (a.level === aim ? -1 : b.level === aim ? 1 : a.level - b.level))
              .map((r) => (
                <li key={r.level} class="rec-item" data-testid={`rec-${r.level}`}>
                  <p class="small">
                    <strong>{t('recForLevel', { level: r.level })}</strong>
                    {r.level === aim ? (
                      <span class="pill sync" style="margin-left:0.4rem">
                        {t('recNext')}
                      </span>
                    ) : null}
                  </p>
                  <p class="rec-text small">{r.text}</p>
                  <div class="row">
                    <button
                      type="button"
                      onClick={() => insert(r.text, false)}
                      data-testid={`rec-insert-${r.level}`}
                    >
                      {current.trim() ? t('recAppend') : t('recInsert')}
                    </button>
                    {current.trim() ? (
                      <button
                        type="button"
                        onClick={() => setAsking(r.text)}
                        data-testid={`rec-replace-${r.level}`}
                      >
                        {t('recReplace')}
                      </button>
                    ) : null}
                  </div>
                </li>
              ))}
          </ul>
        </details>
      ) : null}
      {asking !== null ? (
        <ConfirmDialog
          title={t('recReplaceTitle')}
          confirmLabel={t('recReplaceYes')}
          cancelLabel={t('cancel')}
          tone="primary"
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            insert(asking, true);
            setAsking(null);
          }}
        >
          <p>{t('recReplaceBody')}</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

/**
 * The indicator's evidence files, each with "dirujuk" (cited by the penjelasan): a tick
 * saves the list of cited ids at once. A cited file since deleted stays listed, so the
 * verifier can see and untick it. Until the store holds a saved list, the ticks show (and
 * the next tick builds on) the list last saved, not the store's older one: two quick ticks
 * on a busy tablet would otherwise write the second over the first, and a redraw in between
 * would show the first untaken (as `StoredCheckbox` for a single tick).
 */
function CitedFiles(props: {
  files: readonly EvidenceFile[];
  cited: readonly string[];
  save(changes: VerificationChanges): Promise<void>;
}) {
  const t = useT();
  const [pending, setPending] = useState<readonly string[] | null>(null);
  const latest = useRef<readonly string[] | null>(null);
  useEffect(() => {
    if (pending && sameIds(pending, props.cited)) {
      latest.current = null;
      setPending(null);
    }
  }, [props.cited, pending]);
  const cited = pending ?? props.cited;
  const live = props.files.filter((f) => !f.deleted);
  const known = new Set(live.map((f) => f.id));
  const gone = cited.filter((id) => !known.has(id));
  const toggle = (id: string, on: boolean) => {
    const base = (latest.current ?? props.cited).filter((x) => x !== id);
    const next = on ? [...base, id] : base;
    latest.current = next;
    setPending(next);
    props.save({ penjelasanFiles: next }).catch(() => {
      // The write failed (the verifier was told): show what the store holds again.
      latest.current = null;
      setPending(null);
    });
  };
  return (
    <div class="cited-files" data-testid="cited-files">
      <h4 class="small" style="margin:0.75rem 0 0.25rem">
        {t('citedFiles')}
      </h4>
      {live.length === 0 && gone.length === 0 ? (
        <p class="small muted">{t('citedNone')}</p>
      ) : (
        <ul class="plain-list">
          {live.map((f) => (
            <li key={f.id}>
              <label class="inline">
                <input
                  type="checkbox"
                  checked={cited.includes(f.id)}
                  onChange={(e) => toggle(f.id, (e.currentTarget as HTMLInputElement).checked)}
                  data-testid="cite-file"
                  data-name={f.name}
                />
                <span>
                  {f.name} <span class="small muted">· {t('cited')}</span>
                </span>
              </label>
            </li>
          ))}
          {gone.map((id) => (
            <li key={id}>
              <label class="inline">
                <input
                  type="checkbox"
                  checked
                  onChange={() => toggle(id, false)}
                  data-testid="cite-file-gone"
                />
                <span class="muted">{t('citedGone')}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Whether two lists of file ids hold the same ids (order does not matter). */
function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

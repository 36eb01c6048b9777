import { useEffect, useRef, useState } from 'preact/hooks';
import { cleanText, findUnsafeText } from '../../core';
import { StoreError } from '../../store';
import { formatNumber } from '../../ui/format';
import { useLocale } from '../../ui/i18n';
import { useT } from '../i18n';
import { cleaningHandlers } from '../lib/clean-input';
import { textLimit } from '../lib/text-limit';
import { useUi } from '../state/ui.store';
import { useDraftJournal } from './draft-journal';
import { useFlushOnLeave } from './flush-on-leave';

const DEBOUNCE_MS = 350;

/**
 * A text field that saves itself: shortly after typing stops, and at once on blur, on route
 * change and when the tab is hidden (the last chance before the OS kills a background tab).
 * While keystrokes are not yet committed, the app counts it as dirty so an update reload
 * is refused. Every keystroke is also journalled synchronously (lib/drafts.ts): a save
 * started as the page unloads can be aborted, so text typed just before a reload or a
 * closed tab comes back from the journal when the field appears again, and is saved then.
 *
 * Text the server would refuse never gets in (a refused change would wait in "Ditolak server"
 * for a fix the verifier could have made while typing): a paste holding invisible control
 * characters (U+0000 from PDF viewers) or broken characters is pasted cleaned and the field
 * says so once; a value the store still refuses shows its readable reason at the field (the
 * text stays, unsaved); an old value holding such characters offers to remove them.
 */
export function AutosaveText(props: {
  id: string;
  label: string;
  value: string;
  multiline?: boolean;
  maxLength?: number;
  /** Keyboard hint for the field (e.g. `numeric` for a NIP). */
  inputMode?: 'text' | 'numeric';
  /**
   * Why the text as typed is not acceptable (readable, in the app's language), else null.
   * Shown at the field while typing; the text is still saved as typed (nothing is lost) —
   * the screen refuses what depends on it (e.g. signing with an invalid NIP).
   */
  invalid?: (value: string) => string | null;
  /** A line under the label saying what to write (read by screen readers with the field). */
  hint?: string;
  /**
   * An edit asked for by the screen (e.g. inserting a standard text): each new `n` applies
   * `apply` to the text as it stands in the field — unsaved keystrokes included — and saves
   * the result like typing would.
   */
  edit?: { n: number; apply(current: string): string } | null;
  onSave(value: string): Promise<void>;
}) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const [text, setText] = useState(props.value);
  const [state, setState] = useState<'idle' | 'dirty' | 'saving' | 'saved' | 'error'>('idle');
  /** Why the last save was refused, readable (the store's ValidationError message). */
  const [problem, setProblem] = useState<{ id: string; en: string } | null>(null);
  /** Invisible characters removed from the last paste or input (shown once, at the field). */
  const [removed, setRemoved] = useState(0);
  /** Characters of the last paste that did not fit under maxLength (said, never cut silently). */
  const [cut, setCut] = useState<{ n: number; max: number } | null>(null);
  const noteRef = useRef<HTMLParagraphElement>(null);
  // A message appearing below the field must not hide under the sticky pager or the keyboard.
  useEffect(() => {
    if (removed > 0 || cut || problem) noteRef.current?.scrollIntoView({ block: 'nearest' });
  }, [removed, cut, problem]);
  const pending = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const saveRef = useRef(props.onSave);
  saveRef.current = props.onSave;
  const addDirty = useUi((s) => s.addDirty);

  // Every keystroke journalled at once (a save started as the page unloads may be aborted).
  const journal = useDraftJournal(props.id, props.value);

  // Follow changes made elsewhere (another tab, sync) when we hold no unsaved text.
  useEffect(() => {
    if (pending.current === null) setText(props.value);
  }, [props.value]);

  const flush = async () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const value = pending.current;
    if (value === null) return;
    pending.current = null;
    setState('saving');
    journal.saving(value);
    try {
      await saveRef.current(value);
      journal.saved(value);
      setProblem(null);
      setState(pending.current === null ? 'saved' : 'dirty');
    } catch (e) {
      // Keep the text on screen and dirty: nothing typed is thrown away. The reason shows at
      // the field (the screen's own save handler also raises a toast).
      if (pending.current === null) pending.current = value;
      setState('error');
      setProblem(
        e instanceof StoreError
          ? { id: e.message, en: e.messageEn }
          : { id: String((e as Error)?.message ?? e), en: String((e as Error)?.message ?? e) },
      );
    } finally {
      if (pending.current === null) addDirty(-1);
    }
  };
  const flushLatest = useFlushOnLeave(flush);

  const onInput = (value: string) => {
    journal.typed(value);
    if (pending.current === null) addDirty(1);
    pending.current = value;
    setText(value);
    setState('dirty');
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void flushLatest(), DEBOUNCE_MS);
  };

  // Text journalled but not committed (the page went away first) is typed back and saved —
  // unless the store now holds a newer value than the one it was typed over.
  useEffect(() => {
    const back = journal.takeBack();
    if (back !== null) onInput(back);
  }, []);

  // The screen's edit works on what the field shows, so nothing typed but unsaved is lost.
  const textRef = useRef(text);
  textRef.current = text;
  const editRef = useRef(props.edit);
  editRef.current = props.edit;
  const editN = props.edit?.n;
  // An edit already there when the field appears was applied before: never twice.
  const appliedN = useRef(editN);
  useEffect(() => {
    const edit = editRef.current;
    if (editN === undefined || !edit || editN === appliedN.current) return;
    appliedN.current = editN;
    onInput(edit.apply(textRef.current));
  }, [editN]);

  const invalid = props.invalid?.(text) ?? null;
  // The limit shown before it bites: the browser drops keys past maxlength without a word.
  const limit = textLimit(text.length, props.maxLength);
  const common = {
    id: props.id,
    value: text,
    maxLength: props.maxLength,
    inputMode: props.inputMode,
    'aria-invalid': problem || invalid ? true : undefined,
    'aria-describedby': problem
      ? `${props.id}-problem`
      : invalid
        ? `${props.id}-invalid`
        : [props.hint ? `${props.id}-hint` : '', limit ? `${props.id}-limit` : '']
            .filter(Boolean)
            .join(' ') || undefined,
    ...cleaningHandlers(onInput, setRemoved, (n, max) => setCut({ n, max })),
    onBlur: () => void flush(),
  };
  // A value saved before this check existed (or pulled) may still hold refused characters.
  const unsafe = findUnsafeText(text) !== null;
  return (
    <div>
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <p class="small muted field-hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.multiline ? <textarea {...common} /> : <input type="text" {...common} />}
      <div class="small muted" aria-live="polite" data-save-state={state}>
        {state === 'dirty' || state === 'saving'
          ? t('saving')
          : state === 'saved'
            ? t('saved')
            : ''}
        {state === 'error' ? <span class="error">{t('notSaved')}</span> : null}
      </div>
      {/* The count is read with the field (aria-describedby), not announced per keystroke;
          reaching the limit is announced once, politely, on dark text over light blue. */}
      {limit ? (
        <p
          class={limit.state === 'full' ? 'field-note' : 'small muted'}
          id={`${props.id}-limit`}
          data-testid="text-limit"
          data-limit={limit.state}
        >
          {limit.state === 'near'
            ? t('textLimitCount', {
                n: formatNumber(locale, limit.length),
                max: formatNumber(locale, limit.max),
              })
            : null}
          <span aria-live="polite" data-testid="text-limit-reached">
            {limit.state === 'full'
              ? t('textLimitReached', { max: formatNumber(locale, limit.max) })
              : ''}
          </span>
        </p>
      ) : null}
      {removed > 0 ? (
        <p class="field-note" role="status" data-testid="cleaned-notice" ref={noteRef}>
          {t('pasteCleaned', { n: removed })}
        </p>
      ) : null}
      {cut ? (
        <p
          class="field-note"
          role="status"
          data-testid="paste-cut-notice"
          ref={removed > 0 ? undefined : noteRef}
        >
          {t('pasteTooLong', {
            n: formatNumber(locale, cut.n),
            max: formatNumber(locale, cut.max),
          })}
        </p>
      ) : null}
      {problem ? (
        <p
          class="field-error"
          id={`${props.id}-problem`}
          role="alert"
          data-testid="field-error"
          ref={removed > 0 || cut ? undefined : noteRef}
        >
          {locale === 'en' ? problem.en : problem.id}
        </p>
      ) : null}
      {invalid && !problem ? (
        <p class="field-error" id={`${props.id}-invalid`} data-testid="field-invalid">
          {invalid}
        </p>
      ) : null}
      {unsafe ? (
        <div class="field-error" role="alert" data-testid="unsafe-value">
          <p>{t('unsafeValue')}</p>
          <button
            type="button"
            onClick={() => {
              setRemoved(text.normalize('NFC').length - cleanText(text).length);
              onInput(cleanText(text));
            }}
            data-testid="clean-value"
          >
            {t('cleanValue')}
          </button>
        </div>
      ) : null}
    </div>
  );
}

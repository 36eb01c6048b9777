import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocale } from '../../ui/i18n';
import { useT } from '../i18n';
import { localeFreeNumber } from '../lib/drafts';
import type { ValueProblem } from '../lib/values';
import { useUi } from '../state/ui.store';
import { useDraftJournal } from './draft-journal';
import { useFlushOnLeave } from './flush-on-leave';

/**
 * A number field for a touch tablet: the decimal keyboard, "2,5" or "2.5" alike. Unlike a
 * text field it does not save while typing ("2," is not a value yet): it commits on blur, on
 * Enter or the save button, on route change and when the tab is hidden. `commit` checks and
 * saves the text and returns the value as the field now shows it ("2.5" → "2,50"), or returns
 * why it is refused — the reason then shows at the field and nothing is saved. What is typed
 * is journalled synchronously (lib/drafts.ts) and committed when the field appears again if
 * the page went away before the commit did.
 */
export function ValueField(props: {
  id: string;
  label: string;
  hint?: string;
  /** The saved value as the field shows it ('' for none). */
  shown: string;
  testId: string;
  commit(text: string): Promise<{ shown: string } | { problem: ValueProblem }>;
}) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const [text, setText] = useState(props.shown);
  const [state, setState] = useState<'idle' | 'dirty' | 'saving' | 'saved' | 'error'>('idle');
  const [problem, setProblem] = useState<ValueProblem | null>(null);
  const pending = useRef<string | null>(null);
  const commitRef = useRef(props.commit);
  commitRef.current = props.commit;
  const addDirty = useUi((s) => s.addDirty);
  // Every keystroke journalled at once (a save started as the page unloads may be aborted).
  // The stored value it was typed over is journalled without the locale's decimal mark, so a
  // draft typed over "2,50" is still taken back when the app reopens in English ("2.50").
  const journal = useDraftJournal(props.id, localeFreeNumber(props.shown));

  // Follow the saved value (a level button, another tab, sync) while nothing is typed here.
  useEffect(() => {
    if (pending.current === null) setText(props.shown);
  }, [props.shown]);

  const flush = async () => {
    const value = pending.current;
    if (value === null) return;
    pending.current = null;
    addDirty(-1);
    setState('saving');
    journal.saving(value);
    try {
      const answer = await commitRef.current(value);
      if ('problem' in answer) {
        setProblem(answer.problem);
        setState('error');
      } else {
        journal.saved(value, localeFreeNumber(answer.shown));
        setProblem(null);
        if (pending.current === null) setText(answer.shown);
        setState('saved');
      }
    } catch {
      // The screen's save handler already said why (toast); the typed text stays visible.
      setState('error');
    }
  };
  useFlushOnLeave(flush);

  const onInput = (value: string) => {
    journal.typed(value);
    if (pending.current === null) addDirty(1);
    pending.current = value;
    setText(value);
    setState('dirty');
  };

  // A value typed before the page went away, not committed: commit it now, unless the store
  // holds a newer value than the one it was typed over.
  useEffect(() => {
    const back = journal.takeBack();
    if (back === null) return;
    onInput(back);
    void flush();
  }, []);

  return (
    <form
      class="value-field"
      onSubmit={(e) => {
        e.preventDefault();
        void flush();
      }}
    >
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <p class="small muted" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <div class="row">
        <input
          id={props.id}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          value={text}
          maxLength={32}
          aria-invalid={problem ? true : undefined}
          aria-describedby={
            problem ? `${props.id}-problem` : props.hint ? `${props.id}-hint` : undefined
          }
          onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
          onBlur={() => void flush()}
          data-testid={props.testId}
        />
        <button type="submit" data-testid={`${props.testId}-save`}>
          {t('valueSave')}
        </button>
      </div>
      <div class="small muted" aria-live="polite" data-save-state={state}>
        {state === 'saving' ? t('saving') : state === 'saved' ? t('saved') : ''}
        {state === 'error' ? <span class="error">{t('notSaved')}</span> : null}
      </div>
      {problem ? (
        <p
          class="field-error"
          id={`${props.id}-problem`}
          role="alert"
          data-testid={`${props.testId}-problem`}
        >
          {locale === 'en' ? problem.messageEn : problem.message}
        </p>
      ) : null}
    </form>
  );
}

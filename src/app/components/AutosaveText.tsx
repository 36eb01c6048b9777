import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n';
import { onBeforeNavigate } from '../router';
import { useUi } from '../state/ui.store';

const DEBOUNCE_MS = 350;

/**
 * A text field that saves itself: shortly after typing stops, and at once on blur, on route
 * change and when the tab is hidden (the last chance before the OS kills a background tab).
 * While keystrokes are not yet committed, the app counts it as dirty so an update reload
 * is refused.
 */
export function AutosaveText(props: {
  id: string;
  label: string;
  value: string;
  multiline?: boolean;
  maxLength?: number;
  onSave(value: string): Promise<void>;
}) {
  const t = useT();
  const [text, setText] = useState(props.value);
  const [state, setState] = useState<'idle' | 'dirty' | 'saving' | 'saved' | 'error'>('idle');
  const pending = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const saveRef = useRef(props.onSave);
  saveRef.current = props.onSave;
  const addDirty = useUi((s) => s.addDirty);

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
    try {
      await saveRef.current(value);
      setState(pending.current === null ? 'saved' : 'dirty');
    } catch (e) {
      // Keep the text on screen and dirty: nothing typed is thrown away.
      if (pending.current === null) pending.current = value;
      setState('error');
      useUi.getState().say('error', e instanceof Error ? e.message : String(e));
    } finally {
      if (pending.current === null) addDirty(-1);
    }
  };
  const flushRef = useRef(flush);
  flushRef.current = flush;

  useEffect(() => {
    const off = onBeforeNavigate(() => flushRef.current());
    const onHide = () => {
      if (document.visibilityState === 'hidden') void flushRef.current();
    };
    const onPageHide = () => void flushRef.current();
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      off();
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
      void flushRef.current();
    };
  }, []);

  const onInput = (value: string) => {
    if (pending.current === null) addDirty(1);
    pending.current = value;
    setText(value);
    setState('dirty');
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void flushRef.current(), DEBOUNCE_MS);
  };

  const common = {
    id: props.id,
    value: text,
    maxLength: props.maxLength,
    onInput: (e: Event) => onInput((e.currentTarget as HTMLInputElement).value),
    onBlur: () => void flush(),
  };
  return (
    <div>
      <label for={props.id}>{props.label}</label>
      {props.multiline ? <textarea {...common} /> : <input type="text" {...common} />}
      <div class="small muted" aria-live="polite" data-save-state={state}>
        {state === 'dirty' || state === 'saving'
          ? t('saving')
          : state === 'saved'
            ? t('saved')
            : ''}
        {state === 'error' ? <span class="error">!</span> : null}
      </div>
    </div>
  );
}

import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useLocale } from '../ui/i18n';
import { ApiError } from './api';
import { DataTable } from './components/DataTable';
import { type Translator, useT } from './i18n';
import type { Account, CsvRowReport, FieldIssue, FrameworkProblem } from './types';

/** Shared pieces of the coordinator pages: loading, error reports, confirmations, files. */

/** What every coordinator page receives (see ROUTES in index.tsx). */
export interface PageProps {
  account: Account;
  /** False for viewers: write actions are hidden (the server refuses them anyway). */
  canWrite: boolean;
  params: Record<string, string>;
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  /** Load again; resolves once the fresh data (or error) is on screen. */
  reload(): Promise<void>;
}

/** Any failure as an ApiError: a thrown non-API error keeps its message (status 0). */
export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError
    ? e
    : new ApiError(0, 'client', e instanceof Error ? e.message : String(e));
}

/**
 * Load data for a page; keeps the previous data while reloading so lists do not flash.
 *
 * @example
 *   const periods = useLoad(() => api('GET /api/periods'), []);
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: ApiError | null }>({
    data: undefined,
    error: null,
  });
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const waiting = useRef<(() => void)[]>([]);
  useEffect(() => {
    let live = true;
    setLoading(true);
    const settle = () => {
      const done = waiting.current;
      waiting.current = [];
      for (const f of done) f();
    };
    loadRef.current().then(
      (data) => {
        if (!live) return;
        setState({ data, error: null });
        setLoading(false);
        settle();
      },
      (e: unknown) => {
        if (!live) return;
        setState((s) => ({ data: s.data, error: asApiError(e) }));
        setLoading(false);
        settle();
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(
    () =>
      new Promise<void>((resolve) => {
        waiting.current.push(resolve);
        setTick((n) => n + 1);
      }),
    [],
  );
  return { ...state, loading, reload };
}

/** Run a write action with busy/error state; the error stays until the next run. */
export function useAction(): {
  busy: boolean;
  error: ApiError | null;
  setError(e: ApiError | null): void;
  run<T>(fn: () => Promise<T>): Promise<T | undefined>;
  /**
   * Run `fn` for its effect (a DELETE answers nothing); once it succeeded, run `then`
   * (reload, say so). A failure is shown as `error` and skips `then`.
   */
  done(fn: () => Promise<unknown>, then: () => Promise<void> | void): Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(asApiError(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  const done = useCallback(
    async (fn: () => Promise<unknown>, then: () => Promise<void> | void) => {
      const ok = await run(async () => {
        await fn();
        return true;
      });
      if (ok) await then();
    },
    [run],
  );
  return { busy, error, setError, run, done };
}

/** Per-field messages of a 422 `validation_failed` (`details.issues[].path`). */
export function fieldErrors(error: ApiError | null): Record<string, string> {
  const out: Record<string, string> = {};
  const issues = (error?.details as { issues?: FieldIssue[] } | undefined)?.issues;
  if (Array.isArray(issues)) for (const i of issues) out[i.path] ??= i.message;
  return out;
}

function CsvRowsTable({ rows, total, t }: { rows: CsvRowReport[]; total: number; t: Translator }) {
  const locale = useLocale((s) => s.locale);
  return (
    <>
      <DataTable
        headings={[t('line'), t('column'), t('problem')]}
        testId="csv-problems"
        class="c-problems"
      >
        {rows.flatMap((r) =>
          r.problems.map((p, i) => (
            <tr key={`${r.line}-${i}`} data-line={r.line}>
              <td>{r.line}</td>
              <td>
                <code>{p.column || '—'}</code>
              </td>
              <td>{locale === 'en' ? p.messageEn : p.message}</td>
            </tr>
          )),
        )}
      </DataTable>
      {total > rows.length ? (
        <p class="small muted">{t('shownOf', { n: rows.length, total })}</p>
      ) : null}
    </>
  );
}

/**
 * A failed request as the user should read it: the server's message, then every detail it
 * sent (field issues, instrument problems, CSV rows). Text only, never HTML.
 */
export function ErrorNotice({ error, testId }: { error: ApiError | null; testId?: string }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  if (!error) return null;
  const d = (error.details ?? {}) as {
    issues?: FieldIssue[];
    problems?: FrameworkProblem[];
    rows?: CsvRowReport[];
    total?: number;
  };
  return (
    <div class="notice bad c-error" role="alert" data-testid={testId ?? 'error'}>
      <p class="c-error-message">{error.message}</p>
      {error.requestId ? (
        <p class="c-error-ref" data-testid="error-request-id">
          {t('errorRequestId')} <code>{error.requestId}</code>
        </p>
      ) : null}
      {Array.isArray(d.issues) && d.issues.length ? (
        <ul>
          {d.issues.map((i, n) => (
            <li key={n}>
              {i.path ? <code>{i.path}</code> : null} {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      {Array.isArray(d.problems) && d.problems.length ? (
        <>
          <p>{t('problemsHeading', { n: d.problems.length })}</p>
          <ol class="c-problem-list" data-testid="framework-problems">
            {d.problems.map((p, n) => (
              <li key={n}>
                <code>{p.where || '/'}</code> — {locale === 'en' ? p.messageEn : p.message}
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {/* CSV rows only: other problems' `rows` (a bulk request's) have no `problems`. */}
      {Array.isArray(d.rows) && d.rows.length && Array.isArray(d.rows[0]?.problems) ? (
        <CsvRowsTable rows={d.rows} total={d.total ?? d.rows.length} t={t} />
      ) : null}
    </div>
  );
}

/**
 * What a list card shows under its heading: "loading" until the first answer, `empty`
 * when the answer has no rows, else `children` (the table). A failed first load shows
 * nothing here: its ErrorNotice says why.
 */
export function ListBody(props: {
  loaded: Loaded<unknown>;
  count: number;
  empty: string;
  children: ComponentChildren;
}) {
  const t = useT();
  if (props.count > 0) return <>{props.children}</>;
  if (props.loaded.loading && !props.loaded.data) return <p class="muted">{t('loading')}</p>;
  return props.loaded.data ? <p class="muted">{props.empty}</p> : null;
}

export function SuccessNotice({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p class="notice c-ok" role="status" data-testid="success">
      {text}
    </p>
  );
}

/**
 * A destructive button that asks in place (no window.confirm: works the same on every
 * tablet browser and keeps the question next to the row it is about).
 */
export function ConfirmButton(props: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm(): Promise<unknown> | undefined;
  disabled?: boolean;
  testId?: string;
  /**
   * `danger` (default) for what removes or undoes; `primary` for a step forward that is only
   * hard to take back (moving a period to its next stage) — red would read as destruction.
   */
  tone?: 'danger' | 'primary';
}) {
  const t = useT();
  const tone = props.tone ?? 'danger';
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        class={tone}
        disabled={props.disabled}
        onClick={() => setAsking(true)}
        data-testid={props.testId}
      >
        {props.label}
      </button>
    );
  }
  return (
    <span class="c-confirm">
      <span class="c-confirm-q">{props.question}</span>
      <button
        type="button"
        class={tone}
        disabled={busy}
        data-testid={props.testId ? `${props.testId}-yes` : undefined}
        onClick={async () => {
          setBusy(true);
          try {
            await props.onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" disabled={busy} onClick={() => setAsking(false)}>
        {t('cancel')}
      </button>
    </span>
  );
}

/**
 * A row's delete (or remove) button: asks in place, sends the request through `action` (a
 * failure shows as the action's error) and, once it succeeded, runs `then` (reload, say so).
 */
export function DeleteButton(props: {
  action: Pick<ReturnType<typeof useAction>, 'done'>;
  question: string;
  remove(): Promise<unknown>;
  then(): Promise<void> | void;
  /** Default "Hapus". */
  label?: string;
  testId?: string;
}) {
  const t = useT();
  return (
    <ConfirmButton
      label={props.label ?? t('delete')}
      question={props.question}
      confirmLabel={t('confirmDelete')}
      testId={props.testId}
      onConfirm={() => props.action.done(props.remove, props.then)}
    />
  );
}

/** Read a chosen file as text, refusing files larger than `maxBytes`. */
export async function readTextFile(file: File, maxBytes: number, t: Translator): Promise<string> {
  if (file.size > maxBytes)
    throw new ApiError(0, 'client', t('fileTooLarge', { mb: Math.round(maxBytes / 1048576) }));
  try {
    return await file.text();
  } catch {
    throw new ApiError(0, 'client', t('fileUnreadable'));
  }
}

/** A file picker with a visible label and the chosen file's name. */
export function FileField(props: {
  id: string;
  label: string;
  accept: string;
  file: File | null;
  onFile(f: File | null): void;
  disabled?: boolean;
}) {
  const t = useT();
  return (
    <div class="c-file row">
      <label for={props.id} class="button file-btn">
        {props.label}
        <input
          id={props.id}
          type="file"
          accept={props.accept}
          disabled={props.disabled}
          onChange={(e) => props.onFile(e.currentTarget.files?.[0] ?? null)}
        />
      </label>
      <span class="small muted" data-testid={`${props.id}-name`}>
        {props.file ? props.file.name : t('noFile')}
      </span>
    </div>
  );
}

/** A data: URI for an SVG string (shown with <img>, so nothing in it can run). */
export function svgDataUri(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:image/svg+xml;base64,${btoa(bin)}`;
}

/** Set the document title while a page is shown. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    const before = document.title;
    document.title = `${title} — Telusur`;
    return () => {
      document.title = before;
    };
  }, [title]);
}

/**
 * The tail of an id, enough to tell identities apart on screen: "…3f9a1c2e". The tail, not
 * the head, because server ids are UUIDv7 whose first characters are a timestamp (two
 * identities issued within a minute share them).
 */
export function shortId(id: string): string {
  const plain = id.replaceAll('-', '');
  return plain.length <= 8 ? plain : `…${plain.slice(-8)}`;
}

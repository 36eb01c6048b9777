import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useT } from '../i18n';
import { ErrorNotice, FileField, SuccessNotice, useAction } from '../ui';

/**
 * An import form: choose a file, `upload` sends it. A refusal shows under the form with the
 * server's details (instrument problems, CSV rows); an accepted file goes to `onDone` and,
 * with `summary`, is said under the form. Files over `maxBytes` are refused before sending.
 */
export function FileImport<R>(props: {
  title: string;
  /** A sub-form of a page section is an h3; a card of its own (default) an h2. */
  heading?: 'h2' | 'h3';
  hint: string;
  accept: string;
  maxBytes: number;
  /** Sends the file to its import endpoint; null while something it needs is not chosen. */
  upload: ((file: File) => Promise<R>) | null;
  /** Why `upload` is null (default "required"). */
  missing?: string;
  summary?(r: R): string;
  onDone(r: R): unknown;
  testId: string;
  fileId: string;
  errorTestId: string;
  /** Controls above the file picker (the period a CSV is for). */
  children?: ComponentChildren;
}) {
  const t = useT();
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const [ok, setOk] = useState<string | null>(null);
  const action = useAction();
  const Heading = props.heading ?? 'h2';

  const submit = async (e: Event) => {
    e.preventDefault();
    setOk(null);
    const upload = props.upload;
    if (!upload) {
      action.setError(new ApiError(0, 'client', props.missing ?? t('required')));
      return;
    }
    if (!file) {
      action.setError(new ApiError(0, 'client', t('noFile')));
      return;
    }
    const r = await action.run(async () => {
      if (file.size > props.maxBytes)
        throw new ApiError(
          0,
          'client',
          t('fileTooLarge', { mb: Math.round(props.maxBytes / 1048576) }),
        );
      return upload(file);
    });
    if (r) {
      setFile(null);
      setInputKey((k) => k + 1);
      await props.onDone(r);
      if (props.summary) setOk(props.summary(r));
    }
  };

  return (
    <form class="card" onSubmit={(e) => void submit(e)} data-testid={props.testId}>
      <Heading>{props.title}</Heading>
      <p class="small muted">{props.hint}</p>
      {props.children}
      <FileField
        key={inputKey}
        id={props.fileId}
        label={t('chooseFile')}
        accept={props.accept}
        file={file}
        onFile={(f) => {
          setFile(f);
          setOk(null);
          action.setError(null);
        }}
      />
      <SuccessNotice text={ok} />
      <ErrorNotice error={action.error} testId={props.errorTestId} />
      <div class="row c-actions">
        <button type="submit" class="primary" disabled={action.busy || !file}>
          {action.busy ? t('importing') : t('importSubmit')}
        </button>
      </div>
    </form>
  );
}

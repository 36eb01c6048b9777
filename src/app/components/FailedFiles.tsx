import { useState } from 'preact/hooks';
import type { FileFailure } from '../../store';
import { navigate } from '../../ui/router';
import { type MessageKey, useT } from '../i18n';
import { storageMessage } from '../lib/errors';
import { type FailedFileView, failureSourceKey, loadFailedFiles } from '../lib/failed-files';
import { useUi } from '../state/ui.store';
import { getStore, useLive } from '../state/workspace';
import { ConfirmDialog } from './ConfirmDialog';

/** Readable reasons of known failure codes in both languages (the store keeps Indonesian only). */
const REASON_KEYS: Record<string, MessageKey> = {
  blob_missing: 'fileReason_blob_missing',
  blob_damaged: 'fileReason_blob_damaged',
  blob_unreadable: 'fileReason_blob_unreadable',
  hash_mismatch: 'fileReason_hash_mismatch',
};

/**
 * Where and why a file failed, with "Foto ulang" and "Hapus": the part the failed-files list
 * and an indicator's photo section share. Test ids are `${testId}-reason|retake|remove`.
 */
export function FailureActions(props: {
  failure: FileFailure;
  testId: string;
  /** A photo is taken again ("Foto ulang"); any other file is picked again ("Ganti berkas"). */
  photo: boolean;
  onRetake(): void;
  onRemove(): void;
}) {
  const t = useT();
  const f = props.failure;
  const key = REASON_KEYS[f.code];
  return (
    <>
      <p class="rejected-why" data-testid={`${props.testId}-reason`}>
        <strong>{t(failureSourceKey(f))}:</strong>{' '}
        {/* Unknown codes: the server's own sentence (Indonesian) is better than nothing. */}
        {key ? t(key) : f.message || t('fileReason_other')}
      </p>
      <div class="row">
        <button
          type="button"
          class="primary"
          onClick={props.onRetake}
          data-testid={`${props.testId}-retake`}
        >
          {t(props.photo ? 'retakePhoto' : 'replaceFile')}
        </button>
        <button
          type="button"
          class="danger"
          onClick={props.onRemove}
          data-testid={`${props.testId}-remove`}
        >
          {t('removePhoto')}
        </button>
      </div>
    </>
  );
}

/**
 * Files whose upload failed, named as the verifier knows them: unit, indicator, file name,
 * and where and why it failed (one bad file never stops the others, so each is dealt with
 * on its own). "Foto ulang" opens the indicator to take the photo
 * again; "Hapus" removes the evidence record after a confirmation. Nothing when none failed.
 */
export function FailedFiles(props: { assessmentId?: string; showUnit?: boolean }) {
  const t = useT();
  const { value: files } = useLive(
    'kerja',
    (s) => loadFailedFiles(s, { assessmentId: props.assessmentId }),
    [props.assessmentId],
  );
  if (!files || files.length === 0) return null;
  return (
    <section class="failed-box" aria-labelledby="failed-title" data-testid="failed-files">
      <h2 id="failed-title">
        {t('failedFilesTitle')}{' '}
        <span class="pill bad">{t('failedFilesBadge', { n: files.length })}</span>
      </h2>
      <p class="small">{t('failedFilesIntro')}</p>
      <ul class="rejected-list">
        {files.map((f) => (
          <FailedFileRow key={f.evidenceId} file={f} showUnit={props.showUnit !== false} />
        ))}
      </ul>
    </section>
  );
}

function FailedFileRow({ file, showUnit }: { file: FailedFileView; showUnit: boolean }) {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  const indicatorPath = `/kerja/a/${encodeURIComponent(file.assessmentId)}/i/${file.indicatorNo}`;
  const remove = async () => {
    try {
      await (await getStore('kerja')).evidence.remove(file.evidenceId);
      setConfirming(false);
    } catch (e) {
      useUi.getState().say('error', storageMessage(e, t));
    }
  };
  return (
    <li class="rejected-item" data-testid="failed-file">
      <div class="rejected-what">
        <strong data-testid="failed-file-name">{file.name}</strong>
      </div>
      <p class="small">
        {showUnit ? `${file.unitName ?? t('rejectedUnknownUnit')} · ` : ''}
        {t('indicatorNo', { no: file.indicatorNo })}
      </p>
      <FailureActions
        failure={file.failure}
        testId="failed-file"
        photo={file.photo}
        onRetake={() => void navigate(`${indicatorPath}#foto`)}
        onRemove={() => setConfirming(true)}
      />
      {confirming ? (
        <RemoveFileDialog
          name={file.name}
          onConfirm={() => void remove()}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </li>
  );
}

/** Confirmation before removing an evidence file (it leaves the indicator on every device). */
export function RemoveFileDialog(props: { name: string; onConfirm(): void; onCancel(): void }) {
  const t = useT();
  return (
    <ConfirmDialog
      title={t('removeFileTitle')}
      confirmLabel={t('removeFileConfirm')}
      cancelLabel={t('cancel')}
      onConfirm={props.onConfirm}
      onCancel={props.onCancel}
      testId="remove-file-dialog"
    >
      <p>{t('removeFileBody', { name: props.name })}</p>
    </ConfirmDialog>
  );
}

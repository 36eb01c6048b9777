import { useEffect, useRef, useState } from 'preact/hooks';
import type { EvidenceFile, FileFailure } from '../../store';
import { formatBytes } from '../../ui/format';
import { useLocale } from '../../ui/i18n';
import { useT } from '../i18n';
import { PhotoError } from '../lib/compress';
import { storageMessage } from '../lib/errors';
import { loadFailedFiles } from '../lib/failed-files';
import { photoErrorText, prepareEvidenceFile } from '../lib/photo';
import { useUnsavedHold } from '../pwa/holds';
import { useUi } from '../state/ui.store';
import { getStore, useLive, type WorkspaceKind } from '../state/workspace';
import { FailureActions, RemoveFileDialog } from './FailedFiles';
import { FileButton } from './FileButton';

/**
 * Evidence photos and PDFs of one indicator: capture, pick, thumbnails, remove (after a
 * confirmation). A file whose upload failed is named with where and why it failed, and can
 * be taken again ("Foto ulang": the new photo replaces it) or removed, so one bad file is
 * dealt with where it was taken while the others upload.
 */
export function Photos(props: {
  ws: WorkspaceKind;
  assessmentId: string;
  indicatorNo: number;
  files: EvidenceFile[];
  /** An approved record: photos are shown, none can be added, retaken or removed. */
  readOnly?: boolean;
}) {
  const t = useT();
  const [busy, setBusy] = useState(0);
  // A photo being read and shrunk is not stored yet: an app update waits for it.
  useUnsavedHold('photo', busy > 0);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<EvidenceFile | null>(null);
  const retakeInput = useRef<HTMLInputElement>(null);
  /** The failed file a retake replaces once the new photo is saved. */
  const replacing = useRef<string | null>(null);
  const { value: failed } = useLive(
    props.ws,
    (s) => loadFailedFiles(s, { assessmentId: props.assessmentId, indicatorNo: props.indicatorNo }),
    [props.assessmentId, props.indicatorNo],
  );
  const failures = new Map((failed ?? []).map((f) => [f.evidenceId, f.failure]));

  const onFiles = async (input: HTMLInputElement) => {
    const picked = [...(input.files ?? [])];
    input.value = '';
    setError(null);
    const replace = replacing.current;
    replacing.current = null;
    let added = 0;
    for (const file of picked) {
      setBusy((n) => n + 1);
      try {
        const prepared = await prepareEvidenceFile(file);
        const store = await getStore(props.ws);
        await store.evidence.add({
          assessmentId: props.assessmentId,
          indicatorNo: props.indicatorNo,
          blob: prepared.blob,
          name: prepared.name,
          mime: prepared.mime,
          width: prepared.width || null,
          height: prepared.height || null,
          capturedAt: file.lastModified || Date.now(),
          location: null,
        });
        added++;
      } catch (e) {
        const message = e instanceof PhotoError ? photoErrorText(e, t) : storageMessage(e, t);
        setError(`${file.name}: ${message}`);
      } finally {
        setBusy((n) => n - 1);
      }
    }
    // The retaken photo is saved: the failed one it replaces leaves the indicator.
    if (replace && added > 0) await remove(replace);
  };

  const remove = async (id: string) => {
    const store = await getStore(props.ws);
    try {
      await store.evidence.remove(id);
    } catch (e) {
      useUi.getState().say('error', storageMessage(e, t));
    }
  };

  const retake = (id: string) => {
    replacing.current = id;
    // Opens the camera (or file picker) within the button's click, as browsers require.
    retakeInput.current?.click();
  };

  const visible = props.files.filter((f) => !f.deleted);
  const failedVisible = visible.filter((f) => failures.has(f.id));
  return (
    <fieldset class="plain photos" disabled={props.readOnly} data-testid="photos">
      <div class="row">
        <FileButton
          class="button primary file-btn"
          label={t('takePhoto')}
          accept="image/*"
          capture="environment"
          onChange={(e) => void onFiles(e.currentTarget)}
          data-testid="photo-capture"
        />
        <FileButton
          class="button file-btn"
          label={t('pickFile')}
          accept="image/*,application/pdf"
          multiple
          onChange={(e) => void onFiles(e.currentTarget)}
          data-testid="photo-pick"
        />
        <input
          ref={retakeInput}
          type="file"
          accept="image/*"
          capture="environment"
          class="sr-only"
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => void onFiles(e.currentTarget)}
          data-testid="photo-retake-input"
        />
        {busy > 0 ? <span class="muted">{t('processing')}</span> : null}
      </div>
      {failedVisible.length > 0 ? (
        <ul class="rejected-list" data-testid="photo-failures">
          {failedVisible.map((f) => (
            <li key={f.id} class="rejected-item failed-file" data-testid="photo-failure">
              <strong>{t('fileUploadFailed', { name: f.name })}</strong>
              <FailureActions
                failure={failures.get(f.id) as FileFailure}
                testId="photo-failure"
                onRetake={() => retake(f.id)}
                onRemove={() => setRemoving(f)}
              />
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p class="notice bad" role="alert" data-testid="photo-error">
          {error}
        </p>
      ) : null}
      <div class="thumbs" style="margin-top:0.5rem" data-testid="thumbs">
        {visible.map((f) => (
          <Thumb
            key={f.id}
            ws={props.ws}
            file={f}
            failed={failures.has(f.id)}
            onRemove={() => setRemoving(f)}
          />
        ))}
      </div>
      {removing ? (
        <RemoveFileDialog
          name={removing.name}
          onConfirm={() => {
            const id = removing.id;
            setRemoving(null);
            void remove(id);
          }}
          onCancel={() => setRemoving(null)}
        />
      ) : null}
    </fieldset>
  );
}

function Thumb({
  ws,
  file,
  failed,
  onRemove,
}: {
  ws: WorkspaceKind;
  file: EvidenceFile;
  failed: boolean;
  onRemove(): void;
}) {
  const t = useT();
  const locale = useLocale((l) => l.locale);
  const [url, setUrl] = useState<string | null>(null);
  const [onServerOnly, setOnServerOnly] = useState(false);
  useEffect(() => {
    let revoked = false;
    let made: string | null = null;
    void getStore(ws)
      .then((s) => s.blobs.get(file.sha256))
      .then((blob) => {
        if (revoked) return;
        // After "free space" the bytes live only on the server (its receipt proved it).
        if (!blob) {
          setOnServerOnly(true);
          return;
        }
        made = URL.createObjectURL(blob);
        setUrl(made);
      });
    return () => {
      revoked = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [ws, file.sha256]);
  return (
    <figure
      class={`thumb ${failed ? 'failed' : ''}`}
      style="margin:0"
      data-testid="thumb"
      data-failed={failed ? 'true' : undefined}
    >
      {file.mime === 'application/pdf' ? (
        <div class="pdf">PDF</div>
      ) : url ? (
        <img src={url} alt={file.name} />
      ) : (
        <div class="pdf">{onServerOnly ? t('onServer') : '…'}</div>
      )}
      <figcaption style="padding:0.2rem 0.3rem">
        <div style="overflow:hidden;text-overflow:ellipsis;white-space:nowrap">{file.name}</div>
        <div class="muted">{formatBytes(file.bytes, locale)}</div>
        {failed ? <div class="error">{t('fileFailedShort')}</div> : null}
        <button type="button" class="danger" style="width:100%" onClick={onRemove}>
          {t('removePhoto')}
        </button>
      </figcaption>
    </figure>
  );
}

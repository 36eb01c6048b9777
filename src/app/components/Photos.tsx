import { useEffect, useState } from 'preact/hooks';
import type { EvidenceFile } from '../../store';
import { useT } from '../i18n';
import { MAX_INPUT_IMAGE_BYTES, PhotoError } from '../lib/compress';
import { storageMessage } from '../lib/errors';
import { prepareEvidenceFile } from '../lib/photo';
import { useUi } from '../state/ui.store';
import { getStore, type WorkspaceKind } from '../state/workspace';

/** Evidence photos and PDFs of one indicator: capture, pick, thumbnails, remove. */
export function Photos(props: {
  ws: WorkspaceKind;
  assessmentId: string;
  indicatorNo: number;
  files: EvidenceFile[];
}) {
  const t = useT();
  const [busy, setBusy] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const onFiles = async (input: HTMLInputElement) => {
    const picked = [...(input.files ?? [])];
    input.value = '';
    setError(null);
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
      } catch (e) {
        const message =
          e instanceof PhotoError
            ? e.code === 'not_image'
              ? t('notImage')
              : e.code === 'too_large'
                ? t('tooLarge', { mb: Math.round(MAX_INPUT_IMAGE_BYTES / 1024 / 1024) })
                : t('corruptImage')
            : storageMessage(e, t);
        setError(`${file.name}: ${message}`);
      } finally {
        setBusy((n) => n - 1);
      }
    }
  };

  const remove = async (id: string) => {
    const store = await getStore(props.ws);
    try {
      await store.evidence.remove(id);
    } catch (e) {
      useUi.getState().say('error', storageMessage(e, t));
    }
  };

  const visible = props.files.filter((f) => !f.deleted);
  return (
    <div>
      <div class="row">
        <span class="button primary file-btn">
          {t('takePhoto')}
          <input
            type="file"
            accept="image/*"
            capture="environment"
            aria-label={t('takePhoto')}
            onChange={(e) => void onFiles(e.currentTarget)}
            data-testid="photo-capture"
          />
        </span>
        <span class="button file-btn">
          {t('pickFile')}
          <input
            type="file"
            accept="image/*,application/pdf"
            multiple
            aria-label={t('pickFile')}
            onChange={(e) => void onFiles(e.currentTarget)}
            data-testid="photo-pick"
          />
        </span>
        {busy > 0 ? <span class="muted">{t('processing')}</span> : null}
      </div>
      {error ? (
        <p class="notice bad" role="alert" data-testid="photo-error">
          {error}
        </p>
      ) : null}
      <div class="thumbs" style="margin-top:0.5rem" data-testid="thumbs">
        {visible.map((f) => (
          <Thumb key={f.id} ws={props.ws} file={f} onRemove={() => void remove(f.id)} />
        ))}
      </div>
    </div>
  );
}

function Thumb({
  ws,
  file,
  onRemove,
}: {
  ws: WorkspaceKind;
  file: EvidenceFile;
  onRemove(): void;
}) {
  const t = useT();
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
    <figure class="thumb" style="margin:0" data-testid="thumb">
      {file.mime === 'application/pdf' ? (
        <div class="pdf">PDF</div>
      ) : url ? (
        <img src={url} alt={file.name} />
      ) : (
        <div class="pdf">{onServerOnly ? t('onServer') : '…'}</div>
      )}
      <figcaption style="padding:0.2rem 0.3rem">
        <div style="overflow:hidden;text-overflow:ellipsis;white-space:nowrap">{file.name}</div>
        <div class="muted">{Math.round(file.bytes / 1024)} KB</div>
        <button type="button" class="danger" style="width:100%" onClick={onRemove}>
          {t('removePhoto')}
        </button>
      </figcaption>
    </figure>
  );
}

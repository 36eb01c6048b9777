import { useEffect, useState } from 'preact/hooks';
import { evidenceFileUrl, fetchBlob } from '../files';
import { useT } from '../i18n';
import type { EvidenceFileView } from '../types';

const IMAGE_MIMES = new Set(['image/jpeg', 'image/png', 'image/webp']);

/**
 * An evidence photo by hash (GET /api/files/by-hash/…), shown from a blob: URL; other files
 * (PDF) get a button that opens them. A file the server does not hold yet says so.
 */
export function EvidenceThumb({ file, size = 120 }: { file: EvidenceFileView; size?: number }) {
  const t = useT();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const image = IMAGE_MIMES.has(file.mime);
  useEffect(() => {
    if (!file.held || !image) return;
    let live = true;
    let made: string | null = null;
    fetchBlob(evidenceFileUrl(file)).then(
      ({ blob }) => {
        if (!live) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [file.sha256, file.held, image]);
  const open = async () => {
    const { blob } = await fetchBlob(evidenceFileUrl(file));
    const u = URL.createObjectURL(blob);
    window.open(u, '_blank', 'noopener');
    setTimeout(() => URL.revokeObjectURL(u), 60_000);
  };
  return (
    <figure class="r-thumb" data-testid="evidence-thumb" data-sha256={file.sha256}>
      {url ? (
        <img src={url} alt={file.name} width={size} height={size} loading="lazy" />
      ) : (
        <div class="r-thumb-empty" style={{ width: `${size}px`, height: `${size}px` }}>
          {!file.held ? t('fileNotHeld') : failed ? '!' : image ? '…' : file.mime}
        </div>
      )}
      <figcaption class="small">
        {file.name}
        {file.held && !image ? (
          <>
            {' '}
            <button type="button" class="no-print" onClick={() => void open()}>
              {t('openFile')}
            </button>
          </>
        ) : null}
      </figcaption>
    </figure>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { evidenceBadge, isDownloadOnly } from '../../core/evidence-limits';
import { formatBytes } from '../../ui/format';
import { useLocale } from '../../ui/i18n';
import { LinkFacts } from '../../ui/LinkFacts';
import { PhotoFacts, PhotoViewer, viewLabel } from '../../ui/PhotoViewer';
import { download, evidenceFileUrl, fetchBlob } from '../files';
import { useT } from '../i18n';
import { useZone } from '../organisation';
import type { EvidenceFileView } from '../types';
import { fileKind } from '../values';

const IMAGE_MIMES = new Set(['image/jpeg', 'image/png', 'image/webp']);

/**
 * An evidence photo by hash (GET /api/files/by-hash/…), shown from a blob: URL; a tap opens
 * it at full size with zoom (the shared PhotoViewer). Under it, what a reviewer trusts it
 * by: the capture time and where that time comes from, the place, and the expected
 * document the verifier linked it to. A PDF gets a button that opens it; office files and
 * archives are only ever downloaded (type badge, size, "Unduh berkas"), never opened in
 * the page. Link evidence shows its address (a link only when http/https), the day it was
 * checked, and its screenshot. A file the server does not hold yet says so.
 */
export function EvidenceThumb({ file, size = 120 }: { file: EvidenceFileView; size?: number }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = useZone();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [viewing, setViewing] = useState(false);
  const image = IMAGE_MIMES.has(file.mime);
  const opaque = isDownloadOnly(file.mime);
  const badge = evidenceBadge(file.mime) ?? fileKind(file.mime) ?? t('fileGeneric');
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
  const facts = (
    <PhotoFacts
      capturedAt={file.capturedAt}
      zone={zone}
      capturedAtSource={file.capturedAtSource}
      location={file.location}
      proves={file.proves}
      showPlace={image && !file.url}
    />
  );
  return (
    <figure
      class="r-thumb"
      style={{ width: `${Math.max(size, 176)}px` }}
      data-testid="evidence-thumb"
      data-sha256={file.sha256}
      data-proves={file.proves ? `${file.proves.level}.${file.proves.index}` : undefined}
      data-kind={file.url ? 'link' : opaque ? 'download' : image ? 'photo' : 'pdf'}
    >
      {url ? (
        <button
          type="button"
          onClick={() => setViewing(true)}
          aria-label={viewLabel(locale, file.name)}
          style={{
            display: 'block',
            padding: 0,
            border: 0,
            background: 'none',
            cursor: 'zoom-in',
          }}
          data-testid="evidence-thumb-open"
        >
          <img src={url} alt={file.name} width={size} height={size} loading="lazy" />
        </button>
      ) : (
        <div class="r-thumb-empty" style={{ width: `${size}px`, height: `${size}px` }}>
          {!file.held ? (
            t('fileNotHeld')
          ) : failed ? (
            '!'
          ) : image ? (
            '…'
          ) : (
            <span class="r-type-badge" data-testid="evidence-badge">
              {badge}
            </span>
          )}
        </div>
      )}
      <figcaption class="small">
        {file.url ? (
          <LinkFacts
            url={file.url}
            checkedAt={file.checkedAt}
            locale={locale}
            checkedLabel={(date) => t('linkChecked', { date })}
          />
        ) : null}
        <div style={{ overflowWrap: 'anywhere' }}>
          {file.name}
          {file.held && opaque ? (
            <>
              {' '}
              <button
                type="button"
                class="no-print"
                onClick={() => void download(evidenceFileUrl(file), file.name)}
                data-testid="evidence-download"
              >
                {t('downloadFile')}
              </button>
            </>
          ) : file.held && !image ? (
            <>
              {' '}
              <button type="button" class="no-print" onClick={() => void open()}>
                {t('openFile')}
              </button>
            </>
          ) : null}
        </div>
        {opaque ? (
          <div class="muted" data-testid="evidence-size">
            {badge} · {formatBytes(file.bytes, locale)}
          </div>
        ) : null}
        <div class="muted">{facts}</div>
      </figcaption>
      {viewing && url ? (
        <PhotoViewer
          src={url}
          alt={file.name}
          onClose={() => setViewing(false)}
          caption={
            <>
              <div>
                <strong>{file.name}</strong>
              </div>
              {file.url ? (
                <LinkFacts
                  url={file.url}
                  checkedAt={file.checkedAt}
                  locale={locale}
                  checkedLabel={(date) => t('linkChecked', { date })}
                />
              ) : null}
              {facts}
            </>
          }
        />
      ) : null}
    </figure>
  );
}

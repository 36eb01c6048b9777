import { useEffect, useRef, useState } from 'preact/hooks';
import {
  EVIDENCE_MIME_TYPES,
  evidenceBadge,
  evidenceLimitsLine,
  isDownloadOnly,
  provesRef,
} from '../../core';
import type { EvidenceFile, FileFailure } from '../../store';
import { formatBytes } from '../../ui/format';
import { useLocale } from '../../ui/i18n';
import { LinkFacts } from '../../ui/LinkFacts';
import { documentLabel, PhotoFacts, PhotoViewer, viewLabel } from '../../ui/PhotoViewer';
import { onBeforeNavigate } from '../../ui/router';
import { useT } from '../i18n';
import { PhotoError } from '../lib/compress';
import { journalStorage, noteRemoval, removalDone } from '../lib/drafts';
import { storageMessage } from '../lib/errors';
import { loadFailedFiles, retakenWithCamera } from '../lib/failed-files';
import { photoErrorText, prepareEvidenceFile } from '../lib/photo';
import {
  askLocationAgain,
  locatePhoto,
  locationAnswer,
  type PhotoPlace,
} from '../lib/photo-location';
import { usePhotoT } from '../lib/photo-messages';
import { photoStampFor } from '../lib/photo-stamp';
import { useUnsavedHold } from '../pwa/holds';
import { usePrintZone } from '../state/sync-state';
import { useUi } from '../state/ui.store';
import { getStore, useLive, type WorkspaceKind } from '../state/workspace';
import { FailureActions, RemoveFileDialog } from './FailedFiles';
import { FileButton } from './FileButton';
import { LinkEvidenceForm, type NewLink } from './LinkEvidence';

/**
 * What the file picker offers: images, PDF and the office and archive formats, by type and
 * by extension (some browsers report no type for RAR or ODS; core's evidenceMimeOf decides).
 */
const PICK_ACCEPT = [
  'image/*',
  ...EVIDENCE_MIME_TYPES.filter((m) => !m.startsWith('image/')),
  '.docx,.odt,.xlsx,.ods,.zip,.rar',
].join(',');

/** How long a removed photo can be brought back before the removal is saved. */
const UNDO_MS = 10_000;

/** An expected document the verifier can link a photo to. */
interface Expected {
  ref: string;
  level: number;
  index: number;
  evidence: string;
}

/**
 * Evidence of one indicator: photos, PDFs, office documents, spreadsheets and archives
 * (kept as they are and only ever downloaded), and link evidence (an address with a
 * screenshot and the day it was checked). Capture, pick, thumbnails that open the photo
 * at full size, the expected document each one proves, remove with undo. A photo keeps the
 * camera's capture time (or the moment it arrived), the place when the verifier allows it,
 * and the period's stamp when the coordinator asks for one. A file whose upload failed is
 * named with where and why it failed, and can be taken again ("Foto ulang": the new photo
 * replaces it) or removed, so one bad file is dealt with where it was taken while the
 * others upload.
 */
export function Photos(props: {
  ws: WorkspaceKind;
  assessmentId: string;
  indicatorNo: number;
  files: EvidenceFile[];
  /** An approved record: photos are shown, none can be added, retaken or removed. */
  readOnly?: boolean;
  /** The indicator's expected documents per level (`levels[L-1].evidence`), to link to. */
  expected?: readonly (readonly string[])[];
  /** The period as synced: its `photoStamp` setting asks for the on-image stamp. */
  period?: Readonly<Record<string, unknown>> | null;
  /** Unit and indicator as the stamp names them. */
  unitName?: string;
  indicatorName?: string;
}) {
  const t = useT();
  const pt = usePhotoT();
  const locale = useLocale((s) => s.locale);
  const zone = usePrintZone();
  const [busy, setBusy] = useState(0);
  // A photo being read and shrunk is not stored yet: an app update waits for it.
  useUnsavedHold('photo', busy > 0);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<EvidenceFile | null>(null);
  const [linkNext, setLinkNext] = useState<string | null>(null);
  const [refused, setRefused] = useState(() => locationAnswer() === 'refused');
  const [askedAgain, setAskedAgain] = useState(false);
  const [viewing, setViewing] = useState<{ file: EvidenceFile; url: string } | null>(null);
  const [addingLink, setAddingLink] = useState(false);
  const retakeInput = useRef<HTMLInputElement>(null);
  const replaceInput = useRef<HTMLInputElement>(null);
  /** The failed file a retake replaces once the new photo is saved. */
  const replacing = useRef<string | null>(null);
  const { value: failed } = useLive(
    props.ws,
    (s) => loadFailedFiles(s, { assessmentId: props.assessmentId, indicatorNo: props.indicatorNo }),
    [props.assessmentId, props.indicatorNo],
  );
  const failures = new Map((failed ?? []).map((f) => [f.evidenceId, f.failure]));
  const expected: Expected[] = (props.expected ?? []).flatMap((docs, i) =>
    docs.map((evidence, index) => ({
      ref: provesRef(i + 1, index),
      level: i + 1,
      index,
      evidence,
    })),
  );
  const expectedOf = (ref: string | null | undefined) => expected.find((e) => e.ref === ref);
  const stamp = photoStampFor(
    props.period,
    { name: props.unitName ?? '' },
    { no: props.indicatorNo, name: props.indicatorName ?? '' },
  );

  const remove = async (id: string) => {
    const store = await getStore(props.ws);
    try {
      await store.evidence.remove(id);
    } catch (e) {
      useUi.getState().say('error', storageMessage(e, t));
    }
  };
  const undo = useUndoRemoval(props.ws, remove);

  const onFiles = async (input: HTMLInputElement) => {
    // The moment of capture for a camera shot: the file has just arrived.
    const receivedAt = Date.now();
    const picked = [...(input.files ?? [])];
    input.value = '';
    setError(null);
    const replace = replacing.current;
    replacing.current = null;
    // A retaken photo proves what the photo it replaces proved.
    const proves = (replace && props.files.find((f) => f.id === replace)?.proves) || linkNext;
    let added = 0;
    let place: Promise<PhotoPlace> | null = null;
    for (const file of picked) {
      setBusy((n) => n + 1);
      try {
        const prepared = await prepareEvidenceFile(file, {
          receivedAt,
          stamp,
          locale,
        });
        let location: PhotoPlace['location'] = null;
        if (prepared.mime.startsWith('image/')) {
          // One question per batch; on the first photo the browser asks the verifier.
          place ??= locatePhoto();
          const found = await place;
          location = found.location;
          setRefused(found.missing === 'refused');
        }
        const store = await getStore(props.ws);
        await store.evidence.add({
          assessmentId: props.assessmentId,
          indicatorNo: props.indicatorNo,
          blob: prepared.blob,
          name: prepared.name,
          mime: prepared.mime,
          width: prepared.width || null,
          height: prepared.height || null,
          capturedAt: prepared.capturedAt,
          capturedAtSource: prepared.capturedAtSource,
          location,
          proves: expectedOf(proves) ? proves : null,
        });
        added++;
      } catch (e) {
        const message =
          e instanceof PhotoError ? photoErrorText(e, t, locale) : storageMessage(e, t);
        setError(`${file.name}: ${message}`);
      } finally {
        setBusy((n) => n - 1);
      }
    }
    // The retaken photo is saved: the failed one it replaces leaves the indicator.
    if (replace && added > 0) await remove(replace);
  };

  /** Link evidence: the screenshot goes through the photo path, the record carries the link. */
  const addLink = async (l: NewLink) => {
    setBusy((n) => n + 1);
    try {
      let prepared: Awaited<ReturnType<typeof prepareEvidenceFile>>;
      try {
        prepared = await prepareEvidenceFile(l.screenshot, { stamp, locale });
      } catch (e) {
        throw new Error(e instanceof PhotoError ? photoErrorText(e, t, locale) : String(e));
      }
      if (!prepared.mime.startsWith('image/')) throw new Error(pt('linkScreenshotNotImage'));
      const store = await getStore(props.ws);
      try {
        await store.evidence.add({
          assessmentId: props.assessmentId,
          indicatorNo: props.indicatorNo,
          blob: prepared.blob,
          name: prepared.name,
          mime: prepared.mime,
          width: prepared.width || null,
          height: prepared.height || null,
          capturedAt: prepared.capturedAt,
          capturedAtSource: prepared.capturedAtSource,
          location: null,
          proves: expectedOf(linkNext) ? linkNext : null,
          url: l.url,
          checkedAt: l.checkedAt,
        });
      } catch (e) {
        throw new Error(storageMessage(e, t));
      }
      setAddingLink(false);
    } finally {
      setBusy((n) => n - 1);
    }
  };

  const link = async (file: EvidenceFile, ref: string | null) => {
    const store = await getStore(props.ws);
    try {
      await store.evidence.link(file.id, ref);
    } catch (e) {
      useUi.getState().say('error', storageMessage(e, t));
    }
  };

  const retake = (f: EvidenceFile) => {
    replacing.current = f.id;
    // Opens the camera (a photo, a link's screenshot) or the file picker (a PDF, an office
    // file, an archive) within the button's click, as browsers require.
    (retakenWithCamera(f.mime) ? retakeInput : replaceInput).current?.click();
  };

  const visible = props.files.filter((f) => !f.deleted && !undo.hidden.has(f.id));
  const failedVisible = visible.filter((f) => failures.has(f.id));
  const options = (selected: string | null) => [
    <option key="" value="" selected={!selected}>
      {pt('provesNone')}
    </option>,
    ...expected.map((e) => (
      <option key={e.ref} value={e.ref} selected={e.ref === selected}>
        {documentLabel(locale, e)}
      </option>
    )),
  ];
  return (
    <fieldset class="plain photos" disabled={props.readOnly} data-testid="photos">
      {expected.length > 0 && !props.readOnly ? (
        <label class="small" style="display:block;margin-bottom:0.5rem">
          {pt('provesNext')}
          <select
            style="display:block;width:100%;max-width:40rem;margin-top:0.25rem"
            onChange={(e) => setLinkNext(e.currentTarget.value || null)}
            data-testid="photo-proves-next"
          >
            {options(linkNext)}
          </select>
        </label>
      ) : null}
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
          accept={PICK_ACCEPT}
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
        <input
          ref={replaceInput}
          type="file"
          accept={PICK_ACCEPT}
          class="sr-only"
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => void onFiles(e.currentTarget)}
          data-testid="file-replace-input"
        />
        {props.readOnly ? null : (
          <button
            type="button"
            aria-expanded={addingLink}
            onClick={() => setAddingLink((v) => !v)}
            data-testid="link-add"
          >
            {pt('addLink')}
          </button>
        )}
        {busy > 0 ? <span class="muted">{t('processing')}</span> : null}
      </div>
      {props.readOnly ? null : (
        <p class="small muted" style="margin:0.35rem 0 0" data-testid="evidence-limits">
          {pt('limits', { line: evidenceLimitsLine(locale) })}
        </p>
      )}
      {addingLink && !props.readOnly ? (
        <LinkEvidenceForm onSave={addLink} onCancel={() => setAddingLink(false)} />
      ) : null}
      {stamp && !props.readOnly ? (
        <p class="small muted" data-testid="photo-stamp-note">
          {pt('photoStampOn')}
        </p>
      ) : null}
      {refused && !props.readOnly ? (
        <p class="small muted" data-testid="location-refused">
          {askedAgain ? pt('locationAskedAgain') : pt('locationRefused')}{' '}
          {askedAgain ? null : (
            <button
              type="button"
              class="link"
              onClick={() => {
                askLocationAgain();
                setAskedAgain(true);
              }}
              data-testid="location-ask-again"
            >
              {pt('locationAllow')}
            </button>
          )}
        </p>
      ) : null}
      {failedVisible.length > 0 ? (
        <ul class="rejected-list" data-testid="photo-failures">
          {failedVisible.map((f) => (
            <li key={f.id} class="rejected-item failed-file" data-testid="photo-failure">
              <strong>{t('fileUploadFailed', { name: f.name })}</strong>
              <FailureActions
                failure={failures.get(f.id) as FileFailure}
                testId="photo-failure"
                photo={retakenWithCamera(f.mime)}
                onRetake={() => retake(f)}
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
      <div
        class="thumbs"
        style="margin-top:0.5rem;display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:0.75rem"
        data-testid="thumbs"
      >
        {visible.map((f) => (
          <Thumb
            key={f.id}
            ws={props.ws}
            file={f}
            failed={failures.has(f.id)}
            proves={expectedOf(f.proves) ?? null}
            linkOptions={expected.length > 0 ? options(f.proves) : null}
            onLink={(ref) => void link(f, ref)}
            onOpen={(url) => setViewing({ file: f, url })}
            onRemove={() => undo.schedule(f)}
          />
        ))}
      </div>
      {undo.pending ? (
        <div class="toast info" role="status" data-testid="photo-undo">
          <span>
            {undo.pending.mime.startsWith('image/')
              ? pt('photoRemoved', { name: undo.pending.name })
              : pt('fileRemoved', { name: undo.pending.name })}
          </span>
          <button type="button" onClick={undo.restore} data-testid="photo-undo-button">
            {pt('undo')}
          </button>
        </div>
      ) : null}
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
      {viewing ? (
        <PhotoViewer
          src={viewing.url}
          alt={viewing.file.name}
          onClose={() => setViewing(null)}
          caption={
            <>
              <div>
                <strong>{viewing.file.name}</strong>
              </div>
              <PhotoFacts
                capturedAt={viewing.file.capturedAt}
                zone={zone}
                capturedAtSource={viewing.file.capturedAtSource}
                location={viewing.file.location}
                proves={expectedOf(viewing.file.proves) ?? null}
                showProves={expected.length > 0}
              />
              {viewing.file.url ? (
                <LinkFacts
                  url={viewing.file.url}
                  checkedAt={viewing.file.checkedAt}
                  locale={locale}
                  checkedLabel={(date) => pt('linkChecked', { date })}
                />
              ) : null}
            </>
          }
        />
      ) : null}
    </fieldset>
  );
}

/**
 * A removal the verifier can take back: the photo leaves the list at once and a toast
 * offers "Urungkan" for 10 seconds; only then is the removal saved (and synced). A second
 * removal, leaving the indicator or hiding the app saves the one waiting, so nothing hangs
 * in between: undo never needs the removed bytes back. Hiding the page also journals the
 * removal synchronously (lib/drafts.ts): a save started as the page unloads may be aborted,
 * and the workspace's store commits the journalled removal when it next opens.
 */
function useUndoRemoval(ws: WorkspaceKind, commit: (id: string) => Promise<void>) {
  const [pending, setPending] = useState<EvidenceFile | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const current = useRef<EvidenceFile | null>(null);
  const commitRef = useRef(commit);
  commitRef.current = commit;

  const flush = async (): Promise<void> => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const file = current.current;
    current.current = null;
    if (!file) return;
    await commitRef.current(file.id);
    removalDone(journalStorage(), ws, file.id);
  };
  useEffect(() => {
    const leave = () => {
      const file = current.current;
      if (file) noteRemoval(journalStorage(), ws, file.id);
      void flush();
      setPending(null);
    };
    const onHide = () => {
      if (document.visibilityState === 'hidden') leave();
    };
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', leave);
    // Leaving the indicator waits until the removal is stored, as a typed note is: a reload
    // right after the next screen appears must not bring the photo back.
    const off = onBeforeNavigate(flush);
    return () => {
      off();
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', leave);
      void flush();
    };
  }, []);

  return {
    pending,
    hidden: new Set(pending ? [pending.id] : []),
    schedule(file: EvidenceFile) {
      void flush();
      current.current = file;
      setPending(file);
      timer.current = setTimeout(() => {
        void flush();
        setPending(null);
      }, UNDO_MS);
    },
    restore() {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      current.current = null;
      setPending(null);
    },
  };
}

function Thumb({
  ws,
  file,
  failed,
  proves,
  linkOptions,
  onLink,
  onOpen,
  onRemove,
}: {
  ws: WorkspaceKind;
  file: EvidenceFile;
  failed: boolean;
  proves: Expected | null;
  /** The options of the "proves" list, or null when the indicator lists no documents. */
  linkOptions: preact.JSX.Element[] | null;
  onLink(ref: string | null): void;
  onOpen(url: string): void;
  onRemove(): void;
}) {
  const t = useT();
  const pt = usePhotoT();
  const locale = useLocale((l) => l.locale);
  const zone = usePrintZone();
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
  const pdf = file.mime === 'application/pdf';
  const opaque = isDownloadOnly(file.mime);
  const badge = evidenceBadge(file.mime) ?? '?';
  const image = 'display:block;width:100%;height:9rem;object-fit:cover';
  return (
    <figure
      class={`thumb ${failed ? 'failed' : ''}`}
      style="margin:0;width:auto"
      data-testid="thumb"
      data-failed={failed ? 'true' : undefined}
      data-proves={proves?.ref}
      data-kind={file.url ? 'link' : opaque ? 'download' : pdf ? 'pdf' : 'photo'}
    >
      {opaque ? (
        // Office files and archives are never opened in the page: a tap saves the file.
        url ? (
          <a
            class="pdf file-tile"
            style="height:9rem;text-decoration:none;color:inherit"
            href={url}
            download={file.name}
            aria-label={pt('downloadLabel', { name: file.name })}
            data-testid="thumb-download"
          >
            <span class="badge-type" data-testid="thumb-badge">
              {badge}
            </span>
            <span class="small">{pt('download')}</span>
          </a>
        ) : (
          <div class="pdf file-tile" style="height:9rem">
            <span class="badge-type" data-testid="thumb-badge">
              {badge}
            </span>
            <span class="small">{onServerOnly ? t('onServer') : '…'}</span>
          </div>
        )
      ) : pdf ? (
        <div class="pdf" style="height:9rem">
          PDF
        </div>
      ) : url ? (
        <button
          type="button"
          class="plain"
          style="display:block;width:100%;padding:0;border:0;border-radius:0;background:none;cursor:zoom-in"
          onClick={() => onOpen(url)}
          aria-label={viewLabel(locale, file.name)}
          data-testid="thumb-open"
        >
          <img src={url} alt={file.name} style={image} />
        </button>
      ) : (
        <div class="pdf" style="height:9rem">
          {onServerOnly ? t('onServer') : '…'}
        </div>
      )}
      <figcaption style="padding:0.3rem 0.4rem;display:grid;gap:0.15rem">
        {file.url ? (
          <LinkFacts
            url={file.url}
            checkedAt={file.checkedAt}
            locale={locale}
            checkedLabel={(date) => pt('linkChecked', { date })}
          />
        ) : null}
        <div
          style="overflow:hidden;text-overflow:ellipsis;white-space:nowrap"
          title={file.name}
          data-testid="thumb-name"
        >
          {file.name}
        </div>
        <div class="muted" data-testid="thumb-size">
          {opaque ? `${badge} · ` : ''}
          {formatBytes(file.bytes, locale)}
        </div>
        <PhotoFacts
          class="muted"
          capturedAt={file.capturedAt}
          zone={zone}
          capturedAtSource={file.capturedAtSource}
          location={file.location}
          proves={null}
          showProves={false}
          showPlace={!pdf && !opaque && !file.url}
        />
        {linkOptions ? (
          <label style="display:grid;gap:0.1rem">
            <span class="muted">{pt('provesLabel')}</span>
            <select
              style="width:100%"
              onChange={(e) => onLink(e.currentTarget.value || null)}
              data-testid="thumb-proves"
            >
              {linkOptions}
            </select>
          </label>
        ) : null}
        {failed ? <div class="error">{t('fileFailedShort')}</div> : null}
        <button
          type="button"
          class="danger"
          style="width:100%"
          onClick={onRemove}
          data-testid="thumb-remove"
        >
          {t('removePhoto')}
        </button>
      </figcaption>
    </figure>
  );
}

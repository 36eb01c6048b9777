import { useEffect, useRef, useState } from 'preact/hooks';
import type SignaturePadType from 'signature_pad';
import { useT } from '../i18n';
import { useUnsavedHold } from '../pwa/holds';
import { ConfirmDialog } from './ConfirmDialog';

/**
 * A drawn signature (signature_pad, loaded only when this screen opens). Saved as a PNG
 * data URL field of the berita acara; once saved it is shown as an image.
 *
 * `disabled` (an approved record) shows a saved signature without its "Ulangi" button and
 * draws nothing. `clearWarning` asks before a saved signature is removed: removing a
 * signature of a signed berita acara voids the signing.
 */
export function SignatureField(props: {
  id: string;
  label: string;
  value: string | null;
  disabled?: boolean;
  clearWarning?: string | null;
  onSave(dataUrl: string | null): Promise<void>;
}) {
  const t = useT();
  const canvas = useRef<HTMLCanvasElement>(null);
  const pad = useRef<SignaturePadType | null>(null);
  const [empty, setEmpty] = useState(true);
  const [asking, setAsking] = useState(false);
  // A drawn, unsaved signature lives only in the canvas: an app update must wait for it.
  useUnsavedHold('signature', !empty && !props.value && !props.disabled);

  useEffect(() => {
    if (props.value || props.disabled || !canvas.current) return;
    let cancelled = false;
    void import('signature_pad').then(({ default: SignaturePad }) => {
      const el = canvas.current;
      if (cancelled || !el) return;
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      el.width = el.offsetWidth * ratio;
      el.height = el.offsetHeight * ratio;
      el.getContext('2d')?.scale(ratio, ratio);
      const p = new SignaturePad(el, { penColor: '#0b2545', backgroundColor: 'rgb(255,255,255)' });
      p.addEventListener('endStroke', () => setEmpty(p.isEmpty()));
      pad.current = p;
      // A fresh pad (also after a saved signature was removed) holds nothing yet.
      setEmpty(true);
    });
    return () => {
      cancelled = true;
      pad.current?.off();
      pad.current = null;
    };
  }, [props.value, props.disabled]);

  if (props.value) {
    return (
      <div>
        <div class="small muted">{props.label}</div>
        <img
          class="sig-img"
          src={props.value}
          alt={props.label}
          data-testid={`${props.id}-image`}
        />
        {props.disabled ? null : (
          <div class="no-print">
            <button
              type="button"
              onClick={() => (props.clearWarning ? setAsking(true) : void props.onSave(null))}
              data-testid={`${props.id}-clear`}
            >
              {t('clearSignature')}
            </button>
          </div>
        )}
        {asking && props.clearWarning ? (
          <ConfirmDialog
            title={t('clearSignatureTitle')}
            confirmLabel={t('clearSignatureConfirm')}
            cancelLabel={t('cancel')}
            onConfirm={() => {
              setAsking(false);
              void props.onSave(null);
            }}
            onCancel={() => setAsking(false)}
            testId="clear-signature-dialog"
          >
            <p>{props.clearWarning}</p>
          </ConfirmDialog>
        ) : null}
      </div>
    );
  }
  return (
    <div>
      <div class="small muted" id={`${props.id}-label`}>
        {props.label}
      </div>
      <canvas
        ref={canvas}
        class={`sig ${props.disabled ? 'disabled' : ''}`}
        aria-labelledby={`${props.id}-label`}
        aria-disabled={props.disabled ? 'true' : undefined}
        data-testid={props.id}
      />
      <div class="row">
        <button
          type="button"
          disabled={props.disabled}
          onClick={() => {
            pad.current?.clear();
            setEmpty(true);
          }}
        >
          {t('clearSignature')}
        </button>
        <button
          type="button"
          class="primary"
          disabled={empty || props.disabled}
          onClick={() => {
            if (pad.current && !pad.current.isEmpty())
              void props.onSave(pad.current.toDataURL('image/png'));
          }}
          data-testid={`${props.id}-save`}
        >
          {t('saveSignature')}
        </button>
      </div>
    </div>
  );
}

import { useEffect, useRef, useState } from 'preact/hooks';
import type SignaturePadType from 'signature_pad';
import { useT } from '../i18n';

/**
 * A drawn signature (signature_pad, loaded only when this screen opens). Saved as a PNG
 * data URL field of the berita acara; once saved it is shown as an image.
 */
export function SignatureField(props: {
  id: string;
  label: string;
  value: string | null;
  onSave(dataUrl: string | null): Promise<void>;
}) {
  const t = useT();
  const canvas = useRef<HTMLCanvasElement>(null);
  const pad = useRef<SignaturePadType | null>(null);
  const [empty, setEmpty] = useState(true);

  useEffect(() => {
    if (props.value || !canvas.current) return;
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
    });
    return () => {
      cancelled = true;
      pad.current?.off();
      pad.current = null;
    };
  }, [props.value]);

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
        <div class="no-print">
          <button type="button" onClick={() => void props.onSave(null)}>
            {t('clearSignature')}
          </button>
        </div>
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
        class="sig"
        aria-labelledby={`${props.id}-label`}
        data-testid={props.id}
      />
      <div class="row">
        <button
          type="button"
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
          disabled={empty}
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

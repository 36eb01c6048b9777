import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n';

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}

/**
 * Scan the enrolment QR with the tablet's camera. Uses the browser's BarcodeDetector where
 * it exists (Chrome on Android) and jsQR on video frames elsewhere (iPadOS Safari); the
 * decoder loads only when the verifier opens the scanner.
 */
export function QrScanner({ onCode, onClose }: { onCode(text: string): void; onClose(): void }) {
  const t = useT();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const start = async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: 'environment' },
          audio: false,
        });
      } catch {
        setError(t('cameraUnavailable'));
        return;
      }
      const el = video.current;
      if (!el || stopped) return;
      el.srcObject = stream;
      await el.play().catch(() => undefined);
      const Native = (
        globalThis as unknown as { BarcodeDetector?: new (o: { formats: string[] }) => Detector }
      ).BarcodeDetector;
      const native = Native ? new Native({ formats: ['qr_code'] }) : null;
      const jsQR = native ? null : (await import('jsqr')).default;
      const canvas = document.createElement('canvas');
      const tick = async () => {
        if (stopped || !el.videoWidth) {
          if (!stopped) timer = setTimeout(() => void tick(), 250);
          return;
        }
        let text: string | null = null;
        if (native) {
          text = (await native.detect(el).catch(() => []))[0]?.rawValue ?? null;
        } else if (jsQR) {
          canvas.width = el.videoWidth;
          canvas.height = el.videoHeight;
          const ctx = canvas.getContext('2d', { willReadFrequently: true });
          if (ctx) {
            ctx.drawImage(el, 0, 0);
            const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
            text = jsQR(frame.data, frame.width, frame.height)?.data ?? null;
          }
        }
        if (text) onCode(text);
        else timer = setTimeout(() => void tick(), 250);
      };
      void tick();
    };
    void start();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, [onCode, t]);

  return (
    <div class="card" data-testid="qr-scanner">
      {error ? <p class="notice bad">{error}</p> : null}
      <video
        ref={video}
        muted
        playsInline
        style="width:100%;max-height:60vh;background:#000;border-radius:8px"
      />
      <div class="row" style="margin-top:0.5rem">
        <button type="button" onClick={onClose}>
          {t('closeScanner')}
        </button>
      </div>
    </div>
  );
}

import { useState } from 'preact/hooks';
import { EvidenceUrlSchema } from '../../core';
import { usePhotoT } from '../lib/photo-messages';
import { FileButton } from './FileButton';

/** What the link form hands over: the address, the screenshot as picked, when it was checked. */
export interface NewLink {
  url: string;
  screenshot: File;
  /** Epoch ms: now for today, else noon (local) of the chosen day. */
  checkedAt: number;
}

/** `YYYY-MM-DD` of a local day, as a date input reads and writes it. */
function dayOf(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The moment a checked day stands for: now when it is today (the verifier just checked the
 * link), else noon of that local day, so the day survives any time zone the record is read
 * in. Null for no date, a malformed one or a day after today.
 */
export function checkedAtOf(day: string, now: number): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  if (day === dayOf(now)) return now;
  const at = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12).getTime();
  if (!Number.isFinite(at) || dayOf(at) !== day || at > now) return null;
  return at;
}

/**
 * "Tambah tautan": link evidence is an address (checked by core's EvidenceUrlSchema: http or
 * https, no spaces), a screenshot of what it showed (camera or a picked image, stored
 * through the photo path), and the day it was checked (today unless changed). `onSave`
 * stores it; it throws with a message to show when the screenshot cannot be taken.
 */
export function LinkEvidenceForm(props: {
  onSave(link: NewLink): Promise<void>;
  onCancel(): void;
}) {
  const pt = usePhotoT();
  const [url, setUrl] = useState('');
  const [day, setDay] = useState(() => dayOf(Date.now()));
  const [screenshot, setScreenshot] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const save = async () => {
    const address = url.trim();
    if (!EvidenceUrlSchema.safeParse(address).success) return setError(pt('linkUrlInvalid'));
    const checkedAt = checkedAtOf(day, Date.now());
    if (checkedAt === null) return setError(pt('linkDateInvalid'));
    if (!screenshot) return setError(pt('linkScreenshotMissing'));
    setError(null);
    setSaving(true);
    try {
      await props.onSave({ url: address, screenshot, checkedAt });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };
  const pick = (input: HTMLInputElement) => {
    const file = input.files?.[0] ?? null;
    input.value = '';
    if (file) setScreenshot(file);
  };

  return (
    <div class="card link-form" style="margin-top:0.5rem;display:grid;gap:0.5rem;max-width:40rem">
      <label style="display:grid;gap:0.2rem">
        {pt('linkUrl')}
        <input
          type="url"
          inputMode="url"
          autoComplete="off"
          placeholder="https://"
          maxLength={2000}
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
          data-testid="link-url"
        />
      </label>
      <div style="display:grid;gap:0.2rem">
        <span>{pt('linkScreenshot')}</span>
        <div class="row">
          <FileButton
            class="button file-btn"
            label={pt('linkScreenshotTake')}
            accept="image/*"
            capture="environment"
            onChange={(e) => pick(e.currentTarget)}
            data-testid="link-screenshot-capture"
          />
          <FileButton
            class="button file-btn"
            label={pt('linkScreenshotPick')}
            accept="image/*"
            onChange={(e) => pick(e.currentTarget)}
            data-testid="link-screenshot-pick"
          />
          <span class="small muted" data-testid="link-screenshot-name">
            {screenshot ? screenshot.name : pt('linkScreenshotNone')}
          </span>
        </div>
      </div>
      <label style="display:grid;gap:0.2rem;max-width:14rem">
        {pt('linkCheckedAt')}
        <input
          type="date"
          value={day}
          max={dayOf(Date.now())}
          onInput={(e) => setDay(e.currentTarget.value)}
          data-testid="link-checked-at"
        />
      </label>
      {error ? (
        <p class="notice bad" role="alert" data-testid="link-error">
          {error}
        </p>
      ) : null}
      <div class="row">
        <button
          type="button"
          class="primary"
          disabled={saving}
          onClick={() => void save()}
          data-testid="link-save"
        >
          {pt('linkSave')}
        </button>
        <button type="button" onClick={props.onCancel} data-testid="link-cancel">
          {pt('linkCancel')}
        </button>
      </div>
    </div>
  );
}

import type { TargetedEvent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A checkbox whose truth lives in the tablet store: `checked` is what the store holds, `save`
 * writes a tick or an untick there (its errors already told to the verifier).
 *
 * Why not a plain controlled input: the write is asynchronous, and any render of the screen
 * between the tap and the store's answer (a signature's digest arriving, another field's
 * save, a language switch) would set the box back to the stored value — the tick the
 * verifier just made disappears, and comes back, or not, when the store answers. The tapped
 * value is shown until the store holds it, or until the write fails (then the stored value
 * is shown again).
 */
export function StoredCheckbox(props: {
  checked: boolean;
  save(checked: boolean): Promise<unknown>;
  disabled?: boolean;
  'data-testid'?: string;
}) {
  const { checked, save, ...input } = props;
  const [pending, setPending] = useState<boolean | null>(null);
  useEffect(() => {
    if (pending !== null && pending === checked) setPending(null);
  }, [checked, pending]);
  const onChange = (e: TargetedEvent<HTMLInputElement>) => {
    const next = e.currentTarget.checked;
    setPending(next);
    save(next).catch(() => setPending((p) => (p === next ? null : p)));
  };
  return <input {...input} type="checkbox" checked={pending ?? checked} onChange={onChange} />;
}

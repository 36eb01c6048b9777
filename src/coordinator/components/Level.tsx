import { useT } from '../i18n';

/**
 * A level 1–5 as a coloured chip: a dash when unassessed, "TB"/"N/A" when not applicable (its
 * full words as the tooltip).
 */
export function Level({ value, na = false }: { value: number | null; na?: boolean }) {
  const t = useT();
  if (na)
    return (
      <span class="r-lv r-lv-na" title={t('naTitle')}>
        {t('na')}
      </span>
    );
  return <span class={`r-lv r-lv-${value ?? 0}`}>{value ?? '–'}</span>;
}

/** A table cell holding one level chip. */
export function LevelCell(props: { value: number | null; na?: boolean }) {
  return (
    <td>
      <Level {...props} />
    </td>
  );
}

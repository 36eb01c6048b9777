import { formatValue } from '../../core';
import type { ValueDomain } from '../../core/framework';
import { useLocale } from '../../ui/i18n';
import { translateId, useT } from '../i18n';
import { wholeLevel } from '../values';

/**
 * A value 1–5 as a coloured chip: a whole level "3" or a decimal assessor value "1,25"
 * coloured by the whole level it has reached (levels are cumulative: 1,25 is level 1 with
 * partial credit toward 2); a dash when unassessed, "TB"/"N/A" when not applicable (its full
 * words as the tooltip). `locale` fixes the language (printed reports are Indonesian).
 */
export function Level({
  value,
  na = false,
  locale: fixed,
  domain,
}: {
  value: number | null;
  na?: boolean;
  locale?: 'id' | 'en';
  /** The indicator's value domain (core `valueDomainOf`), when the instrument is at hand. */
  domain?: ValueDomain | undefined;
}) {
  const ui = useT();
  const uiLocale = useLocale((s) => s.locale);
  const locale = fixed ?? uiLocale;
  const t = fixed === 'id' ? translateId : ui;
  if (na)
    return (
      <span class="r-lv r-lv-na" title={t('naTitle')}>
        {t('na')}
      </span>
    );
  const lv = value === null ? 0 : Math.min(5, Math.max(1, wholeLevel(value)));
  return (
    <span class={`r-lv r-lv-${lv}`}>
      {value === null ? '–' : formatValue(value, locale, domain)}
    </span>
  );
}

/** A table cell holding one level chip. */
export function LevelCell(props: {
  value: number | null;
  na?: boolean;
  locale?: 'id' | 'en';
  domain?: ValueDomain | undefined;
}) {
  return (
    <td>
      <Level {...props} />
    </td>
  );
}

import { formatDateTime } from './format';
import type { Locale } from './i18n';

/** True for an address that may become a link in the page (http or https only). */
export function isWebAddress(url: string | null | undefined): url is string {
  return !!url && /^https?:\/\//i.test(url);
}

/**
 * The address of link evidence as text, a link (new tab, no referrer, no opener) only when
 * it is http(s); and the day it was checked.
 */
export function LinkFacts(props: {
  url: string;
  checkedAt: number | null;
  locale: Locale;
  checkedLabel: (date: string) => string;
}) {
  return (
    <div style="display:grid;gap:0.1rem;min-width:0" data-testid="link-facts">
      <div style="overflow-wrap:anywhere">
        {isWebAddress(props.url) ? (
          <a href={props.url} target="_blank" rel="noopener noreferrer" data-testid="link-address">
            {props.url}
          </a>
        ) : (
          <span data-testid="link-address">{props.url}</span>
        )}
      </div>
      {props.checkedAt !== null ? (
        <div class="muted" data-testid="link-checked">
          {props.checkedLabel(
            formatDateTime(props.locale, props.checkedAt, { dateStyle: 'medium' }),
          )}
        </div>
      ) : null}
    </div>
  );
}

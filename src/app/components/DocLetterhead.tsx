import { useTabletOrganisation } from '../state/sync';

/**
 * The head of a page the tablet prints (berita acara, summary): the organisation's logo
 * and name as the last sync brought them. Nothing before that, and the name alone without
 * a logo.
 */
export function DocLetterhead() {
  const org = useTabletOrganisation();
  if (!org?.name) return null;
  return (
    <header class="doc-letterhead" data-testid="doc-letterhead">
      {/* The name beside it says what the logo shows. */}
      {org.logo ? <img class="doc-letterhead-logo" src={org.logo} alt="" /> : null}
      <p class="doc-letterhead-name">{org.name}</p>
    </header>
  );
}

import { useOrganisation } from '../organisation';

/**
 * The head of a printed document: the organisation's logo and name, as on the Pemda's own
 * letters. Nothing before the organisation is set up, and the name alone without a logo.
 */
export function Letterhead() {
  const org = useOrganisation((s) => s.org);
  const logoUrl = useOrganisation((s) => s.logoUrl);
  if (!org?.configured) return null;
  return (
    <header class="r-letterhead" data-testid="letterhead">
      {/* The name beside it says what the logo shows. */}
      {logoUrl && org.logo ? <img class="r-letterhead-logo" src={logoUrl} alt="" /> : null}
      <p class="r-letterhead-name">{org.name}</p>
    </header>
  );
}

import { create } from '../ui/create-store';
import { formatZoneTime } from '../ui/format';
import { useLocale } from '../ui/i18n';
import { api } from './api';
import { fetchBlob } from './files';
import { DEFAULT_ZONE_CODE, type Organisation, type ZoneCode } from './types';
import { asApiError } from './ui';

/**
 * The organisation as the coordinator pages know it, loaded once a session starts: whether
 * it is set up (a coordinator is sent to the set-up page until it is), its zone for every
 * time these pages print, and its logo as a blob: URL for the letterhead of printed
 * reports (an <img> cannot send the session token).
 */
export interface OrganisationState {
  status: 'idle' | 'loading' | 'loaded' | 'error';
  org: Organisation | null;
  /** blob: URL of the logo, or null without one. */
  logoUrl: string | null;
  /** Why loading failed (the pages then print in WIB, as before set-up). */
  error: string | null;
}

export const useOrganisation = create<OrganisationState>(() => ({
  status: 'idle',
  org: null,
  logoUrl: null,
  error: null,
}));

let logoSha: string | null = null;

/** Fetch the logo when it changed; keep the old URL until the new one is there. */
async function refreshLogo(org: Organisation): Promise<void> {
  const sha = org.logo?.sha256 ?? null;
  if (sha === logoSha) return;
  const old = useOrganisation.getState().logoUrl;
  let url: string | null = null;
  if (sha) {
    try {
      url = URL.createObjectURL((await fetchBlob('/api/organisation/logo')).blob);
    } catch {
      // A letterhead without its logo still prints; the next load tries again.
      return;
    }
  }
  logoSha = sha;
  useOrganisation.setState({ logoUrl: url });
  if (old) URL.revokeObjectURL(old);
}

/**
 * Load the organisation (GET /api/organisation) and its logo. Resolves when loaded or
 * failed; never throws.
 */
export async function loadOrganisation(): Promise<void> {
  useOrganisation.setState({ status: 'loading' });
  try {
    const org = await api('GET /api/organisation');
    useOrganisation.setState({ status: 'loaded', org, error: null });
    await refreshLogo(org);
  } catch (e) {
    useOrganisation.setState({ status: 'error', error: asApiError(e).message });
  }
}

/** The organisation as a save answered it: shown at once, its logo fetched if it changed. */
export async function organisationSaved(org: Organisation): Promise<void> {
  useOrganisation.setState({ status: 'loaded', org, error: null });
  await refreshLogo(org);
}

/** Forget it when the session ends (another account may sign in next). */
export function forgetOrganisation(): void {
  const old = useOrganisation.getState().logoUrl;
  if (old) URL.revokeObjectURL(old);
  logoSha = null;
  useOrganisation.setState({ status: 'idle', org: null, logoUrl: null, error: null });
}

/** The zone every time on these pages is printed in: the organisation's, WIB before set-up. */
export function useZone(): ZoneCode {
  return useOrganisation((s) => s.org?.zone ?? DEFAULT_ZONE_CODE);
}

/**
 * How the coordinator's lists write a time: the organisation's wall clock with its zone's
 * label, short ("2 Okt 2023, 09.00 WIB"; '' for none), so a list read in Jakarta about a
 * Pemda in Makassar says which clock it means, like every printed time.
 */
export function useListTime(): (ms: number | null | undefined) => string {
  const zone = useZone();
  const locale = useLocale((s) => s.locale);
  return (ms) => (ms == null ? '' : formatZoneTime(ms, locale, zone, 'medium'));
}

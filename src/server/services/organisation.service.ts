import { createHash } from 'node:crypto';
import {
  DEFAULT_ZONE_CODE,
  LOGO_MAX_TEXT,
  type LogoMime,
  logoProblem,
  type Organisation,
  type OrganisationKind,
  sniffLogoMime,
  type ZoneCode,
} from '../../core';
import type { LogoFile, OrganisationRow } from '../db/organisation.repository';
import { inTransaction } from '../db/repositories';
import { Problem } from '../problems';
import { type ActorId, BaseService } from './context';

/** What set-up writes: the organisation's name (already checked), kind and zone. */
export interface OrganisationInput {
  name: string;
  kind: OrganisationKind;
  zone: ZoneCode;
}

/**
 * A logo file checked and described: its type from its first bytes, its SHA-256.
 *
 * @throws Problem 413 `logo_too_large`, 422 `logo_invalid` (empty, or not PNG/JPEG by its bytes)
 */
export function checkedLogo(bytes: Uint8Array): LogoFile {
  const problem = logoProblem(bytes);
  if (problem === 'too_large') throw new Problem('logo_too_large', { limit: LOGO_MAX_TEXT });
  if (problem) throw new Problem('logo_invalid');
  return {
    mime: sniffLogoMime(bytes) as LogoMime,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    data: bytes,
  };
}

/** The organisation as the API answers it, from its stored row (null before set-up). */
export function organisationView(row: OrganisationRow | null): Organisation {
  if (!row)
    return {
      configured: false,
      name: null,
      kind: null,
      zone: DEFAULT_ZONE_CODE,
      logo: null,
      updatedAt: null,
    };
  return {
    configured: true,
    name: row.name,
    kind: row.kind,
    zone: row.zone,
    logo: row.logo,
    updatedAt: row.updatedAt,
  };
}

/**
 * The organisation this server works for: read by every role (and by exports for their time
 * zone), set by coordinators (set-up page) and the admin CLI. Each change records when and
 * by whom (`updatedAt`, `updatedBy`), as other set-up edits do.
 */
export class OrganisationService extends BaseService {
  /** The organisation; before set-up `configured: false` and the zone WIB. */
  async get(): Promise<Organisation> {
    return organisationView(await this.repos.organisation.get());
  }

  /** The zone every time printed for the organisation is written in (WIB before set-up). */
  async zone(): Promise<ZoneCode> {
    return (await this.repos.organisation.get())?.zone ?? DEFAULT_ZONE_CODE;
  }

  /**
   * Set name, kind and zone (the first call sets the organisation up). With `logo` (the
   * CLI's `--logo`), the logo is checked first and written with the rest, so a bad file
   * changes nothing; without, the stored logo stays.
   *
   * @throws Problem 413 `logo_too_large`, 422 `logo_invalid`
   */
  async set(input: OrganisationInput, by: ActorId, logo?: Uint8Array): Promise<Organisation> {
    const file = logo === undefined ? undefined : checkedLogo(logo);
    return inTransaction(this.deps.db, async (r) => {
      await r.organisation.put(input, file, this.now(), by);
      return organisationView(await r.organisation.get());
    });
  }

  /**
   * Replace the logo.
   *
   * @throws Problem 413 `logo_too_large`, 422 `logo_invalid`, 409 `organisation_not_set`
   */
  async setLogo(bytes: Uint8Array, by: ActorId): Promise<Organisation> {
    const file = checkedLogo(bytes);
    if (!(await this.repos.organisation.setLogo(file, this.now(), by)))
      throw new Problem('organisation_not_set');
    return this.get();
  }

  /**
   * Remove the logo (prints go back to the name alone).
   *
   * @throws Problem 409 `organisation_not_set`
   */
  async removeLogo(by: ActorId): Promise<Organisation> {
    if (!(await this.repos.organisation.setLogo(null, this.now(), by)))
      throw new Problem('organisation_not_set');
    return this.get();
  }

  /**
   * The logo's bytes and type.
   *
   * @throws Problem 404 `not_found` when there is no logo
   */
  async logo(): Promise<{ mime: LogoMime; sha256: string; data: Buffer }> {
    const l = await this.repos.organisation.logo();
    if (!l) throw new Problem('not_found', { what: 'Logo', whatEn: 'Logo' });
    return l;
  }
}

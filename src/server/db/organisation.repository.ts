import type { Kysely } from 'kysely';
import type { LogoMime, OrganisationKind, ZoneCode } from '../../core';
import type { Database } from './database';

/** The one row's key: the table holds at most this row. */
const ROW_ID = 'org';

/** The organisation as stored, without the logo's bytes. */
export interface OrganisationRow {
  name: string;
  kind: OrganisationKind;
  zone: ZoneCode;
  logo: { mime: LogoMime; sha256: string; bytes: number } | null;
  updatedAt: number;
  updatedBy: string | null;
}

/** A logo to store: its bytes and what they were found to be. */
export interface LogoFile {
  mime: LogoMime;
  sha256: string;
  data: Uint8Array;
}

/** The organisation setting: one row, read whole (but the logo's bytes) or written whole. */
export class OrganisationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The organisation, or null before set-up. */
  async get(): Promise<OrganisationRow | null> {
    const r = await this.db
      .selectFrom('organisation')
      .select([
        'name',
        'kind',
        'zone',
        'logoMime',
        'logoSha256',
        'logoBytes',
        'updatedAt',
        'updatedBy',
      ])
      .where('id', '=', ROW_ID)
      .executeTakeFirst();
    if (!r) return null;
    return {
      name: r.name,
      kind: r.kind,
      zone: r.zone,
      logo:
        r.logoMime && r.logoSha256 && r.logoBytes !== null
          ? { mime: r.logoMime, sha256: r.logoSha256, bytes: Number(r.logoBytes) }
          : null,
      updatedAt: Number(r.updatedAt),
      updatedBy: r.updatedBy,
    };
  }

  /** The logo's bytes and type, or null when there is none (or no organisation). */
  async logo(): Promise<{ mime: LogoMime; sha256: string; data: Buffer } | null> {
    const r = await this.db
      .selectFrom('organisation')
      .select(['logoMime', 'logoSha256', 'logoData'])
      .where('id', '=', ROW_ID)
      .executeTakeFirst();
    if (!r?.logoMime || !r.logoSha256 || r.logoData === null) return null;
    return { mime: r.logoMime, sha256: r.logoSha256, data: Buffer.from(r.logoData, 'base64') };
  }

  /**
   * Write name, kind and zone (creating the row at set-up). `logo`: a new logo, null to
   * remove it, undefined to keep the one stored.
   */
  async put(
    o: { name: string; kind: OrganisationKind; zone: ZoneCode },
    logo: LogoFile | null | undefined,
    now: number,
    by: string | null,
  ): Promise<void> {
    const logoColumns =
      logo === undefined
        ? {}
        : {
            logoMime: logo?.mime ?? null,
            logoSha256: logo?.sha256 ?? null,
            logoBytes: logo ? logo.data.length : null,
            logoData: logo ? Buffer.from(logo.data).toString('base64') : null,
          };
    const fields = { ...o, ...logoColumns, updatedAt: now, updatedBy: by };
    await this.db
      .insertInto('organisation')
      .values({
        id: ROW_ID,
        logoMime: null,
        logoSha256: null,
        logoBytes: null,
        logoData: null,
        ...fields,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet(fields))
      .execute();
  }

  /**
   * Replace (or with null remove) the logo of the organisation set up before.
   *
   * @returns false when there is no organisation row to hold it.
   */
  async setLogo(logo: LogoFile | null, now: number, by: string | null): Promise<boolean> {
    const r = await this.db
      .updateTable('organisation')
      .set({
        logoMime: logo?.mime ?? null,
        logoSha256: logo?.sha256 ?? null,
        logoBytes: logo ? logo.data.length : null,
        logoData: logo ? Buffer.from(logo.data).toString('base64') : null,
        updatedAt: now,
        updatedBy: by,
      })
      .where('id', '=', ROW_ID)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

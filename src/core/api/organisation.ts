import * as z from 'zod/mini';
import { LOGO_MIMES, ORGANISATION_KINDS, ORGANISATION_NAME_MAX, TIME_ZONES } from '../organisation';
import { findUnsafeText } from '../text';
import { count, ms } from './wire';

/**
 * The organisation a server works for (src/core/organisation.ts): its name, kind, time zone
 * and letterhead logo. Read by every signed-in role (the tablet prints its berita acara in
 * the organisation's zone); changed by coordinators and the admin CLI.
 */

export const OrganisationKindSchema = z.enum(ORGANISATION_KINDS);
export const ZoneCodeSchema = z.enum(TIME_ZONES);

/** The stored logo, described (its bytes are GET /api/organisation/logo). */
export const OrganisationLogoSchema = z.strictObject({
  /** Hex SHA-256 of the bytes: a tablet fetches the logo again only when this changes. */
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  mime: z.enum(LOGO_MIMES),
  bytes: count,
});
export type OrganisationLogo = z.infer<typeof OrganisationLogoSchema>;

/**
 * Answer of GET /api/organisation (and `organisation` of a tablet's offline package).
 * Before set-up `configured` is false, name and kind are null and `zone` is WIB — what every
 * time was printed in before organisations existed.
 */
export const OrganisationSchema = z.strictObject({
  configured: z.boolean(),
  name: z.nullable(z.string()),
  kind: z.nullable(OrganisationKindSchema),
  zone: ZoneCodeSchema,
  logo: z.nullable(OrganisationLogoSchema),
  /** When it was last changed (epoch ms); null before set-up. */
  updatedAt: z.nullable(ms),
});
export type Organisation = z.infer<typeof OrganisationSchema>;

/**
 * The organisation's name as accepted: trimmed, 1–200 characters, one line (no control
 * characters, tabs or line breaks: it heads every printed page), NFC.
 */
export const OrganisationNameField = z.string().check(
  z.maxLength(ORGANISATION_NAME_MAX + 50),
  z.trim(),
  z.minLength(1),
  z.maxLength(ORGANISATION_NAME_MAX),
  z.refine(
    (s) => findUnsafeText(s) === null && !/[\t\r\n]/.test(s),
    'hanya satu baris teks biasa / one line of plain text only',
  ),
  z.normalize('NFC'),
);

/** PUT /api/organisation: the whole setting (the logo has its own endpoint). */
export const OrganisationBody = z.object({
  name: OrganisationNameField,
  kind: OrganisationKindSchema,
  zone: ZoneCodeSchema,
});
export type OrganisationRequest = z.input<typeof OrganisationBody>;

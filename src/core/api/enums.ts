import * as z from 'zod/mini';
import { ASSESSMENT_STATUSES } from '../entities';

/**
 * The closed vocabularies of the coordinator API: one list each, its TypeScript type derived
 * from the list and a schema for the wire. The server's database columns, its request
 * validation and the coordinator pages all read these.
 */

/** Who an account is: coordinators edit, viewers read, verifiers work on enrolled tablets. */
export const ROLES = ['coordinator', 'viewer', 'verifier'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = z.enum(ROLES);

/** The kinds of unit, top down: pemda → OPD / kecamatan → kelurahan (see PARENT_KINDS). */
export const UNIT_KINDS = ['pemda', 'opd', 'kecamatan', 'kelurahan'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
export const UnitKindSchema = z.enum(UNIT_KINDS);

/** Life of an evaluation period: prepared (tablets see nothing), running, closed to edits. */
export const PERIOD_STATUSES = ['draft', 'active', 'closed'] as const;
export type PeriodStatus = (typeof PERIOD_STATUSES)[number];
export const PeriodStatusSchema = z.enum(PERIOD_STATUSES);

export { ASSESSMENT_STATUSES, type AssessmentStatus } from '../entities';
export const AssessmentStatusSchema = z.enum(ASSESSMENT_STATUSES);

/**
 * A unit's progress as the dashboard shows it: the same six words as the assessment's
 * stored status, derived from it and from the files the server holds (`terkirim` only once
 * every evidence file arrived; see the server's progressStatus).
 */
export const PROGRESS_STATUSES = ASSESSMENT_STATUSES;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];
export const ProgressStatusSchema = z.enum(PROGRESS_STATUSES);

/** Where a consolidated city level came from: the verifier, the penilaian mandiri, or nowhere. */
export const LEVEL_SOURCES = ['verified', 'self', 'none'] as const;
export type LevelSource = (typeof LEVEL_SOURCES)[number];
export const LevelSourceSchema = z.enum(LEVEL_SOURCES);

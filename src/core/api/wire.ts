import * as z from 'zod/mini';
import { ASSESSMENT_STATUSES } from '../entities';
import { MAX_LEVEL, MIN_LEVEL } from '../framework';
import {
  DEVICE_ORIGINS,
  DEVICE_REVOKED_REASONS,
  INDEX_RULES,
  LEVEL_SOURCES,
  PERIOD_STATUSES,
  PLAN_STEP_CAP,
  PROGRESS_STATUSES,
  REVIEW_DECISIONS,
  ROLES,
  UNIT_KINDS,
} from './enums';

/**
 * Building blocks of the API schemas: the vocabularies of enums.ts as schemas, request fields
 * as the server accepts them, and response fields as it sends them.
 */

export const RoleSchema = z.enum(ROLES);
export const UnitKindSchema = z.enum(UNIT_KINDS);
export const PeriodStatusSchema = z.enum(PERIOD_STATUSES);
export const AssessmentStatusSchema = z.enum(ASSESSMENT_STATUSES);
export const ProgressStatusSchema = z.enum(PROGRESS_STATUSES);
export const LevelSourceSchema = z.enum(LEVEL_SOURCES);
export const DeviceOriginSchema = z.enum(DEVICE_ORIGINS);
export const DeviceRevokedReasonSchema = z.enum(DEVICE_REVOKED_REASONS);
export const DecisionSchema = z.enum(REVIEW_DECISIONS);
export const IndexRuleSchema = z.enum(INDEX_RULES);

/** An id in a request: any non-empty text of at most 64 characters (uuidv7 or a code). */
export const idField = z.string().check(z.minLength(1), z.maxLength(64));

/** A name in a request: at most `max` characters as sent, not empty once trimmed (it is stored trimmed). */
export function nameField(max: number) {
  return z.string().check(z.maxLength(max), z.trim(), z.minLength(1));
}

/** A change request: at least one field given. */
export function notEmpty<T extends object>() {
  return z.refine<T>((p) => Object.keys(p).length > 0, 'nothing to change');
}

/** Level arithmetic with at most two decimals (a target index such as 3.25). */
export const twoDecimals = z.refine<number>(
  (n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9,
  'at most two decimals',
);

/** A target index: a number from MIN_LEVEL to MAX_LEVEL with at most two decimals. */
export const TargetIndex = z.number().check(z.gte(MIN_LEVEL), z.lte(MAX_LEVEL), twoDecimals);

/** The plan's cap of level-steps per indicator per period (a whole number, PLAN_STEP_CAP). */
export const PlanStepCap = z.int().check(z.gte(PLAN_STEP_CAP.min), z.lte(PLAN_STEP_CAP.max));

/**
 * An indicator value in a response: a whole level 1–5, or 1.00–5.00 with at most two
 * decimals on an indicator whose instrument takes decimal values (PermenPANRB 8/2026).
 * Requests take core's `LEVEL`, and the server checks the indicator's own domain.
 */
export const levelValue = z.number().check(z.gte(MIN_LEVEL), z.lte(MAX_LEVEL));

/** An indicator number of an instrument. */
export const indicatorNoField = z.int().check(z.gte(1), z.lte(999));

/** A count in a response. */
export const count = z.int().check(z.gte(0));
/** An instant in a response: epoch milliseconds. */
export const ms = z.int();

/** An integer query parameter (query values are text) from `min` to `max`. */
export function queryInt(min: number, max: number) {
  return z.pipe(z.coerce.number(), z.int().check(z.gte(min), z.lte(max)));
}

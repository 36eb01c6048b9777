import { z } from 'zod';
import { MAX_LEVEL, MIN_LEVEL } from '../core';
import { PERIOD_STATUSES, UNIT_KINDS } from './domain';
import { UNIT_CODE_RE } from './services/units.service';

/**
 * Wire schemas of the coordinator API (request bodies and queries). Kept free of server
 * imports beyond domain constants so they can move to src/core when the app wants to
 * share them for its forms.
 */

const id = z.string().min(1).max(64);
const name = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) => s.trim())
    .pipe(z.string().min(1));

export const LoginBody = z.object({
  email: z.string().min(3).max(254),
  password: z.string().min(1).max(1024),
});

export const EnrolBody = z.object({
  code: z.string().min(4).max(80),
  label: name(100),
  /**
   * The tablet store's own device id (UUID), sent by apps before protocol 2. Accepted for
   * compatibility and kept only as `previousDeviceId` for the audit: the server always issues
   * a fresh id (issue 11), which the tablet adopts.
   */
  deviceId: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    .optional(),
});

export const TargetIndex = z
  .number()
  .min(MIN_LEVEL)
  .max(MAX_LEVEL)
  .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9, 'at most two decimals');

export const PeriodBody = z.object({
  name: name(200),
  year: z.number().int().min(2000).max(2100),
  frameworkId: id,
  targetIndex: TargetIndex,
  status: z.enum(PERIOD_STATUSES).optional(),
});

export const PeriodPatchBody = z
  .object({
    name: name(200).optional(),
    year: z.number().int().min(2000).max(2100).optional(),
    frameworkId: id.optional(),
    targetIndex: TargetIndex.optional(),
    status: z.enum(PERIOD_STATUSES).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');

const unitCode = z.string().regex(UNIT_CODE_RE, 'letters, digits, . _ - / (max 64)');

export const UnitBody = z.object({
  code: unitCode,
  name: name(200),
  kind: z.enum(UNIT_KINDS),
  parentId: id.nullable(),
});

export const UnitPatchBody = z
  .object({
    code: unitCode.optional(),
    name: name(200).optional(),
    kind: z.enum(UNIT_KINDS).optional(),
    parentId: id.nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');

export const SelfAssessmentBody = z.object({
  levels: z
    .array(
      z.object({
        indicatorNo: z.number().int().min(1).max(999),
        level: z.number().int().min(MIN_LEVEL).max(MAX_LEVEL),
        justification: z.string().max(10_000).default(''),
      }),
    )
    .max(999),
});

export const VerifierBody = z.object({
  email: z.email().max(254),
  name: name(200),
});

export const VerifierPatchBody = z
  .object({ name: name(200).optional(), active: z.boolean().optional() })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');

export const AssignmentBody = z.object({
  periodId: id,
  verifierId: id,
  unitIds: z.array(id).min(1).max(1000),
});

export const AssignmentQuery = z.object({
  periodId: id.optional(),
  verifierId: id.optional(),
  unitId: id.optional(),
});

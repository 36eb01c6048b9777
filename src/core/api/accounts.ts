import * as z from 'zod/mini';
import { count, ms, nameField, notEmpty, RoleSchema } from './wire';

/** An account as every endpoint shows it (never its password hash). */
export const AccountSchema = z.strictObject({
  id: z.string(),
  /** Lower-cased. */
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  active: z.boolean(),
  /** Made by the demo seed (safe to wipe). */
  demo: z.boolean(),
  /** False for verifiers who only use enrolled tablets. */
  hasPassword: z.boolean(),
  /** An owner's unit (its actions are those of this unit and the units below it); else null. */
  unitId: z.nullable(z.string()),
  createdAt: ms,
});
export type Account = z.infer<typeof AccountSchema>;

/** POST /api/auth/login. */
export const LoginBody = z.object({
  email: z.string().check(z.minLength(3), z.maxLength(254)),
  password: z.string().check(z.minLength(1), z.maxLength(1024)),
});
export type LoginRequest = z.input<typeof LoginBody>;

/** Answer of POST /api/auth/login: the bearer token (shown once) and whose it is. */
export const LoginResponseSchema = z.strictObject({
  token: z.string(),
  expiresAt: ms,
  account: AccountSchema,
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

/** Answer of GET /api/me: the caller, its tablet (device tokens) and when a session ends. */
export const MeResponseSchema = z.strictObject({
  account: AccountSchema,
  device: z.nullable(z.strictObject({ id: z.string(), label: z.string(), createdAt: ms })),
  sessionExpiresAt: z.nullable(ms),
});
export type MeResponse = z.infer<typeof MeResponseSchema>;

/** A verifier in the coordinator's list: the account plus its tablets and work. */
export const VerifierSummarySchema = z.strictObject({
  ...AccountSchema.shape,
  /** Tablets not revoked. */
  deviceCount: count,
  assignmentCount: count,
  /** Latest contact of any of its tablets. */
  lastSeenAt: z.nullable(ms),
});
export type VerifierSummary = z.infer<typeof VerifierSummarySchema>;

/** Answer of GET /api/verifiers. */
export const VerifierListSchema = z.strictObject({ verifiers: z.array(VerifierSummarySchema) });
export type VerifierList = z.infer<typeof VerifierListSchema>;

/** POST /api/verifiers: a verifier account (no password: it works on enrolled tablets). */
export const VerifierBody = z.object({
  email: z.email().check(z.maxLength(254)),
  name: nameField(200),
});
export type VerifierRequest = z.input<typeof VerifierBody>;

/** PATCH /api/verifiers/:id: rename, or (de)activate (deactivating ends its sessions). */
export const VerifierPatchBody = z
  .object({ name: z.optional(nameField(200)), active: z.optional(z.boolean()) })
  .check(notEmpty());
export type VerifierPatch = z.input<typeof VerifierPatchBody>;

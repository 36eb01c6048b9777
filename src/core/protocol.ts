import * as z from 'zod/mini';
import { ENTITY_NAMES, type EntityName, fieldSchema } from './entities';

/** Bump on any incompatible change of the wire schemas below. The server refuses other versions. */
export const PROTOCOL_VERSION = 1;
export const PROTOCOL_HEADER = 'x-telusur-protocol';

const entityName = z.enum(ENTITY_NAMES as [EntityName, ...EntityName[]]);

/**
 * One local change, as stored in the tablet's outbox and pushed to the server.
 * `changes` holds new field values; `baseVersions` the server version of each field that
 * the edit was based on (0 = never seen from the server).
 */
const fieldName = z.string().check(z.maxLength(64));
export const MutationSchema = z
  .object({
    deviceId: z.string().check(z.minLength(1), z.maxLength(64)),
    seq: z.int().check(z.gte(1)),
    entity: entityName,
    id: z.string().check(z.minLength(1), z.maxLength(100)),
    changes: z.record(fieldName, z.unknown()),
    baseVersions: z.record(fieldName, z.int().check(z.gte(0))),
    hlc: z.string().check(z.minLength(20), z.maxLength(120)),
    at: z.int(),
  })
  .check(
    z.superRefine((m, ctx) => {
      const fields = Object.keys(m.changes);
      if (fields.length === 0)
        ctx.addIssue({ code: 'custom', message: 'mutation without changes', path: ['changes'] });
      for (const f of fields) {
        const schema = fieldSchema(m.entity, f);
        if (!schema) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown field ${m.entity}.${f}`,
            path: ['changes', f],
          });
          continue;
        }
        const r = schema.safeParse(m.changes[f]);
        if (!r.success)
          ctx.addIssue({
            code: 'custom',
            message: `invalid value for ${m.entity}.${f}`,
            path: ['changes', f],
          });
        if (!(f in m.baseVersions))
          ctx.addIssue({
            code: 'custom',
            message: `missing base version for ${f}`,
            path: ['baseVersions', f],
          });
      }
    }),
  );
export type Mutation = z.infer<typeof MutationSchema>;

/** Stable id of a mutation: unique per device and sequence number. */
export function mutationKey(m: Pick<Mutation, 'deviceId' | 'seq'>): string {
  return `${m.deviceId}:${m.seq}`;
}

// ---------------------------------------------------------------------------------------
// Sync wire schemas (DESIGN §5). Validated once at the wire on both ends.

const count = z.int().check(z.gte(0));
const jsonRecord = z.record(z.string().check(z.maxLength(64)), z.unknown());

/** Most mutations one push may carry; a larger outbox is sent in several pushes. */
export const MAX_PUSH_BATCH = 500;

export const PushRequestSchema = z.object({
  deviceId: z.string().check(z.minLength(1), z.maxLength(64)),
  mutations: z.array(MutationSchema).check(z.minLength(1), z.maxLength(MAX_PUSH_BATCH)),
});
export type PushRequest = z.infer<typeof PushRequestSchema>;

export const FIELD_OUTCOMES = ['applied', 'same', 'conflict'] as const;
export type FieldOutcome = (typeof FIELD_OUTCOMES)[number];

/** A field where the server kept its value because the tablet edited an older version. */
export const ConflictSchema = z.object({
  id: z.string(),
  entity: entityName,
  recordId: z.string(),
  field: z.string(),
  assessmentId: z.string(),
  localValue: z.unknown(),
  serverValue: z.unknown(),
  serverVersion: count,
  localDeviceId: z.string(),
  localAuthor: z.nullable(z.string()),
  localAt: z.int(),
  serverAuthor: z.nullable(z.string()),
  serverAt: z.int(),
  resolved: z.boolean(),
});
export type Conflict = z.infer<typeof ConflictSchema>;

export const PushResponseSchema = z.object({
  /** Highest seq of this device the server has applied (all lower ones too). */
  appliedThrough: count,
  /** Outcome per field of each mutation applied by this push (not of earlier duplicates). */
  results: z.array(
    z.object({
      seq: z.int(),
      fields: z.record(z.string(), z.object({ outcome: z.enum(FIELD_OUTCOMES), version: count })),
    }),
  ),
  conflicts: z.array(ConflictSchema),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;

/** One record's changed fields in the server's change log. */
export const ChangeSchema = z.object({
  seq: count,
  entity: entityName,
  id: z.string(),
  fields: jsonRecord,
  versions: z.record(z.string(), count),
});
export type Change = z.infer<typeof ChangeSchema>;

export const PullResponseSchema = z.object({
  changes: z.array(ChangeSchema),
  /** Pass back as `cursor` to continue; never moves past a change still being committed. */
  cursor: count,
  hasMore: z.boolean(),
  /** Conflicts of this tablet's scope, open or resolved since the cursor. */
  conflicts: z.array(ConflictSchema),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;

/** Which evidence files of an assessment the server holds, verified by hash. */
export const ReceiptSchema = z.object({
  assessmentId: z.string(),
  hashes: z.array(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

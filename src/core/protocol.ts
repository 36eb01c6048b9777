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

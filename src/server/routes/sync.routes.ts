import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { PushRequestSchema, type RejectionList, RejectionsQuery } from '../../core';
import type { AppConfig } from '../config';
import { queryParams, readJson, validate } from '../http/body';
import type { AppEnv } from '../http/env';
import { caller, guard, protocolGate, tabletOnly } from '../http/guard';
import { problemResponse } from '../http/respond';
import { Problem } from '../problems';
import type { Services } from '../services';
import { busyProblem, MAX_PULL_LIMIT, MAX_REFETCH } from '../services/sync.service';

const PullQuery = z.object({
  cursor: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(500),
  // Records whose current fields the tablet asks for again (comma-separated ids): it
  // dropped its own values of them (a refused change discarded) and waits for the server's.
  refetch: z
    .string()
    .max(MAX_REFETCH * 201)
    .optional()
    .transform((v) => (v ? v.split(',').filter(Boolean) : []))
    .pipe(z.array(z.string().max(200)).max(MAX_REFETCH)),
  // The highest change-log seq the page may reach (a tablet re-basing after a restore reads
  // the history up to the restore point first).
  upTo: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

const BUNDLE_TYPES = [
  'application/zip',
  'application/x-zip-compressed',
  'application/octet-stream',
  'application/x-telusur-bundle',
];

function limit(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: (c) =>
      problemResponse(
        c,
        new Problem('payload_too_large', { limit: `${Math.round(maxSize / 1048576)} MiB` }),
      ),
  });
}

/**
 * Sync (the protocol is described in docs/architecture.md): a tablet's push and pull,
 * evidence receipts, and the import of a tablet's export file by a coordinator.
 */
export function syncRoutes(s: Services, config: AppConfig) {
  return new Hono<AppEnv>()
    .post(
      '/push',
      protocolGate(true),
      guard(s, 'verifier'),
      tabletOnly,
      limit(config.pushBodyLimitBytes),
      async (c) => {
        // NUL is not refused for the whole push here: a pasted U+0000 in one note rejects
        // that one mutation (core mutationProblems), never the others.
        const json = await readJson(c, { refuseNul: false });
        const body = validate(PushRequestSchema, json, c.get('lang'));
        return c.json(await s.sync.push(caller(c), body.deviceId, body.mutations, body.clock));
      },
    )
    .get('/rejections', guard(s, 'coordinator', 'viewer'), async (c) => {
      // Mutations the server refused: what, why, when, from which tablet.
      const q = queryParams(c, RejectionsQuery);
      return c.json({ rejections: await s.sync.listRejections(q) } satisfies RejectionList);
    })
    .get('/pull', protocolGate(true), guard(s, 'verifier'), tabletOnly, async (c) => {
      const q = queryParams(c, PullQuery);
      return c.json(await s.sync.pull(caller(c), q.cursor, q.limit, q.refetch, q.upTo));
    })
    .get('/receipt/:assessmentId', guard(s, 'coordinator', 'viewer', 'verifier'), async (c) => {
      const id = c.req.param('assessmentId');
      await s.assignments.getAssessment(id, caller(c));
      return c.json(await s.sync.receipt(id));
    })
    .post('/bundles', guard(s, 'coordinator'), limit(config.bundleBodyLimitBytes), async (c) => {
      const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!BUNDLE_TYPES.includes(type)) throw new Problem('unsupported_media_type');
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      try {
        return c.json(await s.bundles.import(bytes, caller(c).account.id));
      } catch (e) {
        // The import writes through the sync writer lock: its timeouts are a retryable 503.
        throw busyProblem(e) ?? e;
      }
    });
}

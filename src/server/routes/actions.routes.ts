import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  ActionBulkBody,
  ActionCloseBody,
  ActionCommentBody,
  ActionCreateBody,
  ActionFileQuery,
  ActionListQuery,
  ActionPatchBody,
  evidenceLimitBytes,
  evidenceMimeOf,
  MAX_EVIDENCE_BYTES,
  OwnerBody,
  type OwnerList,
  OwnerPatchBody,
} from '../../core';
import { jsonBody, queryParams } from '../http/body';
import type { AppEnv } from '../http/env';
import { evidenceFileResponse } from '../http/evidence-response';
import { caller, guard } from '../http/guard';
import { problemResponse } from '../http/respond';
import { Problem } from '../problems';
import type { Services } from '../services';
import { evidenceTooLarge } from '../services/files.service';

/**
 * Improvement actions (tindak lanjut, issue 18), their dashboard panel and owner accounts.
 * Roles per route here; scope (an owner's units, a verifier's assigned units) in
 * ActionsService. Mounted at `/api`.
 */
export function actionsRoutes(s: Services) {
  return (
    new Hono<AppEnv>()
      .get('/actions', guard(s, 'coordinator', 'viewer', 'owner'), async (c) =>
        c.json(await s.actions.list(caller(c), queryParams(c, ActionListQuery))),
      )
      .post('/actions', guard(s, 'coordinator'), async (c) =>
        c.json(await s.actions.create(caller(c), await jsonBody(c, ActionCreateBody)), 201),
      )
      .post('/actions/bulk', guard(s, 'coordinator'), async (c) =>
        c.json(await s.actions.bulk(caller(c), await jsonBody(c, ActionBulkBody)), 201),
      )
      .get('/actions/:id', guard(s, 'coordinator', 'viewer', 'owner'), async (c) =>
        c.json(await s.actions.get(caller(c), c.req.param('id'))),
      )
      .patch('/actions/:id', guard(s, 'coordinator', 'owner'), async (c) =>
        c.json(
          await s.actions.patch(caller(c), c.req.param('id'), await jsonBody(c, ActionPatchBody)),
        ),
      )
      .delete('/actions/:id', guard(s, 'coordinator'), async (c) => {
        await s.actions.remove(caller(c), c.req.param('id'));
        return c.body(null, 204);
      })
      .post('/actions/:id/close', guard(s, 'coordinator', 'owner'), async (c) =>
        c.json(
          await s.actions.close(caller(c), c.req.param('id'), await jsonBody(c, ActionCloseBody)),
        ),
      )
      .post('/actions/:id/comments', guard(s, 'coordinator', 'owner'), async (c) =>
        c.json(
          await s.actions.comment(
            caller(c),
            c.req.param('id'),
            await jsonBody(c, ActionCommentBody),
          ),
        ),
      )
      .post(
        '/actions/:id/files',
        guard(s, 'coordinator', 'owner'),
        // The file's own kind sets the limit, checked on the declared size before any byte is
        // read and on the bytes as they arrive (no declared size, or a false one).
        async (c, next) => {
          const { name } = queryParams(c, ActionFileQuery);
          const declaredType = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? '';
          const mime = evidenceMimeOf(name, declaredType.toLowerCase());
          const limit = (mime && evidenceLimitBytes(mime, 'stored')) || MAX_EVIDENCE_BYTES;
          const tooLarge = () => evidenceTooLarge(mime ?? 'application/zip', limit);
          const declared = Number(c.req.header('content-length') ?? Number.NaN);
          if (Number.isFinite(declared) && declared > limit) throw tooLarge();
          return bodyLimit({ maxSize: limit, onError: (cc) => problemResponse(cc, tooLarge()) })(
            c,
            next,
          );
        },
        async (c) => {
          const { name } = queryParams(c, ActionFileQuery);
          const bytes = new Uint8Array(await c.req.arrayBuffer());
          return c.json(
            await s.actions.addFile(
              caller(c),
              c.req.param('id'),
              name,
              c.req.header('content-type') ?? '',
              bytes,
            ),
          );
        },
      )
      .get(
        '/actions/:id/files/:sha256',
        guard(s, 'coordinator', 'viewer', 'owner', 'verifier'),
        async (c) =>
          evidenceFileResponse(
            await s.actions.file(caller(c), c.req.param('id'), c.req.param('sha256')),
          ),
      )
      .delete('/actions/:id/files/:sha256', guard(s, 'coordinator', 'owner'), async (c) =>
        c.json(await s.actions.removeFile(caller(c), c.req.param('id'), c.req.param('sha256'))),
      )
      .get('/dashboard/:periodId/actions', guard(s, 'coordinator', 'viewer'), async (c) =>
        c.json(await s.actions.progress(c.req.param('periodId'))),
      )
      // --- owner accounts ---
      .get('/owners', guard(s, 'coordinator', 'viewer', 'owner'), async (c) =>
        c.json({ owners: await s.actions.owners(caller(c)) } satisfies OwnerList),
      )
      .post('/owners', guard(s, 'coordinator'), async (c) => {
        c.header('Cache-Control', 'no-store');
        return c.json(await s.actions.createOwner(await jsonBody(c, OwnerBody)), 201);
      })
      .patch('/owners/:id', guard(s, 'coordinator'), async (c) =>
        c.json(await s.actions.updateOwner(c.req.param('id'), await jsonBody(c, OwnerPatchBody))),
      )
      .post('/owners/:id/password', guard(s, 'coordinator'), async (c) => {
        c.header('Cache-Control', 'no-store');
        if (c.req.param('id').length > 200) throw new Problem('bad_request');
        return c.json(await s.actions.resetOwnerPassword(c.req.param('id')));
      })
  );
}

import { Hono } from 'hono';
import {
  AssignmentBody,
  type AssignmentList,
  AssignmentQuery,
  type OfflinePackage,
  ReassignBody,
  SERVER_TIME_HEADER,
} from '../../core';
import { jsonBody, queryParams } from '../http/body';
import type { AppEnv } from '../http/env';
import { caller, guard, protocolGate } from '../http/guard';
import { sha256Hex } from '../lib/crypto';
import type { Services } from '../services';

/** Assignments (coordinator), assessments (scoped), and the verifier's offline package. */
export function assignmentsRoutes(s: Services) {
  return new Hono<AppEnv>()
    .get('/assignments', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json({
        assignments: await s.assignments.list(queryParams(c, AssignmentQuery)),
      } satisfies AssignmentList),
    )
    .post('/assignments', guard(s, 'coordinator'), async (c) => {
      const r = await s.assignments.create(await jsonBody(c, AssignmentBody), caller(c).account.id);
      return c.json(r, r.created > 0 ? 201 : 200);
    })
    .post('/assignments/reassign', guard(s, 'coordinator'), async (c) =>
      c.json(await s.assignments.reassign(await jsonBody(c, ReassignBody), caller(c).account.id)),
    )
    .delete('/assignments/:id', guard(s, 'coordinator'), async (c) => {
      await s.assignments.delete(c.req.param('id'));
      return c.body(null, 204);
    })
    .get('/assessments/:id', guard(s, 'coordinator', 'viewer', 'verifier'), async (c) =>
      c.json(await s.assignments.getAssessment(c.req.param('id'), caller(c))),
    )
    .get('/my/assignments', protocolGate(true), guard(s, 'verifier'), async (c) => {
      // Conditional GET: a tablet sends the ETag of the package it holds and gets a bodiless
      // 304 when nothing in it changed (every sync asks; on a slow link the package is the
      // largest download). The server's time travels in a header either way.
      const pkg = await s.assignments.offlinePackage(caller(c));
      const etag = packageEtag(pkg);
      c.header('Cache-Control', 'no-store');
      c.header('ETag', etag);
      c.header(SERVER_TIME_HEADER, String(pkg.serverTime));
      if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304);
      return c.json(pkg);
    });
}

/**
 * Strong ETag of an offline package: SHA-256 (first 32 hex) of its JSON without
 * `serverTime` (which differs on every request). The package names the verifier and the
 * device, so another tablet's or another identity's ETag never matches.
 */
export function packageEtag(pkg: OfflinePackage): string {
  const { serverTime: _time, ...content } = pkg;
  return `"${sha256Hex(JSON.stringify(content)).slice(0, 32)}"`;
}

/** Does an If-None-Match header (a list, weak tags, or `*`) name `etag`? */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

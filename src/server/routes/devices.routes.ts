import { Hono } from 'hono';
import { EnrolBody } from '../../core';
import type { AppConfig } from '../config';
import { jsonBody } from '../http/body';
import type { AppEnv } from '../http/env';
import { caller, clientIp, guard, protocolGate, tabletOnly } from '../http/guard';
import type { Services } from '../services';

/**
 * Tablet side of enrolment (public, code-protected and rate-limited), identity rotation,
 * bundle secret and release (tablet token), and revocation (coordinator). Answers that
 * carry a token or secret are `Cache-Control: no-store`.
 */
export function devicesRoutes(s: Services, config: AppConfig) {
  return new Hono<AppEnv>()
    .post('/enrol', protocolGate(true), async (c) => {
      const body = await jsonBody(c, EnrolBody);
      c.header('Cache-Control', 'no-store');
      return c.json(
        await s.devices.enrol(body.code, body.label, clientIp(c, config.trustProxy), body.deviceId),
        201,
      );
    })
    .post('/rotate', protocolGate(true), guard(s, 'verifier'), tabletOnly, async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await s.devices.rotate(caller(c)), 201);
    })
    .post('/bundle-secret', protocolGate(true), guard(s, 'verifier'), tabletOnly, async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await s.devices.bundleSecret(caller(c)));
    })
    .post('/release', protocolGate(true), guard(s, 'verifier'), tabletOnly, async (c) =>
      c.json(await s.devices.release(caller(c))),
    )
    .post('/:id/revoke', guard(s, 'coordinator'), async (c) =>
      c.json(await s.devices.revoke(c.req.param('id'), caller(c).account.id)),
    );
}

import { Hono } from 'hono';
import type { AppConfig } from '../config';
import { jsonBody } from '../http/body';
import type { AppEnv } from '../http/env';
import { caller, clientIp, guard, protocolGate } from '../http/guard';
import { EnrolBody } from '../schemas';
import type { Services } from '../services';

/** Tablet side of enrolment (public, code-protected and rate-limited) and revocation. */
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
    .post('/:id/revoke', guard(s, 'coordinator'), async (c) =>
      c.json(await s.devices.revoke(c.req.param('id'), caller(c).account.id)),
    );
}

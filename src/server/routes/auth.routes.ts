import { Hono } from 'hono';
import { LoginBody, type MeResponse } from '../../core';
import type { AppConfig } from '../config';
import { jsonBody } from '../http/body';
import type { AppEnv } from '../http/env';
import { caller, clientIp, guard } from '../http/guard';
import type { Services } from '../services';

/** Login, logout and "who am I". */
export function authRoutes(s: Services, config: AppConfig) {
  return new Hono<AppEnv>()
    .post('/auth/login', async (c) => {
      const body = await jsonBody(c, LoginBody);
      return c.json(await s.auth.login(body.email, body.password, clientIp(c, config.trustProxy)));
    })
    .post('/auth/logout', guard(s, 'coordinator', 'viewer', 'verifier', 'owner'), async (c) => {
      await s.auth.logout(caller(c));
      return c.body(null, 204);
    })
    .get('/me', guard(s, 'coordinator', 'viewer', 'verifier', 'owner'), (c) => {
      const p = caller(c);
      return c.json({
        account: p.account,
        device: p.device
          ? { id: p.device.id, label: p.device.label, createdAt: p.device.createdAt }
          : null,
        sessionExpiresAt: p.sessionExpiresAt,
      } satisfies MeResponse);
    });
}

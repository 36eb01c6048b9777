import { Hono } from 'hono';
import { type DeviceList, VerifierBody, type VerifierList, VerifierPatchBody } from '../../core';
import { jsonBody } from '../http/body';
import type { AppEnv } from '../http/env';
import { caller, guard } from '../http/guard';
import type { Services } from '../services';

/** Verifier accounts, their tablet enrolments and devices. */
export function verifiersRoutes(s: Services) {
  return new Hono<AppEnv>()
    .get('/', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json({ verifiers: await s.accounts.listVerifiers() } satisfies VerifierList),
    )
    .post('/', guard(s, 'coordinator'), async (c) => {
      const body = await jsonBody(c, VerifierBody);
      return c.json(await s.accounts.create({ ...body, role: 'verifier' }), 201);
    })
    .get('/:id', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json(await s.accounts.getVerifier(c.req.param('id'))),
    )
    .patch('/:id', guard(s, 'coordinator'), async (c) =>
      c.json(
        await s.accounts.updateVerifier(
          c.req.param('id'),
          await jsonBody(c, VerifierPatchBody),
          caller(c).account.id,
        ),
      ),
    )
    .post('/:id/enrolments', guard(s, 'coordinator'), async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await s.devices.createEnrolment(c.req.param('id'), caller(c).account.id), 201);
    })
    .get('/:id/devices', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json({ devices: await s.devices.listForVerifier(c.req.param('id')) } satisfies DeviceList),
    );
}

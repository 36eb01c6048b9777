import { Hono } from 'hono';
import { OrganisationBody } from '../../core';
import { jsonBody } from '../http/body';
import type { AppEnv } from '../http/env';
import { caller, guard } from '../http/guard';
import { contentDisposition } from '../http/respond';
import type { Services } from '../services';

/**
 * The organisation (name, kind, time zone, logo): every signed-in role reads it (a tablet
 * prints its berita acara in the organisation's zone, an owner its printable list of
 * actions under the letterhead), coordinators change it. The logo is
 * served with the type read from its own bytes (PNG or JPEG only), never as HTML or SVG.
 */
export function organisationRoutes(s: Services) {
  return (
    new Hono<AppEnv>()
      .get('/', guard(s, 'coordinator', 'viewer', 'verifier', 'owner'), async (c) =>
        c.json(await s.organisation.get()),
      )
      .put('/', guard(s, 'coordinator'), async (c) =>
        c.json(await s.organisation.set(await jsonBody(c, OrganisationBody), caller(c).account.id)),
      )
      .get('/logo', guard(s, 'coordinator', 'viewer', 'verifier', 'owner'), async () => {
        const logo = await s.organisation.logo();
        return new Response(new Uint8Array(logo.data), {
          status: 200,
          headers: {
            'Content-Type': logo.mime,
            'Content-Length': String(logo.data.length),
            'Content-Disposition': contentDisposition(
              'inline',
              logo.mime === 'image/png' ? 'logo.png' : 'logo.jpg',
            ),
            'X-Content-Type-Options': 'nosniff',
            ETag: `"${logo.sha256}"`,
            'Cache-Control': 'no-store',
          },
        });
      })
      // The bytes as sent, whatever type the request declares: the type is read from them.
      .put('/logo', guard(s, 'coordinator'), async (c) =>
        c.json(
          await s.organisation.setLogo(
            new Uint8Array(await c.req.arrayBuffer()),
            caller(c).account.id,
          ),
        ),
      )
      .delete('/logo', guard(s, 'coordinator'), async (c) =>
        c.json(await s.organisation.removeLogo(caller(c).account.id)),
      )
  );
}

import { expect, it } from 'vitest';
import { fetchTransport, SyncEngine } from '../../../src/sync';
import { emblemPng, pngImage } from '../../helpers/images';
import {
  appFetch,
  describeSync,
  enrolTablet,
  newTeam,
  tabletEngine,
} from '../../helpers/sync-harness';

/**
 * A tablet prints its berita acara offline for the organisation: name, zone and logo come
 * with the offline package it already syncs, are kept across reloads without a network, and
 * the logo's bytes are fetched again only when the logo changed.
 */
describeSync('organisation on the tablet', (ctx) => {
  it('keeps name, zone and logo for printing offline, and fetches the logo only when it changes', async () => {
    const h = ctx();
    const coordinator = await h.base.login('coordinator');
    const set = await h.call('PUT', '/api/organisation', {
      token: coordinator,
      json: { name: 'Pemerintah Kota Makassar', kind: 'kota', zone: 'WITA' },
    });
    expect(set.status).toBe(200);
    const logo = emblemPng();
    await h.call('PUT', '/api/organisation/logo', {
      token: coordinator,
      body: logo,
      contentType: 'image/png',
    });

    const team = await newTeam(h.services, h.base, { verifiers: 1, units: 1 });
    const t = await enrolTablet(h.call, coordinator, team.verifiers[0]?.id as string);
    const inner = appFetch(h.app);
    let logoFetches = 0;
    const counting: typeof inner = (url, init) => {
      if (url.endsWith('/api/organisation/logo')) logoFetches++;
      return inner(url, init);
    };
    const engine = tabletEngine(t, counting);
    await engine.sync();
    const org = engine.getStatus().organisation;
    expect(org).toMatchObject({ name: 'Pemerintah Kota Makassar', kind: 'kota', zone: 'WITA' });
    expect(org?.logo?.startsWith('data:image/png;base64,')).toBe(true);
    const b64 = (org?.logo ?? '').slice('data:image/png;base64,'.length);
    expect(new Uint8Array(Buffer.from(b64, 'base64'))).toEqual(logo);
    expect(logoFetches).toBe(1);

    // The next sync finds the same logo: not fetched again.
    await engine.sync();
    expect(logoFetches).toBe(1);

    // A reload without any network: the organisation is read back from the tablet.
    const offline = new SyncEngine(
      t.store,
      fetchTransport({
        token: () => t.token,
        fetch: async () => {
          throw new TypeError('offline');
        },
      }),
    );
    await offline.refreshLocal();
    expect(offline.getStatus().organisation).toEqual(org);

    // A new logo is fetched once; a removed one leaves the name alone.
    const other = pngImage(8, 8, () => [200, 30, 30]);
    await h.call('PUT', '/api/organisation/logo', {
      token: coordinator,
      body: other,
      contentType: 'image/png',
    });
    await engine.sync();
    expect(logoFetches).toBe(2);
    const b64b = (engine.getStatus().organisation?.logo ?? '').split(',')[1] ?? '';
    expect(new Uint8Array(Buffer.from(b64b, 'base64'))).toEqual(other);
    await h.call('DELETE', '/api/organisation/logo', { token: coordinator });
    await engine.sync();
    expect(engine.getStatus().organisation).toMatchObject({ zone: 'WITA', logo: null });
    expect(logoFetches).toBe(2);
  });
});

import { formatIndex } from '../core';
import { prepareDatabase } from './app';
import { resolveConfig } from './config';
import { migrateToLatest } from './db/migrate';
import { openFromEnv } from './runtime';
import { demoBanner, seedDemo, wipeDatabase } from './seed';
import { createServices } from './services';

// `npm run seed`: reset a DEMO database (DATA_DIR / DATABASE_URL as for the server) and seed it
// again. Refuses with NODE_ENV=production, and refuses to wipe a database holding any
// non-demo account unless --force is given. Only the schema is brought up to date before the
// wipe: a demo database whose periods use a built-in instrument this version changes in
// structure (which the server refuses to start on) can still be reset.

if (process.env.NODE_ENV === 'production') {
  console.error('[seed] refusing: NODE_ENV=production');
  process.exit(1);
}
const handle = openFromEnv();
try {
  await migrateToLatest(handle.db);
  const services = createServices({ db: handle.db, clock: Date.now, config: resolveConfig() });
  if (!(await services.accounts.onlyDemoAccounts()) && !process.argv.includes('--force')) {
    console.error(
      '[seed] refusing: this database has non-demo accounts. Re-run with --force to wipe it anyway.',
    );
    process.exitCode = 1;
  } else {
    await wipeDatabase(handle.db);
    await prepareDatabase(handle.db);
    const demo = await seedDemo(services);
    console.log(
      `[seed] ${handle.dialect} at ${handle.where}: ${demo.units} units, city self-assessment index ${formatIndex(demo.cityIndex, 'en')} (SPBE 2023), ${formatIndex(demo.pemdiCityIndex, 'en')} (Pemdi 2026)`,
    );
    console.log(demoBanner(demo.credentials));
  }
} finally {
  await handle.close();
}

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DatabaseHandle, openDatabase } from './db/connect';

/** Repository root (two levels above this file), independent of the working directory. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Open the database the environment asks for: DATABASE_URL (postgres://…) or DATA_DIR/telusur.sqlite. */
export function openFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseHandle {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  return openDatabase({
    databaseUrl: env.DATABASE_URL,
    sqliteFile: join(dataDir, 'telusur.sqlite'),
  });
}

export function packageVersion(): string {
  try {
    return String(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

/** The built PWA: STATIC_DIR, else `dist/` at the repository root; null when not built. */
export function staticDirFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = resolve(env.STATIC_DIR ?? join(ROOT, 'dist'));
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

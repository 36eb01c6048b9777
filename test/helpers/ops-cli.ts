import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type Finished, run } from './deployment';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What a command printed and its exit status. */
export type CliRun = Finished;

/**
 * Run an operations command the way `npm run <name>` does (`node --import tsx
 * src/server/<name>-cli.ts …`) as a child process; `env` is added to this process's
 * environment with DATA_DIR, BLOB_DIR and DATABASE_URL cleared first (a test names its own).
 */
export function runCli(
  name: 'backup' | 'restore' | 'admin',
  args: readonly string[],
  env: Record<string, string>,
): Promise<CliRun> {
  const base = { ...process.env };
  delete base.DATA_DIR;
  delete base.BLOB_DIR;
  delete base.DATABASE_URL;
  return run(['--import', 'tsx', `src/server/${name}-cli.ts`, ...args], { ...base, ...env }, ROOT);
}

/** Lines of output that are not blank (a refusal is exactly one). */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Every file under `dir`, relative, sorted ([] when absent). */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}

/** The evidence file of `sha` under a BLOB_DIR hashes to `sha`. */
export function blobIntact(blobDir: string, sha: string): boolean {
  const p = join(blobDir, sha.slice(0, 2), sha);
  return existsSync(p) && sha256(readFileSync(p)) === sha;
}

/** A PostgreSQL URL for `database` whose connections work in `schema`. */
export function pgUrl(base: string, schema: string, database?: string): string {
  const url = new URL(base);
  if (database) url.pathname = `/${database}`;
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/**
 * A new empty PostgreSQL database (from template0, so no other session can block it), for
 * restoring into a target nobody else uses; `drop()` removes it.
 */
export async function scratchDatabase(
  base: string,
): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `telusur_rst_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  return {
    name,
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

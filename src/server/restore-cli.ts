import { resolve } from 'node:path';
import { verifyArchive } from './ops/archive';
import { type CliIo, invokedDirectly, nodeIo, parseStrict, UsageError } from './ops/cli';
import { OpsError, oneLine } from './ops/errors';
import { type RestoreTarget, restoreBackup } from './ops/restore';
import { blobDirFromEnv } from './runtime';

// `npm run restore -- FILE`: put a backup written by `npm run backup` back — into an empty
// or absent DATA_DIR (SQLite) or an empty PostgreSQL schema (DATABASE_URL), and an empty or
// absent BLOB_DIR. The whole archive is verified against its manifest before anything is
// written; a damaged archive or a non-empty target is refused and nothing changes.
// `--check` verifies only. Exit 0 done, 1 refused or failed, 2 wrong arguments; one line,
// Indonesian then English, never a password.

const USAGE = [
  'Penggunaan / Usage:',
  '  npm run restore -- FILE          memulihkan ke tujuan kosong / restore into an empty target',
  '  npm run restore -- --check FILE  hanya memeriksa arsip / only verify the archive',
  'Tujuan / Target: DATA_DIR (SQLite) atau DATABASE_URL (PostgreSQL), dan BLOB_DIR, seperti untuk server / as for the server.',
].join('\n');

/** The target the environment names, as the server would read it. */
export function targetFromEnv(env: NodeJS.ProcessEnv): RestoreTarget {
  const url = env.DATABASE_URL;
  const blobDir = blobDirFromEnv(env);
  if (url && /^postgres(ql)?:\/\//.test(url))
    return { dialect: 'postgres', databaseUrl: url, blobDir };
  return { dialect: 'sqlite', dataDir: resolve(env.DATA_DIR ?? './data'), blobDir };
}

/**
 * Run the restore command. Returns the exit code (0 done, 1 refused or failed, 2 wrong
 * arguments).
 *
 * @example
 *   process.exitCode = await main(['/backups/telusur.tar.gz'], nodeIo());
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(USAGE);
    return 0;
  }
  let file: string;
  let checkOnly: boolean;
  try {
    const { values, positionals } = parseStrict(argv, { check: { type: 'boolean' } }, 1);
    const [given] = positionals;
    if (given === undefined || given.trim() === '')
      throw new UsageError('berkas cadangan wajib diberikan', 'the backup FILE is required');
    file = resolve(given);
    checkOnly = values.check === true;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`[restore] ${e.message} (npm run restore -- --help)`);
    return 2;
  }
  try {
    if (checkOnly) {
      const a = await verifyArchive(file);
      const m = a.manifest;
      io.out(
        `[restore] arsip utuh / archive intact: ${file} (${m.dialect}, Telusur ${m.appVersion}, ${m.createdAt}, ${a.evidence.length} berkas bukti / evidence files, ${m.entries.length} entri / entries)`,
      );
      return 0;
    }
    const target = targetFromEnv(io.env);
    const r = await restoreBackup(file, target);
    // Tablets see the new incarnation at their next sync and re-base (docs/deploy.md).
    const life = r.incarnation
      ? `inkarnasi baru / new incarnation ${r.incarnation.id}, titik pulih / restore point ${r.incarnation.restoredThrough}`
      : 'inkarnasi baru dibuat saat server mulai / a new incarnation is made when the server starts';
    io.out(
      `[restore] dipulihkan / restored: ${r.dialect} ${r.database}, ${r.files} berkas bukti / evidence files in ${target.blobDir} (Telusur ${r.archive.manifest.appVersion}, ${r.archive.manifest.createdAt}); ${life}; tablet menyesuaikan diri saat sinkron berikutnya / tablets re-base at their next sync`,
    );
    return 0;
  } catch (e) {
    io.err(`[restore] ${e instanceof OpsError ? e.message : `gagal / failed: ${oneLine(e)}`}`);
    return 1;
  }
}

if (invokedDirectly(import.meta.url))
  process.exitCode = await main(process.argv.slice(2), nodeIo());

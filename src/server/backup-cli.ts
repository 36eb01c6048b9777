import { join, resolve } from 'node:path';
import { createBackup } from './ops/backup';
import { type CliIo, invokedDirectly, nodeIo, parseStrict, UsageError } from './ops/cli';
import { OpsError, oneLine } from './ops/errors';
import { blobDirFromEnv, packageVersion } from './runtime';

// `npm run backup -- --out FILE`: one archive (.tar.gz) holding a consistent copy of the
// database the server uses (DATA_DIR/telusur.sqlite through SQLite's online backup, or
// DATABASE_URL's schema through pg_dump) and every evidence file of BLOB_DIR, with a
// manifest of SHA-256 sums. Safe while the server runs. Exit 0 written, 1 refused or
// failed (or written without evidence files that were absent or damaged on disk), 2 wrong
// arguments; every message is one line, Indonesian then English, and never shows a password.
// With FILES_STORE=s3 it refuses (exit 1): the evidence is in the bucket, not in BLOB_DIR.

const USAGE = [
  'Penggunaan / Usage:',
  '  npm run backup -- --out FILE [--force]',
  'Menulis satu arsip cadangan (basis data + berkas bukti); --force menimpa FILE yang sudah ada.',
  'Writes one backup archive (database + evidence files); --force replaces an existing FILE.',
  'DATA_DIR, DATABASE_URL dan BLOB_DIR seperti untuk server / as for the server.',
].join('\n');

/** MiB with one decimal, for the summary line. */
const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MiB`;

/**
 * Run the backup command. Returns the exit code (0 written, 1 refused/failed/incomplete,
 * 2 wrong arguments).
 *
 * @example
 *   process.exitCode = await main(['--out', '/backups/telusur.tar.gz'], nodeIo());
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(USAGE);
    return 0;
  }
  let out: string;
  let force: boolean;
  try {
    const { values } = parseStrict(
      argv,
      { out: { type: 'string' }, force: { type: 'boolean' } },
      0,
    );
    if (typeof values.out !== 'string')
      throw new UsageError('--out FILE wajib diisi', '--out FILE is required');
    out = resolve(values.out);
    force = values.force === true;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`[backup] ${e.message} (npm run backup -- --help)`);
    return 2;
  }
  const env = io.env;
  const url = env.DATABASE_URL;
  if ((env.FILES_STORE ?? '').trim().toLowerCase() === 's3') {
    // The archive copies BLOB_DIR; with S3 the evidence is in the bucket, and an archive
    // without it must not pass for a full backup.
    io.err(
      `[backup] FILES_STORE=s3: berkas bukti ada di bucket S3_BUCKET=${env.S3_BUCKET ?? ''}, bukan di BLOB_DIR; cadangkan basis data dengan pg_dump dan bucket dengan alat penyimpanannya (versioning/replikasi) — docs/deploy.md / ` +
        `FILES_STORE=s3: the evidence files are in bucket S3_BUCKET=${env.S3_BUCKET ?? ''}, not in BLOB_DIR; back up the database with pg_dump and the bucket with its storage's own tools (versioning/replication) — docs/deploy.md`,
    );
    return 1;
  }
  try {
    const result = await createBackup({
      source:
        url && /^postgres(ql)?:\/\//.test(url)
          ? { dialect: 'postgres', databaseUrl: url }
          : {
              dialect: 'sqlite',
              sqliteFile: join(resolve(env.DATA_DIR ?? './data'), 'telusur.sqlite'),
            },
      blobDir: blobDirFromEnv(env),
      out,
      force,
      appVersion: packageVersion(),
    });
    const summary = `${result.out} (${result.dialect}, ${result.files} berkas bukti / evidence files, ${mib(result.bytes)} → ${mib(result.archiveBytes)})`;
    if (result.missingFiles.length > 0) {
      const first = result.missingFiles[0];
      io.err(
        `[backup] cadangan ditulis TANPA ${result.missingFiles.length} berkas bukti yang hilang/rusak di disk (lihat manifest), mis. ${first?.sha256} / ` +
          `backup written WITHOUT ${result.missingFiles.length} evidence files absent or damaged on disk (listed in its manifest), e.g. ${first?.sha256} (${first?.reason}): ${summary}`,
      );
      return 1;
    }
    io.out(`[backup] cadangan ditulis / backup written: ${summary}`);
    return 0;
  } catch (e) {
    io.err(`[backup] ${e instanceof OpsError ? e.message : `gagal / failed: ${oneLine(e)}`}`);
    return 1;
  }
}

if (invokedDirectly(import.meta.url))
  process.exitCode = await main(process.argv.slice(2), nodeIo());

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG, type FilesConfig } from './config';
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

/** Evidence files: BLOB_DIR, else DATA_DIR/files. */
export function blobDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.BLOB_DIR ?? join(env.DATA_DIR ?? './data', 'files'));
}

/** Upload staging: FILES_STORE=s3 with S3_* settings, else the file store. */
export function filesConfigFromEnv(env: NodeJS.ProcessEnv = process.env): FilesConfig {
  if (env.FILES_STORE !== 's3') return DEFAULT_CONFIG.files;
  if (!env.S3_BUCKET) throw new Error('FILES_STORE=s3 needs S3_BUCKET (and S3_REGION)');
  return {
    ...DEFAULT_CONFIG.files,
    store: 's3',
    s3: {
      bucket: env.S3_BUCKET,
      region: env.S3_REGION ?? 'us-east-1',
      endpoint: env.S3_ENDPOINT,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE === '1',
    },
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An S3-API server (the npm package `s3rver`) as its own process, for suites that run the
 * evidence store or tus staging against real S3 HTTP calls. It listens on a free port of
 * 127.0.0.1 (port 0, read back from its own start-up line), keeps its objects in a fresh temp
 * directory and has the bucket created before the promise resolves; it answers requests by
 * then (a ListObjectsV2 round trip is made before returning).
 */

/** s3rver's built-in account; it refuses other keys with InvalidAccessKeyId. */
export const S3RVER_ACCESS_KEY = 'S3RVER';
export const S3RVER_SECRET_KEY = 'S3RVER';
const REGION = 'us-east-1';

export interface S3rverHandle {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps the objects (removed by stop()). */
  dir: string;
  /** FILES_STORE=s3 and the S3_* settings a Telusur process needs to use this bucket. */
  env: Record<string, string>;
  /** Every object key in the bucket (under `prefix` when given), sorted. */
  listKeys(prefix?: string): Promise<string[]>;
  /** SIGTERM, wait for the exit, remove the directory. */
  stop(): Promise<void>;
  /** SIGKILL at once (an S3 that vanishes); the directory stays until stop(). */
  kill(): void;
  /** Everything the process printed (for failure messages). */
  output(): string;
  /** Freeze (SIGSTOP) or thaw (SIGCONT) the process: an S3 that hangs instead of refusing. */
  freeze(frozen: boolean): void;
}

const require = createRequire(import.meta.url);

/**
 * Start s3rver in a child process with `opts.bucket` (default `telusur-test`) created.
 * @throws Error with the process's output when it exits or does not answer within 20 s.
 */
export async function startS3rver(opts: { bucket?: string } = {}): Promise<S3rverHandle> {
  const bucket = opts.bucket ?? 'telusur-test';
  const dir = await mkdtemp(join(tmpdir(), 'telusur-s3rver-'));
  const bin = require.resolve('s3rver/bin/s3rver.js');
  const proc: ChildProcess = spawn(
    process.execPath,
    [bin, '-d', dir, '-a', '127.0.0.1', '-p', '0', '--configure-bucket', bucket],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout?.on('data', (d) => {
    out += String(d);
  });
  proc.stderr?.on('data', (d) => {
    out += String(d);
  });
  const stopProc = async (signal: NodeJS.Signals) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill(signal);
    await exited;
  };

  // The CLI prints "S3rver listening on 127.0.0.1:<port>" once the bucket exists and the
  // socket listens; port 0 avoids racing other suites for a "free" port.
  const deadline = Date.now() + 20_000;
  let port = 0;
  while (!port) {
    const m = /listening on [^:\s]+:(\d+)/.exec(out);
    if (m) port = Number(m[1]);
    else if (proc.exitCode !== null || proc.signalCode !== null) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`s3rver exited (${proc.exitCode ?? proc.signalCode}):\n${out}`);
    } else if (Date.now() > deadline) {
      await stopProc('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`s3rver did not start within 20 s:\n${out}`);
    } else await new Promise((r) => setTimeout(r, 50));
  }
  const endpoint = `http://127.0.0.1:${port}`;

  const { S3Client, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    region: REGION,
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_ACCESS_KEY, secretAccessKey: S3RVER_SECRET_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const listKeys = async (prefix?: string): Promise<string[]> => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  };

  // Robustness: the bucket answers a signed request before anyone is told it is there.
  for (;;) {
    try {
      await listKeys();
      break;
    } catch (e) {
      if (Date.now() > deadline) {
        await stopProc('SIGKILL');
        await rm(dir, { recursive: true, force: true });
        throw new Error(`s3rver does not answer at ${endpoint}: ${String(e)}\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    endpoint,
    bucket,
    dir,
    env: {
      FILES_STORE: 's3',
      S3_BUCKET: bucket,
      S3_REGION: REGION,
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: S3RVER_ACCESS_KEY,
      S3_SECRET_ACCESS_KEY: S3RVER_SECRET_KEY,
      S3_FORCE_PATH_STYLE: 'true',
      S3_CHECKSUMS: 'when_required',
    },
    listKeys,
    async stop() {
      client.destroy();
      await stopProc('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
    kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
    output: () => out,
    freeze(frozen) {
      proc.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
    },
  };
}

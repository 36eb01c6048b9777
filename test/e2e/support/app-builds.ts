import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A production build of the app into its own directory, stamped with `buildId` (read by the
 * app as VITE_BUILD_ID, shown on <html data-build>). Two of them, served one after the
 * other, are a real deployment of a new version to a tablet that has the app open. Built
 * here rather than copied from dist/, which other suites may be rebuilding meanwhile.
 */
export async function buildApp(buildId: string): Promise<{ dir: string; dispose(): void }> {
  const dir = mkdtempSync(join(tmpdir(), `telusur-${buildId}-`));
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(process.cwd(), 'node_modules/vite/bin/vite.js'),
        'build',
        '--outDir',
        dir,
        '--emptyOutDir',
      ],
      {
        cwd: process.cwd(),
        env: {
          ...process.env,
          // Vitest sets NODE_ENV=test, which would make this a development build.
          NODE_ENV: 'production',
          VITE_BUILD_ID: buildId,
          NO_COLOR: '1',
        },
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build ${buildId} failed:\n${out}`)),
    );
  });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

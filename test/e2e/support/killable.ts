import { type ChildProcess, spawn } from 'node:child_process';
import { type BrowserContext, chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './browser';

/** Chromium started in its own process group on a profile dir, so the whole browser can be SIGKILLed. */
export async function launchKillable(
  profile: string,
): Promise<{ proc: ChildProcess; context: BrowserContext; kill(): Promise<void> }> {
  const proc = spawn(
    process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    [
      ...CHROMIUM_ARGS,
      '--headless=new',
      `--user-data-dir=${profile}`,
      '--remote-debugging-port=0',
      'about:blank',
    ],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const ws = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${seen}`)), 30_000);
    proc.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => reject(new Error(`Chromium exited (${code}): ${seen}`)));
  });
  const browser = await chromium.connectOverCDP(ws);
  const context = browser.contexts()[0];
  if (!context) throw new Error('no default context');
  return {
    proc,
    context,
    kill: async () => {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      process.kill(-(proc.pid as number), 'SIGKILL');
      await exited;
      // Wait until every process of the group is gone (renderer, storage service), as on a
      // real tablet where nothing of the old browser runs when it is started again. Under a
      // loaded CI machine this takes seconds: a browser started earlier finds the profile's
      // IndexedDB still locked and opens an empty one, which reads as "every edit lost".
      for (let i = 0; i < 1200; i++) {
        try {
          process.kill(-(proc.pid as number), 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      await browser.close().catch(() => undefined);
    },
  };
}

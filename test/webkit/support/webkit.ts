import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Builder, type WebDriver } from 'selenium-webdriver';

/**
 * The WebKit lane needs WebKitGTK's WebDriver and an X server to draw in; test/run.mjs sets
 * TELUSUR_WEBKIT=1 when both are installed (and CI requires them).
 */
export const webkitEnabled = process.env.TELUSUR_WEBKIT === '1';

const WEBDRIVER = process.env.WEBKIT_WEBDRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
const XVFB = process.env.XVFB_PATH ?? 'Xvfb';

/** A started helper process (own process group), stopped with everything it started. */
function stopGroup(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  try {
    process.kill(-(proc.pid as number), 'SIGTERM');
  } catch {
    return Promise.resolve();
  }
  const forced = setTimeout(() => {
    try {
      process.kill(-(proc.pid as number), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, 5_000);
  return exited.finally(() => clearTimeout(forced));
}

/**
 * An X display of its own (Xvfb), so the lane never draws on a developer's screen and two
 * runs never share one. `-displayfd` lets Xvfb pick a free display number and tell it.
 */
async function startDisplay(): Promise<{ display: string; close(): Promise<void> }> {
  const proc = spawn(
    XVFB,
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    },
  );
  const display = await new Promise<string>((resolve, reject) => {
    let said = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start: ${err}`)), 20_000);
    proc.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    proc.stdio[3]?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${said.trim()}`);
      }
    });
    proc.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}): ${err}`));
    });
  });
  return { display, close: () => stopGroup(proc) };
}

/** A free TCP port on the loopback interface (WebKitWebDriver needs one named up front). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function driverReady(url: string, proc: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`WebKitWebDriver exited (${proc.exitCode})`);
    try {
      const res = await fetch(`${url}/status`);
      const body = (await res.json()) as { value?: { ready?: boolean } };
      if (body.value?.ready) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('WebKitWebDriver did not become ready');
}

/**
 * One WebKit browser (WebKitGTK's MiniBrowser, driven over W3C WebDriver by
 * selenium-webdriver) on a display of its own. `close` ends the session, the driver and
 * the display, with every process they started.
 */
export async function launchWebKit(): Promise<{ driver: WebDriver; close(): Promise<void> }> {
  const x = await startDisplay();
  let proc: ChildProcess | undefined;
  try {
    const port = await freePort();
    // --host=127.0.0.1: the driver listens on the loopback address only, as wptrunner runs it.
    proc = spawn(WEBDRIVER, [`--port=${port}`, '--host=127.0.0.1'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, DISPLAY: x.display },
    });
    const url = `http://127.0.0.1:${port}`;
    await driverReady(url, proc);
    // No `webkitgtk:browserOptions`: the driver starts its own MiniBrowser with --automation.
    // WebKitGTK has no headless mode; the Xvfb display above stands in for a screen.
    const driver = await new Builder()
      .usingServer(url)
      .withCapabilities({ browserName: 'MiniBrowser' })
      .build();
    // A 1024×768 tablet: the window's frame takes some height, so size the page itself.
    const window = driver.manage().window();
    await window.setRect({ width: 1024, height: 768 });
    const inner = await driver.executeScript<number>('return window.innerHeight');
    await window.setRect({ width: 1024, height: 768 + (768 - inner) });
    const started = proc;
    return {
      driver,
      close: async () => {
        await driver.quit().catch(() => undefined);
        await stopGroup(started);
        await x.close();
      },
    };
  } catch (e) {
    if (proc) await stopGroup(proc);
    await x.close();
    throw e;
  }
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { By, Key, type WebDriver, type WebElement } from 'selenium-webdriver';

/**
 * The verifier PWA in WebKit, driven over WebDriver the way a verifier uses it. The same
 * screens as test/e2e/page-models/verifier-app.ts (Playwright, Chromium), written against
 * selenium-webdriver: WebDriver has no auto-waiting locators, so every step waits for what
 * the screen shows once it is done.
 *
 * Only the first visit loads a URL; every later move goes through the app's own links and
 * buttons, as in the installed app. A URL loaded over the running app would put the old
 * page into WebKit's back/forward cache, frozen with whatever IndexedDB transaction it had
 * open, and the new page's writes would wait behind it (see the test file's header).
 */
export class WebKitVerifier {
  constructor(
    readonly driver: WebDriver,
    readonly baseUrl: string,
  ) {}

  /**
   * What the screen showed when a step failed, for whoever reads the failure: a screenshot
   * and the page's text under test-results/webkit/.
   */
  async saveFailure(name: string): Promise<void> {
    const dir = join(process.cwd(), 'test-results', 'webkit');
    mkdirSync(dir, { recursive: true });
    try {
      const png = Buffer.from(await this.driver.takeScreenshot(), 'base64');
      writeFileSync(join(dir, `${name}.png`), png);
      const text = await this.driver.executeScript<string>('return document.body.innerText');
      writeFileSync(join(dir, `${name}.txt`), `${await this.driver.getCurrentUrl()}\n\n${text}`);
    } catch {
      // The browser itself is gone: the test's own error says why.
    }
  }

  /** Wait until `check` (a script run in the page) returns true. */
  async until(what: string, check: string, ...args: unknown[]): Promise<void> {
    try {
      await this.driver.wait(
        async () => (await this.driver.executeScript<boolean>(check, ...args)) === true,
        20_000,
      );
    } catch (e) {
      // A fresh error: its stack names the step that waited, not selenium's poller.
      throw new Error(`WebKit: ${what} (${(e as Error).message})`);
    }
  }

  /** The element with this CSS selector, once the screen shows it. */
  async findCss(selector: string): Promise<WebElement> {
    await this.until(
      `${selector} never appeared`,
      'return document.querySelector(arguments[0]) !== null',
      selector,
    );
    return this.driver.findElement(By.css(selector));
  }

  find(testId: string): Promise<WebElement> {
    return this.findCss(`[data-testid="${testId}"]`);
  }

  async count(testId: string): Promise<number> {
    return (await this.driver.findElements(By.css(`[data-testid="${testId}"]`))).length;
  }

  async text(testId: string): Promise<string> {
    return (await (await this.find(testId)).getText()).trim();
  }

  /**
   * Click an element as a finger would: in the middle of the screen, once it has stopped
   * moving and nothing lies over it. WebDriver only scrolls an element into view (possibly
   * under the sticky header or the pager, which then "intercept" the click), and a list still
   * loading above it moves it between the driver's aim and the click, which then lands on
   * whatever is there now. A notice that docks at the bottom of the screen once the store
   * has loaded (persistent storage refused) can arrive over a button at the foot of a short
   * page after it was aimed at: the aim is taken again until the element itself is on top.
   */
  async tap(element: WebElement): Promise<void> {
    await this.driver.wait(
      async () =>
        this.driver.executeAsyncScript<boolean>(
          `const [el, done] = arguments;
           el.scrollIntoView({ block: 'center' });
           let last = '';
           let same = 0;
           const tick = () => {
             const r = el.getBoundingClientRect();
             const now = [r.x, r.y, r.width, r.height].join();
             same = now === last ? same + 1 : 0;
             last = now;
             if (same < 5) return requestAnimationFrame(tick);
             const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
             done(top !== null && (top === el || el.contains(top)));
           };
           requestAnimationFrame(tick);`,
          element,
        ),
      20_000,
      'the element stayed covered by something else on the screen',
    );
    await element.click();
  }

  async click(testId: string): Promise<void> {
    await this.tap(await this.find(testId));
  }

  async path(): Promise<string> {
    return new URL(await this.driver.getCurrentUrl()).pathname;
  }

  private async atPath(path: string): Promise<void> {
    await this.until(`never reached ${path}`, 'return location.pathname === arguments[0]', path);
  }

  private async shellShown(): Promise<void> {
    await this.findCss('header.header');
  }

  /** The first visit: load the app from its URL. */
  async visit(path: string): Promise<void> {
    await this.driver.get(`${this.baseUrl}${path}`);
    await this.shellShown();
  }

  /** Reload the page (served by the service worker once it controls the page). */
  async reload(): Promise<void> {
    await this.driver.navigate().refresh();
    await this.shellShown();
  }

  /** Wait until a service worker controls the page (the app then opens without the server). */
  async waitForServiceWorker(): Promise<void> {
    await this.until(
      'no service worker took control',
      'return !!navigator.serviceWorker && navigator.serviceWorker.controller !== null',
    );
  }

  async connectivityLabel(): Promise<string> {
    return this.text('connectivity');
  }

  /**
   * Answer the page's location requests as a verifier who allows location would, with a
   * fixed position. MiniBrowser asks outside the page, where WebDriver cannot reach, and
   * WebKitWebDriver has no "Set Permission", so unanswered the app waits its 20 s bound at
   * every photo. Holds until the next page load.
   */
  async allowLocation(at: { lat: number; lng: number }): Promise<void> {
    await this.driver.executeScript(
      `const [lat, lng] = arguments;
       navigator.geolocation.getCurrentPosition = (ok) =>
         setTimeout(() => ok({ coords: { latitude: lat, longitude: lng, accuracy: 12 }, timestamp: Date.now() }));`,
      at.lat,
      at.lng,
    );
  }

  /** Enrol this tablet with a coordinator's one-time code (first visit, at /masuk). */
  async enrol(code: string, label: string): Promise<void> {
    await this.visit('/masuk');
    await (await this.findCss('#enrol-code')).sendKeys(code);
    await (await this.findCss('#enrol-label')).sendKeys(label);
    await this.click('enrol-submit');
    await this.atPath('/');
  }

  /** The header's brand link: home, with the assigned units and training. */
  async goHome(): Promise<void> {
    await (await this.findCss('header a.brand')).click();
    await this.atPath('/');
    // Both lists loaded (assigned units, training), so nothing below them moves any more.
    await this.until(
      'the home screen never listed the units',
      'return document.querySelectorAll(\'main [data-testid="unit-card"]\').length > 0',
    );
  }

  /** The header's "Penyimpanan & sinkronisasi". */
  async goStorage(): Promise<void> {
    await (await this.findCss('header nav a[href="/penyimpanan"]')).click();
    await this.atPath('/penyimpanan');
    await this.find('sync-panel');
  }

  /** The storage page's sync state line once no sync is running. */
  async syncState(): Promise<string> {
    await this.goStorage();
    await this.find('sync-state');
    await this.until(
      'a sync never finished',
      'return document.querySelector(\'[data-testid="sync-state"]\').textContent !== "menyinkronkan…"',
    );
    return this.text('sync-state');
  }

  /** Press "Sinkronkan sekarang" and wait for a successful run (throws with the panel if not). */
  async syncNow(): Promise<void> {
    await this.syncState();
    const last = (id: string) =>
      this.driver.executeScript<number>(
        'return Number(document.querySelector(arguments[0])?.getAttribute("data-at") ?? 0)',
        `[data-testid="${id}"]`,
      );
    const before = Math.max(await last('sync-last-success'), await last('sync-last-error'));
    await this.click('sync-now');
    try {
      await this.until(
        'sync did not finish',
        `return ['sync-last-success', 'sync-last-error'].some((id) =>
          Number(document.querySelector('[data-testid="' + id + '"]')?.getAttribute('data-at') ?? 0) > arguments[0])`,
        before,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}; sync panel: ${await this.text('sync-panel')}`);
    }
    if ((await last('sync-last-success')) <= before)
      throw new Error(`sync failed: ${await this.text('sync-panel')}`);
  }

  /** Changes this tablet holds that the server has not confirmed (storage page). */
  async unsyncedChanges(): Promise<number> {
    await this.goStorage();
    return Number(await this.text('unsynced-changes'));
  }

  /**
   * A unit's checklist, from home: training through "Mulai latihan", an assigned unit
   * through its card. Resolves once the checklist is headed with the unit's `name`.
   */
  async openUnit(
    unit: { training: true; name: string } | { assessmentId: string; name: string },
  ): Promise<UnitScreens> {
    await this.goHome();
    if ('training' in unit) {
      await this.click('open-training');
    } else {
      const card = `[data-testid="unit-card"][href="/kerja/a/${encodeURIComponent(unit.assessmentId)}"]`;
      await this.tap(await this.findCss(card));
    }
    await this.find('indicator-row-1');
    await this.headed(unit.name);
    return new UnitScreens(this, unit.name, await this.path());
  }

  /** Wait until the screen's first heading names `name` (a unit's screens head with it). */
  async headed(name: string): Promise<void> {
    await this.until(
      `the screen never showed ${name}`,
      'return document.querySelector("main h1")?.textContent === arguments[0]',
      name,
    );
  }
}

/** One unit's screens, reached through its tabs and rows. */
export class UnitScreens {
  constructor(
    readonly app: WebKitVerifier,
    readonly name: string,
    readonly base: string,
  ) {}

  private async tab(href: string): Promise<void> {
    await this.app.tap(await this.app.findCss(`main nav a[href="${href}"]`));
  }

  /** The checklist row of an indicator, from the checklist. */
  async openIndicator(no: number): Promise<IndicatorScreen> {
    await this.app.click(`indicator-row-${no}`);
    await this.app.until(
      `indicator ${no} never opened`,
      'return [...document.querySelectorAll("main h1")].some((h) => h.textContent.startsWith(arguments[0]))',
      `${no}. `,
    );
    return new IndicatorScreen(this.app, no);
  }

  /** The "Berita acara" tab (from the checklist). */
  async openBeritaAcara(): Promise<BeritaAcaraScreen> {
    await this.tab(`${this.base}/berita-acara`);
    await this.app.find('ba-signing-state');
    await this.app.headed(this.name);
    return new BeritaAcaraScreen(this.app);
  }
}

/** One indicator's screen: level, notes, photos. */
export class IndicatorScreen {
  constructor(
    readonly app: WebKitVerifier,
    readonly no: number,
  ) {}

  async setVerifiedLevel(level: number): Promise<void> {
    await this.app.click(`level-${level}`);
    await this.app.until(
      `level ${level} was not chosen`,
      'return document.querySelector(arguments[0])?.getAttribute("aria-pressed") === "true"',
      `[data-testid="level-${level}"]`,
    );
  }

  /** The level whose button is pressed, or null, once the screen has loaded. */
  async verifiedLevel(): Promise<number | null> {
    await this.app.find('level-1');
    const id = await this.app.driver.executeScript<string | null>(
      'return document.querySelector(\'[data-testid^="level-"][aria-pressed="true"]\')?.getAttribute("data-testid") ?? null',
    );
    return id ? Number(id.replace('level-', '')) : null;
  }

  private notesField(): Promise<WebElement> {
    return this.app.findCss(`#notes-${this.no}`);
  }

  async notes(): Promise<string> {
    // selenium's getAttribute('value') reads the property: the text now in the field.
    return (await (await this.notesField()).getAttribute('value')) ?? '';
  }

  /** Type a note (key by key), leave the field and wait until the screen says it is saved. */
  async writeNotes(text: string): Promise<void> {
    const field = await this.notesField();
    await this.app.tap(field);
    await field.sendKeys(text, Key.TAB);
    await this.app.until(
      'the note was not saved',
      'return document.getElementById(arguments[0])?.parentElement?.querySelector("[data-save-state]")?.getAttribute("data-save-state") === "saved"',
      `notes-${this.no}`,
    );
  }

  /** Pick a file through "Pilih berkas" and wait for its thumbnail. */
  async addPhoto(path: string): Promise<void> {
    const before = await this.photoCount();
    // WebDriver "sends" a file path to a file input; the driver sets the input's FileList.
    await (await this.app.find('photo-pick')).sendKeys(path);
    await this.app.until(
      'the photo never showed',
      'return document.querySelectorAll(\'[data-testid="thumb"]\').length > arguments[0]',
      before,
    );
  }

  /** Thumbnails shown, once the photo list has loaded. */
  async photoCount(): Promise<number> {
    await this.app.find('photos');
    return this.app.count('thumb');
  }
}

/** The berita acara screen: the drawn signatures. */
export class BeritaAcaraScreen {
  constructor(readonly app: WebKitVerifier) {}

  /** Draw a signature with the pointer (a finger on a tablet) and save it. */
  async sign(pad: 'sig-verifier' | 'sig-representative'): Promise<void> {
    const canvas = await this.app.find(pad);
    // The pad draws once signature_pad has loaded and sized the canvas to its box.
    await this.app.until(
      'the signature pad never sized its canvas',
      'const c = document.querySelector(arguments[0]); return !!c && c.width > 0 && c.width === Math.round(c.offsetWidth * Math.max(window.devicePixelRatio || 1, 1))',
      `[data-testid="${pad}"]`,
    );
    await this.app.driver.executeScript('arguments[0].scrollIntoView({block: "center"})', canvas);
    const { width } = await canvas.getRect();
    // Offsets are from the canvas's centre: a zigzag across its left half.
    const left = -Math.floor(width / 2) + 20;
    let stroke = this.app.driver
      .actions({ async: true })
      .move({ origin: canvas, x: left, y: 0 })
      .press();
    for (let i = 1; i <= 12; i++)
      stroke = stroke.move({ origin: canvas, x: left + i * 18, y: i % 2 ? -20 : 20, duration: 20 });
    await stroke.release().perform();
    await this.app.click(`${pad}-save`);
    await this.app.find(`${pad}-image`);
  }

  /** Whether a saved signature shows as an image (not an empty pad), once the screen has loaded. */
  async signatureShown(pad: 'sig-verifier' | 'sig-representative'): Promise<boolean> {
    await this.app.until(
      `neither the ${pad} pad nor its image showed`,
      'return document.querySelector(arguments[0]) !== null || document.querySelector(arguments[1]) !== null',
      `[data-testid="${pad}"]`,
      `[data-testid="${pad}-image"]`,
    );
    return (await this.app.count(`${pad}-image`)) === 1;
  }
}

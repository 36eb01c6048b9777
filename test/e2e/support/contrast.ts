import type { Page } from 'playwright-core';

/** One contrast problem on the page, as computed from the rendered colours. */
export interface ContrastFinding {
  /**
   * `text`: text below its WCAG ratio; `boundary`: a control whose edge (border or own
   * background) does not stand out 3:1 from what surrounds it; `undecided`: the colours
   * could not be computed (text over an image or gradient, or covered by another element).
   */
  kind: 'text' | 'boundary' | 'undecided';
  /** The element: tag, test id or class, and the start of its text. */
  what: string;
  /** Computed ratio (absent when undecided). */
  ratio?: number;
  /** Ratio the element needs: 4.5 normal text, 3 large text and control boundaries. */
  required?: number;
  /** Foreground and background as rendered, `#rrggbb`. */
  fg?: string;
  bg?: string;
  /** Why it could not be decided. */
  why?: string;
}

/**
 * Colours the computed check may leave undecided, or control edges it may find faint, on
 * elements a person looked at, with the reason. Never text contrast: text is always judged.
 */
export interface ContrastAllowance {
  /** CSS selector of the element (or an ancestor) the allowance covers. */
  selector: string;
  reason: string;
}

export interface ContrastReport {
  findings: ContrastFinding[];
  /** Elements whose colours were computed (text and controls): a sanity count. */
  checked: number;
}

/**
 * Computes the WCAG contrast of every visible text and every visible control on the page
 * from the rendered colours, the way a person sees them: the text colour (with opacity)
 * over the backgrounds actually painted below it at that point (`elementsFromPoint`, so
 * positioned overlays and sticky bars count), composited down to the canvas. Text needs 4.5
 * (3 when large: ≥ 24 px, or ≥ 18.66 px bold); a control needs its border or its own
 * background to stand out 3:1 from its surroundings (text inputs always, buttons whenever
 * they draw a box at all). Disabled controls are exempt, as in WCAG. Anything it cannot
 * compute — a background image or gradient, an image or canvas below the text, text covered
 * by another box — is a finding of kind `undecided`, never a pass, unless an allowance
 * names it.
 *
 * Scrolls elements into view to hit-test them; the caller takes screenshots first. Keeps
 * every element it decided in `window.__contrastDecided` (a WeakMap to null when it passes,
 * else the finding's line), so axe's own undecided colour results are settled by it
 * (see `runAxe`).
 */
export async function contrastReport(
  page: Page,
  allow: readonly ContrastAllowance[] = [],
): Promise<ContrastReport> {
  return page.evaluate(
    (allowed: string[]) => {
      type Rgba = [number, number, number, number];
      const canvas = document.createElement('canvas');
      canvas.width = 1;
      canvas.height = 1;
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      const cache = new Map<string, Rgba | null>();
      /** Any CSS colour as rendered (rgb 0–255, alpha 0–1); null when not a plain colour. */
      const parse = (s: string): Rgba | null => {
        const hit = cache.get(s);
        if (hit !== undefined) return hit;
        let out: Rgba | null = null;
        const m = /^rgba?\(([^)]+)\)$/.exec(s);
        if (m?.[1]) {
          const p = m[1]
            .split(/[\s,/]+/)
            .filter(Boolean)
            .map((x) => (x.endsWith('%') ? Number(x.slice(0, -1)) / 100 : Number(x)));
          out = [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0, p[3] ?? 1];
        } else if (s === 'transparent') {
          out = [0, 0, 0, 0];
        } else if (ctx && s && s !== 'none' && !s.includes('url(')) {
          // Other colour syntaxes (color(), oklch(), color-mix()): let the canvas resolve them.
          ctx.clearRect(0, 0, 1, 1);
          ctx.fillStyle = '#000';
          ctx.fillStyle = s;
          ctx.fillRect(0, 0, 1, 1);
          const d = ctx.getImageData(0, 0, 1, 1).data;
          out = [d[0] ?? 0, d[1] ?? 0, d[2] ?? 0, (d[3] ?? 255) / 255];
        }
        cache.set(s, out);
        return out;
      };
      const over = (top: Rgba, below: Rgba): Rgba => {
        const a = top[3];
        return [
          top[0] * a + below[0] * (1 - a),
          top[1] * a + below[1] * (1 - a),
          top[2] * a + below[2] * (1 - a),
          1,
        ];
      };
      const lum = (c: Rgba) => {
        const ch = (v: number) => {
          const s = v / 255;
          return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]);
      };
      const ratio = (a: Rgba, b: Rgba) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p) as [number, number];
        return Math.round(((x + 0.05) / (y + 0.05)) * 100) / 100;
      };
      const hex = (c: Rgba) =>
        `#${c
          .slice(0, 3)
          .map((v) => Math.round(v).toString(16).padStart(2, '0'))
          .join('')}`;
      const opacityOf = (el: Element) => {
        let o = 1;
        for (let e: Element | null = el; e; e = e.parentElement)
          o *= Number(getComputedStyle(e).opacity);
        return o;
      };
      const describe = (el: Element) => {
        const id = el.getAttribute('data-testid');
        const cls = typeof el.className === 'string' ? el.className.trim().split(/\s+/)[0] : '';
        const text = (el.textContent ?? (el as HTMLInputElement).value ?? '')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 40);
        return `${el.tagName.toLowerCase()}${id ? `[data-testid="${id}"]` : cls ? `.${cls}` : ''} "${text}"`;
      };
      const isAllowed = (el: Element) => allowed.some((sel) => el.closest(sel) !== null);
      const disabled = (el: Element) =>
        el.closest(':disabled, [aria-disabled="true"], fieldset:disabled') !== null;
      /** Visually hidden on purpose (the sr-only pattern) or clipped to nothing. */
      const hiddenByClip = (el: Element) => {
        for (let e: Element | null = el; e; e = e.parentElement) {
          const cs = getComputedStyle(e);
          if (cs.clip === 'rect(0px, 0px, 0px, 0px)' || cs.clipPath === 'inset(50%)') return true;
          if (cs.overflow !== 'visible') {
            const r = e.getBoundingClientRect();
            if (r.width <= 1 || r.height <= 1) return true;
          }
        }
        return false;
      };
      const visible = (el: Element) =>
        el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) &&
        !hiddenByClip(el);
      /** A point on the element (or its first text line) inside the viewport, scrolling if needed. */
      const pointOf = (el: Element, text: Text | null): { x: number; y: number } | null => {
        const rectOf = () => {
          if (text) {
            const range = document.createRange();
            range.selectNodeContents(text);
            for (const r of range.getClientRects()) if (r.width > 1 && r.height > 1) return r;
            return null;
          }
          const r = el.getBoundingClientRect();
          return r.width > 1 && r.height > 1 ? r : null;
        };
        let r = rectOf();
        if (!r) return null;
        const inView = (q: DOMRect) =>
          q.top + q.height / 2 >= 0 &&
          q.top + q.height / 2 < innerHeight &&
          q.left + q.width / 2 >= 0 &&
          q.left + q.width / 2 < innerWidth;
        if (!inView(r)) {
          el.scrollIntoView({ block: 'center', inline: 'center' });
          r = rectOf();
          if (!r || !inView(r)) return null;
        }
        return { x: r.left + Math.min(r.width / 2, 6), y: r.top + r.height / 2 };
      };
      const paintsAt = (e: Element) => {
        const cs = getComputedStyle(e);
        const bg = parse(cs.backgroundColor);
        return (
          (bg !== null && bg[3] > 0) ||
          cs.backgroundImage !== 'none' ||
          /^(IMG|CANVAS|VIDEO|IFRAME|OBJECT|EMBED)$/.test(e.tagName)
        );
      };
      type Layers = { bg: Rgba } | { undecided: string };
      /**
       * The colour painted below `el` at (x, y): the backgrounds of the hit-test stack from
       * `el` (included when `self`) downwards, composited over the white canvas.
       */
      const below = (el: Element, x: number, y: number, self: boolean): Layers => {
        const stack = document.elementsFromPoint(x, y);
        let at = stack.indexOf(el);
        const prefix: Element[] = [];
        if (at < 0) {
          // Not hit-testable itself (pointer-events: none): its ancestors up to the stack's.
          at = stack.findIndex((e) => e.contains(el));
          if (at < 0)
            return {
              undecided: `covered at (${Math.round(x)}, ${Math.round(y)}) by ${stack[0] ? describe(stack[0]) : 'nothing'}`,
            };
          for (let e: Element | null = el; e && e !== stack[at]; e = e.parentElement)
            prefix.push(e);
        }
        for (const e of stack.slice(0, at)) {
          if (el.contains(e) || opacityOf(e) === 0) continue;
          if (paintsAt(e)) return { undecided: `covered by ${describe(e)}` };
        }
        const layers = [...prefix, ...stack.slice(at)].filter((e) => self || e !== el);
        const colours: Rgba[] = [];
        for (const e of layers) {
          const cs = getComputedStyle(e);
          if (
            e !== el &&
            !e.contains(el) &&
            /^(IMG|CANVAS|VIDEO|IFRAME|OBJECT|EMBED)$/.test(e.tagName)
          )
            return { undecided: `over ${describe(e)}` };
          if (e instanceof SVGElement && !(e instanceof SVGSVGElement) && !e.contains(el))
            return { undecided: `over a drawing (${describe(e)})` };
          if (cs.backgroundImage !== 'none')
            return { undecided: `over a background image or gradient (${describe(e)})` };
          if (cs.filter !== 'none' || cs.mixBlendMode !== 'normal' || cs.backdropFilter !== 'none')
            return { undecided: `over a filter or blend (${describe(e)})` };
          const c = parse(cs.backgroundColor);
          if (!c) return { undecided: `unreadable colour ${cs.backgroundColor}` };
          if (c[3] === 0) continue;
          const o = opacityOf(e);
          colours.push([c[0], c[1], c[2], c[3] * o]);
          if (c[3] * o >= 1) break;
        }
        let bg: Rgba = [255, 255, 255, 1];
        for (const c of colours.reverse()) bg = over(c, bg);
        return { bg };
      };
      const decided = new WeakMap<Element, string | null>();
      (
        window as unknown as { __contrastDecided: WeakMap<Element, string | null> }
      ).__contrastDecided = decided;
      // A type only (erased before the function runs in the page), so it may name the module's.
      const findings: ContrastFinding[] = [];
      let checked = 0;
      const needFor = (cs: CSSStyleDeclaration) => {
        const size = Number.parseFloat(cs.fontSize);
        const bold = Number(cs.fontWeight) >= 700;
        return size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      };
      /**
       * The layers below `el` where it shows; when a sticky bar or a toast covers it there,
       * once more with the element scrolled to the middle of the viewport.
       */
      const layersAt = (el: Element, text: Text | null, self: boolean) => {
        let p = pointOf(el, text);
        if (!p) return null;
        let layers = below(el, p.x, p.y, self);
        if ('undecided' in layers && layers.undecided.startsWith('covered')) {
          el.scrollIntoView({ block: 'center', inline: 'center' });
          p = pointOf(el, text);
          if (!p) return null;
          layers = below(el, p.x, p.y, self);
        }
        return { p, layers };
      };
      const checkText = (
        el: Element,
        text: Text | null,
        colour: string,
        cs: CSSStyleDeclaration,
      ) => {
        const at = layersAt(el, text, true);
        if (!at) return;
        const layers = at.layers;
        checked++;
        if ('undecided' in layers) {
          // An allowance is a person's judgement: it settles axe's doubt as well.
          if (isAllowed(el)) decided.set(el, null);
          else findings.push({ kind: 'undecided', what: describe(el), why: layers.undecided });
          return;
        }
        const c = parse(colour);
        if (!c) {
          findings.push({ kind: 'undecided', what: describe(el), why: `text colour ${colour}` });
          return;
        }
        const fg = over([c[0], c[1], c[2], c[3] * opacityOf(el)], layers.bg);
        const r = ratio(fg, layers.bg);
        const need = needFor(cs);
        decided.set(el, r < need ? `${r} < ${need} (${hex(fg)} on ${hex(layers.bg)})` : null);
        if (r < need)
          findings.push({
            kind: 'text',
            what: describe(el),
            ratio: r,
            required: need,
            fg: hex(fg),
            bg: hex(layers.bg),
          });
      };

      // Text: every element with a visible text node of its own.
      const skip = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|TITLE|OPTION|OPTGROUP|TEXTAREA|SELECT)$/;
      const seen = new Set<Element>();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || seen.has(el) || !n.textContent?.trim() || skip.test(el.tagName)) continue;
        seen.add(el);
        if (!visible(el) || disabled(el)) continue;
        const cs = getComputedStyle(el);
        const colour =
          el instanceof SVGElement
            ? cs.fill
            : cs.webkitTextFillColor && cs.webkitTextFillColor !== cs.color
              ? cs.webkitTextFillColor
              : cs.color;
        checkText(el, n as Text, colour, cs);
      }

      // Controls: their typed text or placeholder, and their boundary against the surroundings.
      const controls = document.querySelectorAll(
        'button, select, textarea, input, a.button, [role="button"], [role="tab"]',
      );
      const boxless = /^(hidden|checkbox|radio|file|range|color|image)$/;
      for (const el of controls) {
        if (el instanceof HTMLInputElement && boxless.test(el.type)) continue;
        if (!visible(el) || disabled(el)) continue;
        const at = layersAt(el, null, true);
        if (!at) continue;
        const own = at.layers;
        const cs = getComputedStyle(el);
        const outside = below(el, at.p.x, at.p.y, false);
        checked++;
        if ('undecided' in outside || 'undecided' in own) {
          if (isAllowed(el)) decided.set(el, null);
          else
            findings.push({
              kind: 'undecided',
              what: describe(el),
              why:
                'undecided' in outside
                  ? outside.undecided
                  : (own as { undecided: string }).undecided,
            });
          continue;
        }
        const field =
          el instanceof HTMLInputElement ||
          el instanceof HTMLTextAreaElement ||
          el instanceof HTMLSelectElement;
        if (field) {
          const value =
            el instanceof HTMLSelectElement
              ? (el.selectedOptions[0]?.text ?? '')
              : (el as HTMLInputElement).value;
          const placeholder = (el as HTMLInputElement).placeholder;
          const colour = value
            ? cs.webkitTextFillColor || cs.color
            : placeholder
              ? getComputedStyle(el, '::placeholder').color
              : null;
          const c = colour ? parse(colour) : null;
          if (c) {
            const fg = over([c[0], c[1], c[2], c[3] * opacityOf(el)], own.bg);
            const r = ratio(fg, own.bg);
            decided.set(el, r < needFor(cs) ? `${r} < ${needFor(cs)}` : null);
            if (r < needFor(cs))
              findings.push({
                kind: 'text',
                what: `${describe(el)}${value ? '' : ' (placeholder)'}`,
                ratio: r,
                required: needFor(cs),
                fg: hex(fg),
                bg: hex(own.bg),
              });
          }
        }
        // The edge: the strongest drawn border side, or the control's own fill.
        let edge = ratio(own.bg, outside.bg);
        let drawn = edge > 1.05;
        for (const side of ['Top', 'Right', 'Bottom', 'Left'] as const) {
          const width = Number.parseFloat(
            cs.getPropertyValue(`border-${side.toLowerCase()}-width`),
          );
          const style = cs.getPropertyValue(`border-${side.toLowerCase()}-style`);
          const c = parse(cs.getPropertyValue(`border-${side.toLowerCase()}-color`));
          if (width < 1 || style === 'none' || style === 'hidden' || !c || c[3] === 0) continue;
          drawn = true;
          edge = Math.max(edge, ratio(over(c, outside.bg), outside.bg));
        }
        // A text-only button draws no box: its text is what shows it (checked above). A field
        // always needs an edge: without one a person cannot find where to type.
        if ((field || drawn) && edge < 3 && !isAllowed(el))
          findings.push({
            kind: 'boundary',
            what: describe(el),
            ratio: edge,
            required: 3,
            bg: hex(outside.bg),
          });
      }
      window.scrollTo(0, 0);
      return { findings, checked };
    },
    allow.map((a) => a.selector),
  );
}

/** One line per finding, for an `expect(...).toEqual([])` that reads well when it fails. */
export function formatFindings(findings: readonly ContrastFinding[]): string[] {
  return findings.map((f) =>
    f.kind === 'undecided'
      ? `undecided: ${f.what} — ${f.why}`
      : `${f.kind} ${f.ratio} < ${f.required}: ${f.what} (${f.fg ? `${f.fg} on ` : 'edge vs '}${f.bg})`,
  );
}

/**
 * Runs checks that scroll (the computed contrast, axe) and then puts every scroll position
 * back — the window's and those of scrolling boxes inside the page (a heatmap, a wide
 * table) — so the next screenshot of the same page shows it as a person left it.
 */
export async function keepingScroll<T>(page: Page, checks: () => Promise<T>): Promise<T> {
  await page.evaluate(() => {
    const saved = new Map<Element, [number, number]>();
    for (const e of document.querySelectorAll('*'))
      if (e.scrollTop || e.scrollLeft) saved.set(e, [e.scrollTop, e.scrollLeft]);
    (window as unknown as { __scrollSaved: typeof saved }).__scrollSaved = saved;
  });
  try {
    return await checks();
  } finally {
    await page.evaluate(() => {
      const saved = (window as unknown as { __scrollSaved?: Map<Element, [number, number]> })
        .__scrollSaved;
      for (const e of document.querySelectorAll('*')) {
        const [top, left] = saved?.get(e) ?? [0, 0];
        if (e.scrollTop !== top || e.scrollLeft !== left) e.scrollTo(left, top);
      }
      window.scrollTo(0, 0);
    });
  }
}

// Driving VS Code's workbench through its DOM and keyboard, the way a user does: Quick Open, the
// command palette, Go to Line, hovers, the Quick Fix menu, and reading what the editor renders.
// Every wait is on a condition with a generous timeout; actions that a slow editor can swallow are
// retried.
import type { Frame, Page } from 'playwright-core';
import { sleep, waitFor } from './harness';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_ROW = '.quick-input-list .monaco-list-row';

async function quickInputVisible(page: Page): Promise<boolean> {
  return page
    .locator(`${QUICK_INPUT} input`)
    .isVisible()
    .catch(() => false);
}

async function closeQuickInput(page: Page): Promise<void> {
  for (let i = 0; i < 3 && (await quickInputVisible(page)); i++) {
    await page.keyboard.press('Escape');
    await sleep(200);
  }
}

/** Focuses the editor area so that editor keybindings reach the active editor. */
export async function focusEditor(page: Page): Promise<void> {
  const editor = page
    .locator('.part.editor .editor-group-container.active .monaco-editor .view-lines')
    .first();
  if (await editor.isVisible().catch(() => false)) {
    // Clicking would move the cursor; focusing the hidden textarea does not.
    await page
      .locator('.part.editor .editor-group-container.active .monaco-editor textarea')
      .first()
      .focus()
      .catch(() => undefined);
  }
}

/** How long reading one quick-input row may wait for it (the rows are polled again anyway). */
const ROW_READ_MS = 1000;

/**
 * Opens the quick input with `key`, types `text`, waits for a row matching `match` and accepts it.
 * Retries the whole sequence: the first keystrokes after a reload are sometimes dropped.
 */
async function pick(
  page: Page,
  key: string,
  text: string,
  match: (label: string) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  // F1 opens the palette with its ">" prefix in the input; filling replaces the whole value.
  const value = key === 'F1' ? `>${text}` : text;
  const deadline = Date.now() + timeoutMs;
  let attempt = 0;
  let lastRows: string[] = [];
  while (Date.now() < deadline) {
    attempt++;
    await closeQuickInput(page);
    await page.keyboard.press(key);
    const opened = await waitFor('quick input', () => quickInputVisible(page), 10_000).then(
      () => true,
      () => false,
    );
    if (!opened) continue;
    const input = page.locator(`${QUICK_INPUT} input`);
    await input.fill(value);
    const found = await waitFor(
      what,
      async () => {
        const rows = page.locator(QUICK_ROW);
        const n = await rows.count();
        lastRows = [];
        for (let i = 0; i < n; i++) {
          // The list re-renders as results arrive: a row counted a moment ago may be gone, and
          // Playwright's default wait for it (30 s) once used up a whole attempt's time.
          const label =
            (await rows
              .nth(i)
              .getAttribute('aria-label', { timeout: ROW_READ_MS })
              .catch(() => null)) ??
            (await rows
              .nth(i)
              .textContent({ timeout: ROW_READ_MS })
              .catch(() => '')) ??
            '';
          lastRows.push(label);
          if (match(label)) return { index: i };
        }
        return null;
      },
      Math.min(20_000 * attempt, Math.max(1000, deadline - Date.now())),
      300,
    ).catch(() => null);
    if (!found) continue;
    await page
      .locator(QUICK_ROW)
      .nth(found.index)
      .click({ timeout: 10_000 })
      .catch(async () => {
        await page.keyboard.press('Enter');
      });
    await waitFor(
      'quick input to close',
      async () => !(await quickInputVisible(page)),
      10_000,
    ).catch(() => undefined);
    return;
  }
  await closeQuickInput(page);
  throw new Error(
    `${what}: not offered after ${attempt} attempt(s); the list showed: ${lastRows.slice(0, 8).join(' | ') || '(nothing)'}`,
  );
}

/**
 * Switches the colour theme the way a user does (Preferences: Color Theme, then the theme's row):
 * code-server does not apply a theme written to settings.json by another process.
 */
export async function chooseColorTheme(page: Page, name: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  await waitFor('the theme picker', () => quickInputVisible(page), 20_000);
  await page.locator(`${QUICK_INPUT} input`).fill(name);
  let seen: string[] = [];
  const index = await waitFor(
    `the theme "${name}" in the picker`,
    async () => {
      const rows = page.locator(QUICK_ROW);
      const n = await rows.count();
      seen = [];
      for (let i = 0; i < n; i++) {
        const label =
          (await rows
            .nth(i)
            .getAttribute('aria-label', { timeout: ROW_READ_MS })
            .catch(() => null)) ?? '';
        seen.push(label);
        if (label.split(',')[0].trim() === name) return { i };
      }
      return null;
    },
    20_000,
    300,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; the picker showed: ${seen.join(' | ') || '(nothing)'}`);
  });
  await page.locator(QUICK_ROW).nth(index.i).click({ timeout: 10_000 });
  await waitFor('the theme picker to close', async () => !(await quickInputVisible(page)), 10_000);
}

/** Opens a workspace file by name through Quick Open and waits for its tab to be active. */
export async function openFile(page: Page, name: string): Promise<void> {
  await pick(
    page,
    'Control+P',
    name,
    (l) => l.split(',')[0].trim() === name || l.startsWith(`${name},`) || l.includes(name),
    `Quick Open entry for ${name}`,
  );
  await waitFor(
    `the editor tab of ${name}`,
    () => page.locator(`.tab.active[aria-label^="${name}"]`).first().isVisible(),
    60_000,
  );
  await page
    .locator('.part.editor .editor-group-container.active .monaco-editor .view-lines')
    .first()
    .waitFor({ timeout: 60_000 });
}

/** Runs a command by its palette title, e.g. "Tensor Lens: Compare MLP vs CNN on MNIST". */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const norm = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();
  await pick(
    page,
    'F1',
    title,
    (l) => norm(l).startsWith(norm(title)),
    `command "${title}" in the palette`,
    timeoutMs,
  );
}

/** Moves the cursor with Go to Line (1-based line and column) and waits for the status bar to agree. */
export async function gotoLine(page: Page, line: number, column: number): Promise<void> {
  const want = `Ln ${line}, Col ${column}`;
  const status = async (): Promise<string> =>
    (await page
      .locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ })
      .first()
      .textContent({ timeout: 2000 })
      .catch(() => '')) ?? '';
  for (let attempt = 1; attempt <= 4; attempt++) {
    await closeQuickInput(page);
    await focusEditor(page);
    await page.keyboard.press('Control+G');
    if (
      !(await waitFor('Go to Line', () => quickInputVisible(page), 10_000).then(
        () => true,
        () => false,
      ))
    )
      continue;
    await page.locator(`${QUICK_INPUT} input`).fill(`:${line}:${column}`);
    await sleep(300);
    await page.keyboard.press('Enter');
    const ok = await waitFor(
      want,
      async () => (await status()).includes(want),
      5_000 * attempt,
      200,
    ).then(
      () => true,
      () => false,
    );
    if (ok) return;
  }
  throw new Error(`could not move the cursor to ${want} (status bar: ${await status()})`);
}

export interface RenderedLine {
  /** 1-based line number from the gutter. */
  line: number;
  /** The text the line shows, inlay hints included. */
  text: string;
  /** Texts of injected spans (inlay hints) on the line. */
  inlays: string[];
  /** Texts of the CodeLens row shown above this line. */
  lenses: string[];
  /** Pixel top of the line inside the editor's scrollable content. */
  top: number;
}

/** What the active editor renders now: its visible lines with their inlay hints and CodeLens. */
export async function renderedLines(page: Page): Promise<RenderedLine[]> {
  return page.evaluate(() => {
    const editor = document.querySelector(
      '.part.editor .editor-group-container.active .monaco-editor',
    );
    if (!editor) return [];
    const px = (el: Element): number => parseFloat((el as HTMLElement).style.top || 'NaN');
    const clean = (s: string | null): string => (s ?? '').replace(/\u00a0/g, ' ');
    const numbers = [...editor.querySelectorAll('.margin-view-overlays > div')]
      .map((d) => ({
        top: px(d),
        n: Number(clean(d.querySelector('.line-numbers')?.textContent ?? '').trim()),
      }))
      .filter((x) => Number.isFinite(x.top) && x.n > 0);
    const lineAt = (top: number): number | undefined =>
      numbers.find((x) => Math.abs(x.top - top) < 1)?.n;
    const lines = [...editor.querySelectorAll('.view-lines > .view-line')]
      .map((el) => ({
        top: px(el),
        text: clean(el.textContent),
        // Inlay hints are injected text: spans with a generated `dyn-rule-*` class next to the token class.
        inlays: [...el.querySelectorAll('span span')]
          .filter((s) => /dyn-rule-|inlay/.test(s.className))
          .map((s) => clean(s.textContent).trim())
          .filter((t) => t.length > 0),
      }))
      .filter((l) => Number.isFinite(l.top));
    const result = lines
      .map((l) => ({
        line: lineAt(l.top) ?? -1,
        text: l.text,
        inlays: l.inlays,
        lenses: [] as string[],
        top: l.top,
      }))
      .filter((l) => l.line > 0)
      .sort((a, b) => a.top - b.top);
    // A CodeLens is a content widget drawn in the view zone right above the line it belongs to.
    for (const lens of editor.querySelectorAll('.contentWidgets .codelens-decoration')) {
      const top = px(lens);
      const text = clean(lens.textContent).trim();
      if (!Number.isFinite(top) || !text) continue;
      const below = result.find((l) => l.top >= top);
      if (below) below.lenses.push(...text.split(/\s*\|\s*/).filter(Boolean));
    }
    return result;
  });
}

/** Collects rendered lines over the whole file, scrolling from the top with Go to Line. */
export async function renderedFile(
  page: Page,
  lineCount: number,
): Promise<Map<number, RenderedLine>> {
  const seen = new Map<number, RenderedLine>();
  let line = 1;
  for (let guard = 0; guard < 50 && line <= lineCount; guard++) {
    await gotoLine(page, line, 1);
    await sleep(300);
    const visible = await renderedLines(page);
    for (const l of visible)
      if (!seen.has(l.line) || l.lenses.length || l.inlays.length) seen.set(l.line, l);
    const last = Math.max(line, ...visible.map((l) => l.line));
    if (last >= lineCount) break;
    line = last;
  }
  return seen;
}

/** The visible hover's text, or null. */
export async function hoverText(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const hovers = [...document.querySelectorAll('.monaco-hover')].filter(
      (h) => !h.classList.contains('hidden') && (h as HTMLElement).offsetParent !== null,
    );
    const text = hovers
      .map((h) => (h.textContent ?? '').replace(/\u00a0/g, ' ').trim())
      .filter(Boolean)
      .join('\n');
    return text || null;
  });
}

/** Tops (px) of the rendered error squiggles in the active editor. */
export async function errorSquiggleTops(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const editor = document.querySelector(
      '.part.editor .editor-group-container.active .monaco-editor',
    );
    if (!editor) return [];
    return [...editor.querySelectorAll('.view-overlays .squiggly-error')]
      .map((s) => parseFloat((s.parentElement as HTMLElement | null)?.style.top ?? 'NaN'))
      .filter((t) => Number.isFinite(t));
  });
}

/** Labels of the actions in the open Quick Fix / code action menu. */
export async function codeActionLabels(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('.action-widget .monaco-list-row.action')]
      .map((r) => r.getAttribute('aria-label') ?? r.textContent ?? '')
      .filter(Boolean),
  );
}

/**
 * Applies the action with this label in the open code action menu, with the keyboard (a pointer
 * block over the editor swallows clicks while the menu is open): arrow to it, then Enter.
 */
export async function chooseCodeAction(page: Page, label: string): Promise<void> {
  const focused = async (): Promise<string> =>
    (await page
      .locator('.action-widget .monaco-list-row.action.focused')
      .first()
      .getAttribute('aria-label', { timeout: 2000 })
      .catch(() => null)) ?? '';
  const count = (await codeActionLabels(page)).length;
  for (let i = 0; i <= count + 1; i++) {
    if ((await focused()) === label) {
      await page.keyboard.press('Enter');
      await waitFor(
        'the code action menu to close',
        async () => (await codeActionLabels(page)).length === 0,
        10_000,
      ).catch(() => undefined);
      return;
    }
    await page.keyboard.press('ArrowDown');
    await sleep(150);
  }
  throw new Error(
    `could not select the code action "${label}" (menu: ${JSON.stringify(await codeActionLabels(page))})`,
  );
}

/** A frame of our webview that holds `selector`, or null. Webviews are nested iframes in code-server. */
export async function findWebviewFrame(
  page: Page,
  selector: string,
  isOurs: (f: Frame) => boolean,
): Promise<Frame | null> {
  for (const f of page.frames()) {
    if (!isOurs(f)) continue;
    const n = await f
      .locator(selector)
      .count()
      .catch(() => 0);
    if (n > 0) return f;
  }
  return null;
}

export interface CanvasInk {
  width: number;
  height: number;
  /** Pixels with any ink (alpha > 0). */
  inked: number;
  /** Opaque pixels close to each requested colour. */
  byColor: Record<string, number>;
}

/**
 * Counts the pixels drawn on a canvas, and how many are (nearly) a given CSS colour; colours may be
 * CSS variables (`--vscode-charts-blue`), resolved inside the webview.
 */
export async function canvasInk(
  frame: Frame,
  selector: string,
  colors: Record<string, string> = {},
): Promise<CanvasInk | null> {
  return frame.evaluate(
    ({ selector, colors }) => {
      const canvas = document.querySelector(selector) as HTMLCanvasElement | null;
      if (!canvas || !canvas.width || !canvas.height) return null;
      const g = canvas.getContext('2d');
      if (!g) return null;
      const probe = document.createElement('canvas').getContext('2d');
      const rgb = (css: string): [number, number, number] | null => {
        if (!probe || !css) return null;
        probe.fillStyle = '#010203';
        probe.fillStyle = css;
        const v = String(probe.fillStyle);
        const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(v);
        if (m)
          return v === '#010203' && css.trim().toLowerCase() !== '#010203'
            ? null
            : [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
        const r = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(v);
        return r ? [Number(r[1]), Number(r[2]), Number(r[3])] : null;
      };
      const style = getComputedStyle(document.documentElement);
      const targets = Object.entries(colors).map(([name, css]) => {
        const value = css.startsWith('--') ? style.getPropertyValue(css).trim() : css;
        return { name, rgb: rgb(value) };
      });
      const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      const byColor: Record<string, number> = {};
      for (const t of targets) byColor[t.name] = 0;
      for (let i = 0; i < data.length; i += 4) {
        const a = data[i + 3];
        if (a === 0) continue;
        inked++;
        if (a < 200) continue;
        for (const t of targets) {
          if (!t.rgb) continue;
          const d =
            Math.abs(data[i] - t.rgb[0]) +
            Math.abs(data[i + 1] - t.rgb[1]) +
            Math.abs(data[i + 2] - t.rgb[2]);
          if (d < 60) byColor[t.name]++;
        }
      }
      return { width: canvas.width, height: canvas.height, inked, byColor };
    },
    { selector, colors },
  );
}

export interface TextContrast {
  /** Text elements measured (visible, with their own text). */
  checked: number;
  /** The body's theme class (`vscode-dark`, `vscode-high-contrast`, …). */
  themeClass: string;
  /** The lowest contrast ratios found, worst first. */
  worst: { text: string; ratio: number; fg: string; bg: string }[];
}

/**
 * WCAG contrast of every visible text element in a webview against what is really behind it: the
 * colours are composited with their alpha and the ancestors' opacity over the nearest opaque
 * background, and where no element paints one, each of the given theme surfaces (webview documents
 * are transparent; the workbench paints its side-bar or editor background behind them). Disabled controls are
 * skipped, as WCAG exempts inactive UI.
 */
export async function textContrast(frame: Frame, surfaces: string[]): Promise<TextContrast> {
  return frame.evaluate((surfaces) => {
    type RGBA = [number, number, number, number];
    const probe = document.createElement('canvas').getContext('2d');
    const parse = (css: string): RGBA | null => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(css);
      if (m)
        return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
      if (!probe || !css.trim()) return null;
      probe.fillStyle = '#010203';
      probe.fillStyle = css.trim();
      const v = String(probe.fillStyle);
      const h = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(v);
      if (h) return [parseInt(h[1], 16), parseInt(h[2], 16), parseInt(h[3], 16), 1];
      return parse(v.startsWith('rgba') ? v : '');
    };
    const over = (top: RGBA, under: RGBA): RGBA => {
      const a = top[3];
      return [
        top[0] * a + under[0] * (1 - a),
        top[1] * a + under[1] * (1 - a),
        top[2] * a + under[2] * (1 - a),
        1,
      ];
    };
    const lum = (c: RGBA): number => {
      const ch = (v: number): number => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]);
    };
    const root = getComputedStyle(document.documentElement);
    const bases = surfaces.map((v) => parse(root.getPropertyValue(v)) ?? ([0, 0, 0, 1] as RGBA));
    const background = (el: Element, base: RGBA): RGBA => {
      // Layers from the element outwards, composited from the outermost opaque one inwards.
      const layers: RGBA[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg && bg[3] > 0) {
          layers.push(bg);
          if (bg[3] >= 1) break;
        }
      }
      let c: RGBA = base;
      for (let i = layers.length - 1; i >= 0; i--) c = over(layers[i], c);
      return c;
    };
    const opacity = (el: Element): number => {
      let o = 1;
      for (let e: Element | null = el; e; e = e.parentElement)
        o *= Number(getComputedStyle(e).opacity || '1');
      return o;
    };
    const rows: { text: string; ratio: number; fg: string; bg: string }[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const own = Array.from(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      if (!own || el.closest('[disabled], [hidden], script, style, option')) continue;
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      if (!r.width || !r.height || st.visibility === 'hidden' || st.display === 'none') continue;
      const fg0 = parse(st.color);
      if (!fg0) continue;
      const hex = (c: RGBA): string =>
        '#' +
        c
          .slice(0, 3)
          .map((v) => Math.round(v).toString(16).padStart(2, '0'))
          .join('');
      // The same webview can sit in the side bar or an editor tab: keep the worse of the two.
      const measured = bases.map((base) => {
        const bg = background(el, base);
        const fg = over([fg0[0], fg0[1], fg0[2], fg0[3] * opacity(el)], bg);
        const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
        return {
          text: own.slice(0, 40),
          ratio: (l1 + 0.05) / (l2 + 0.05),
          fg: hex(fg),
          bg: hex(bg),
        };
      });
      rows.push(measured.reduce((a, b) => (b.ratio < a.ratio ? b : a)));
    }
    rows.sort((a, b) => a.ratio - b.ratio);
    return { checked: rows.length, themeClass: document.body.className, worst: rows.slice(0, 8) };
  }, surfaces);
}

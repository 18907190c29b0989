// The sampling playground in headless Chromium under the extension's exact HTML and CSP, at the
// sidebar's narrowest (300 px) in a dark and a high-contrast theme: the gallery and the tuning
// controls make the request the host expects, a real recorded chain (traceSteps, in process) is
// stepped, animated, paused and reset, every move draws on the canvas, the axes show their values,
// nothing overflows the width, and no console error or CSP violation occurs. MH, slice and HMC
// moves are drawn in their colours (accepted blue, rejected orange, paths green) in 1-D and 2-D.
// Saves a screenshot per theme to look at.
// A square range is drawn square at 300 px and in the 1100 px editor tab (equal scales on x and
// y: the wide tab once stretched it to about 1018 × 242 device pixels).
// Skips when Debian's /usr/bin/chromium is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostToWebview, SampleRequestParams } from '../../src/common/messages';
import { GALLERY_2D } from '../../src/common/gallery2d';
import { traceSteps } from '../../src/sampling/steps';
import {
  browserSkip,
  dominantShadeBox,
  errorsWhileResizing,
  useBrowser,
  openHarness,
  settle,
  type Harness,
  type ThemeKind,
} from './harness';

const skip = browserSkip;
const browser = useBrowser();
const SHOTS = process.env.TL_SCREENSHOTS ?? join(tmpdir(), 'tensor-lens-playground');

const init: HostToWebview = {
  type: 'init',
  runs: [],
  samples: [],
  summary: null,
  defaults: { sampler: 'nuts', n: 5000, chains: 4, seed: 42, expr: 'exp(-x^2/2)' },
};

/** Pixels of the canvas that are not transparent (how much is drawn), and a checksum of all. */
async function ink(h: Harness): Promise<{ n: number; sum: number }> {
  return h.page.locator('canvas.pg-canvas').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const ctx = canvas.getContext('2d');
    if (!ctx || !canvas.width || !canvas.height) return { n: 0, sum: 0 };
    const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0,
      sum = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0) n++;
      sum = (sum * 31 + d[i] + 3 * d[i + 1] + 7 * d[i + 2] + 11 * d[i + 3]) % 1000000007;
    }
    return { n, sum };
  });
}

/**
 * Drawn pixels in the canvas's margins: the 26 CSS px left of the plot (where y's values go in
 * 2-D) and the 24 CSS px at its foot (x's values).
 */
async function marginInk(h: Harness): Promise<{ left: number; below: number }> {
  return h.page.locator('canvas.pg-canvas').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const ctx = canvas.getContext('2d');
    const k = canvas.width / canvas.clientWidth;
    if (!ctx || !canvas.width || !canvas.height) return { left: 0, below: 0 };
    const count = (x: number, y: number, w: number, hh: number): number => {
      const d = ctx.getImageData(x, y, w, hh).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    };
    const strip = Math.round(24 * k);
    return {
      left: count(0, 0, Math.round(26 * k), canvas.height - strip),
      below: count(0, canvas.height - strip, canvas.width, strip),
    };
  });
}

const caption = async (h: Harness): Promise<string> =>
  (await h.page.locator('.pg-caption').textContent()) ?? '';

for (const theme of ['dark', 'high-contrast'] as ThemeKind[]) {
  test(
    `step through a recorded NUTS chain on the banana at 300 px (${theme})`,
    { skip },
    async () => {
      const h = await openHarness(browser(), { theme, width: 300, height: 1000 });
      try {
        await h.send(init);
        await h.send({ type: 'showTab', tab: 'sampling' });
        await settle(h.page);
        const pg = h.page.locator('.playground');
        await pg.scrollIntoViewIfNeeded();
        const banana = GALLERY_2D.find((g) => g.name === 'banana');
        assert.ok(banana);
        assert.equal(await h.page.locator('.pg-expr').inputValue(), banana.expr);
        // A bad tuning value is named on the page and nothing is sent.
        await h.page.locator('input[aria-label="step size"]').fill('fast');
        await h.page.locator('.pg-record').click();
        assert.match((await pg.locator('.error-text').textContent()) ?? '', /step size: a number/);
        await h.page.locator('input[aria-label="step size"]').fill('');
        await h.page.locator('input[aria-label="max depth"]').fill('6');
        await h.page.locator('.pg-record').click();
        const posted = (await h.posted()).filter(
          (m): m is { type: 'traceSteps'; params: SampleRequestParams; steps: number } =>
            typeof m === 'object' && m !== null && (m as { type?: string }).type === 'traceSteps',
        );
        assert.equal(posted.length, 1);
        assert.equal(posted[0].params.expr, banana.expr);
        assert.equal(posted[0].params.sampler, 'nuts');
        assert.deepEqual(posted[0].params.tuning, { maxDepth: 6 });
        // The host's answer: a real recorded chain for that request.
        const trace = traceSteps({ ...posted[0].params, warmup: 300 }, posted[0].steps);
        await h.send({ type: 'stepTrace', trace });
        await settle(h.page);
        const before = await ink(h);
        assert.ok(before.n > 2000, `density drawn (${before.n} px)`);
        assert.match(await caption(h), /NUTS on .*40 moves recorded/);
        // The axes carry their values: x's below the plot, y's at its left.
        const margins = await marginInk(h);
        assert.ok(
          margins.left > 40 && margins.below > 40,
          `axis values: ${JSON.stringify(margins)}`,
        );
        // The contours and one marginal per axis, each with the density's curve before any move.
        assert.match(
          (await pg.locator('.muted', { hasText: 'Contour lines' }).textContent()) ?? '',
          /enclose 50 %, 80 %, 95 %/,
        );
        const marginals = pg.locator('.pg-marginal canvas');
        assert.equal(await marginals.count(), 2);
        const marginalInk = async (): Promise<number[]> =>
          marginals.evaluateAll((cs) =>
            cs.map((c) => {
              const canvas = c as HTMLCanvasElement;
              const d = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height);
              let sum = 0;
              if (d) for (let i = 0; i < d.data.length; i += 4) sum = (sum * 31 + d.data[i]) % 1e9;
              return sum;
            }),
          );
        const emptyMarginals = await marginalInk();
        await h.page.locator('.pg-step').click();
        assert.match(await caption(h), /^move 1 of 40: tree depth \d+/);
        const afterStep = await ink(h);
        assert.notEqual(afterStep.sum, before.sum, 'the move is drawn');
        // 10 moves a second: 40 moves last about 4.6 s, so the animation is still running when a
        // loaded machine gets round to clicking Pause (at 30 a second it could finish first).
        await h.page.locator('input[aria-label="moves per second"]').fill('10');
        await h.page.locator('.pg-animate').click();
        await h.page.waitForTimeout(700);
        await h.page.locator('.pg-animate').click(); // pause
        const paused = await caption(h);
        const m = /^move (\d+)/.exec(paused);
        assert.ok(m && Number(m[1]) > 2, `animated past move 2: ${paused}`);
        await h.page.waitForTimeout(300);
        assert.equal(await caption(h), paused, 'paused means paused');
        // The histograms of the moves so far have grown on both axes.
        const grown = await marginalInk();
        grown.forEach((v, k) => assert.notEqual(v, emptyMarginals[k], `marginal ${k} drawn`));
        await pg.screenshot({
          path: join(mkdirSync(SHOTS, { recursive: true }) ?? SHOTS, `playground-${theme}.png`),
        });
        await h.page.locator('.pg-reset').click();
        assert.match(await caption(h), /40 moves recorded/);
        const width = await h.page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 300, `no horizontal overflow at 300 px (scrollWidth ${width})`);
        // An error from the host shows in the playground.
        await h.send({ type: 'stepTraceError', message: 'the density is negative at x = 1' });
        await settle(h.page);
        assert.match((await pg.locator('.error-text').textContent()) ?? '', /negative/);
        assert.deepEqual(h.problems, []);
      } finally {
        await h.close();
      }
    },
  );
}

/**
 * The banana's MH step trace over the square range [-3, 3]² with every density cell one value, so
 * the plot's inside is one shade (the plot area fills the width less its 28 px padding).
 */
function flatBananaTrace(): ReturnType<typeof traceSteps> {
  const banana = GALLERY_2D.find((g) => g.name === 'banana');
  assert.ok(banana);
  const trace = traceSteps(
    {
      expr: banana.expr,
      sampler: 'mh',
      n: 100,
      chains: 1,
      seed: 1,
      warmup: 100,
      range: [-3, 3],
      rangeY: [-3, 3],
    },
    5,
  );
  assert.ok(trace.density2d);
  return {
    ...trace,
    density2d: { ...trace.density2d, values: trace.density2d.values.map(() => 0.5) },
  };
}

test(
  'equal density cells are drawn as one even shade: no seam between cells',
  { skip },
  async () => {
    const h = await openHarness(browser(), { theme: 'dark', width: 300, height: 1000 });
    try {
      await h.send(init);
      await h.send({ type: 'showTab', tab: 'sampling' });
      // Every cell the same value: the plot's inside must be one colour, but for the chain's start.
      const flat = flatBananaTrace();
      await h.send({ type: 'stepTrace', trace: flat });
      await settle(h.page);
      await h.page.locator('.playground').scrollIntoViewIfNeeded();
      const r = await h.page.locator('canvas.pg-canvas').evaluate((c) => {
        const canvas = c as HTMLCanvasElement;
        const ctx = canvas.getContext('2d');
        if (!ctx) return { share: 0, px: 0, cells: 0 };
        // Inside the plot area (28 px padding), away from its frame.
        const pad = Math.ceil(30 * (canvas.width / canvas.clientWidth));
        const d = ctx.getImageData(pad, pad, canvas.width - 2 * pad, canvas.height - 2 * pad).data;
        const counts = new Map<number, number>();
        for (let i = 0; i < d.length; i += 4) {
          const k = ((d[i] * 256 + d[i + 1]) * 256 + d[i + 2]) * 256 + d[i + 3];
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        const most = Math.max(...counts.values());
        return { share: most / (d.length / 4), px: d.length / 4, cells: counts.size };
      });
      assert.ok(r.px > 10000, `plot area read (${r.px} px)`);
      // A seam at every cell edge would leave a quarter of the pixels another shade.
      assert.ok(r.share > 0.97, `${(r.share * 100).toFixed(1)} % of the plot one shade`);
      assert.deepEqual(h.problems, []);
    } finally {
      await h.close();
    }
  },
);

for (const [width, editor] of [
  [300, false],
  [1100, true],
] as const) {
  test(
    `a square range is drawn square at ${width} px: equal scales on x and y, within the width`,
    { skip },
    async (t) => {
      const h = await openHarness(browser(), {
        theme: 'dark',
        width,
        height: 1000,
        editor,
      });
      try {
        await h.send(init);
        await h.send({ type: 'showTab', tab: 'sampling' });
        // Every cell one value: the drawn density area is the block of that one shade.
        const flat = flatBananaTrace();
        assert.deepEqual(
          [flat.range, flat.rangeY],
          [
            [-3, 3],
            [-3, 3],
          ],
        );
        await h.send({ type: 'stepTrace', trace: flat });
        await settle(h.page);
        await h.page.locator('.playground').scrollIntoViewIfNeeded();
        await h.page.locator('.playground').screenshot({
          path: join(
            mkdirSync(SHOTS, { recursive: true }) ?? SHOTS,
            `playground-square-${width}.png`,
          ),
        });
        const r = await dominantShadeBox(h.page.locator('canvas.pg-canvas'));
        assert.ok(r.w > 150 && r.h > 150, `density area drawn (${r.w} × ${r.h} device px)`);
        // x-range / y-range is 1: the drawn area's width / height within 10 % of it.
        const ratio = r.w / r.h;
        t.diagnostic(`density area ${r.w} × ${r.h} device px (ratio ${ratio.toFixed(3)})`);
        assert.ok(Math.abs(ratio - 1) <= 0.1, `density area ${r.w} × ${r.h}: ratio ${ratio}`);
        assert.ok(r.right <= width, `the plot ends inside the page (${r.right} px)`);
        const scroll = await h.page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scroll <= width, `no horizontal overflow at ${width} px (scrollWidth ${scroll})`);
        // Narrowed and widened again, the box follows without a ResizeObserver loop error.
        const errors = await errorsWhileResizing(h.page, width);
        assert.deepEqual(errors, []);
        assert.deepEqual(h.problems, []);
      } finally {
        await h.close();
      }
    },
  );
}

/** Pixels of the playground canvas within 12 of each channel of `hex` (a move's colour). */
async function colourCount(h: Harness, hex: string): Promise<number> {
  return h.page.locator('canvas.pg-canvas').evaluate((c, want) => {
    const canvas = c as HTMLCanvasElement;
    const d = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(want.slice(i, i + 2), 16));
    let n = 0;
    if (d)
      for (let i = 0; i < d.length; i += 4)
        if (
          d[i + 3] > 200 &&
          Math.abs(d[i] - r) <= 12 &&
          Math.abs(d[i + 1] - g) <= 12 &&
          Math.abs(d[i + 2] - b) <= 12
        )
          n++;
    return n;
  }, hex);
}

// The dark theme's Okabe–Ito accept, reject and path colours (webview/charts.ts).
const ACCEPT = '#56b4e9',
  REJECT = '#e69f00',
  PATH = '#009e73';

test('MH, slice and HMC moves are drawn in their colours, in 1-D and 2-D', { skip }, async () => {
  const h = await openHarness(browser(), { theme: 'dark', width: 300, height: 1000 });
  try {
    await h.send(init);
    await h.send({ type: 'showTab', tab: 'sampling' });
    await h.page.locator('.playground').scrollIntoViewIfNeeded();
    const show = async (trace: ReturnType<typeof traceSteps>, move: number): Promise<void> => {
      await h.send({ type: 'stepTrace', trace });
      await settle(h.page);
      for (let i = 0; i <= move; i++) await h.page.locator('.pg-step').click();
      assert.match(await caption(h), new RegExp(`^move ${move + 1} of`));
    };
    for (const expr of ['exp(-x^2/2) * (1 + sin(3x)^2)', 'exp(-x^2/2 - (y - x^2)^2)']) {
      const dims = expr.includes('y') ? '2-D' : '1-D';
      // MH: an accepted proposal in blue, a rejected one in orange, nothing else in either.
      const mh = traceSteps({ expr, sampler: 'mh', n: 40, chains: 1, seed: 3, warmup: 200 }, 40);
      const acc = mh.steps.findIndex((s) => s.sampler === 'mh' && s.accepted);
      const rej = mh.steps.findIndex((s) => s.sampler === 'mh' && !s.accepted);
      assert.ok(acc >= 0 && rej >= 0, `${dims} MH has both kinds of move`);
      await show(mh, acc);
      assert.match(await caption(h), /: accepted$/);
      assert.ok((await colourCount(h, ACCEPT)) > 20, `${dims} MH accepted in blue`);
      assert.equal(await colourCount(h, REJECT), 0, `${dims} MH accepted: no orange`);
      await show(mh, rej);
      assert.match(await caption(h), /: rejected, the chain stays$/);
      assert.ok((await colourCount(h, REJECT)) > 20, `${dims} MH rejected in orange`);
      assert.equal(await colourCount(h, ACCEPT), 0, `${dims} MH rejected: no blue`);
      // Slice: the stepped-out bracket in green, the point kept in blue.
      const slice = traceSteps(
        { expr, sampler: 'slice', n: 5, chains: 1, seed: 3, warmup: 200 },
        5,
      );
      await show(slice, 2);
      assert.ok((await colourCount(h, PATH)) > 60, `${dims} slice bracket in green`);
      assert.ok((await colourCount(h, ACCEPT)) > 20, `${dims} slice's new point in blue`);
      // HMC: the leapfrog path in green, its end in the colour of its fate.
      const hmc = traceSteps({ expr, sampler: 'hmc', n: 5, chains: 1, seed: 3, warmup: 200 }, 5);
      const step = hmc.steps[2];
      assert.ok(step.sampler === 'hmc');
      await show(hmc, 2);
      assert.ok((await colourCount(h, PATH)) > 20, `${dims} HMC path in green`);
      assert.ok(
        (await colourCount(h, step.accepted ? ACCEPT : REJECT)) > 20,
        `${dims} HMC end drawn`,
      );
    }
    assert.deepEqual(h.problems, []);
  } finally {
    await h.close();
  }
});

// Renders the panel in headless Chromium with fixture data in each theme and saves screenshots
// (to look at by eye). Usage: npx tsx test/browser/screenshots.ts [outDir]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SUMMARY_VIEW, summaryPage } from '../../src/common/summaryTable';
import type { HostToWebview } from '../../src/common/messages';
import type { SampleResult, SamplerName } from '../../src/sampling/types';
import { runSampler } from '../../src/sampling';
import { traceSteps } from '../../src/sampling/steps';
import { GALLERY_2D } from '../../src/common/gallery2d';
import {
  modelSummary,
  sampleResult1d,
  sampleResult2d,
  storedRun,
  trainStream,
} from '../unit/panel/fixtures';

/** Real results from the samplers (in-process), so the screenshots show what users will see. */
async function realSamples(): Promise<SampleResult[]> {
  const out: SampleResult[] = [];
  const expr = 'exp(-x^2/2) * (1 + sin(3x)^2)';
  for (const sampler of ['rejection', 'mh', 'nuts'] as SamplerName[]) {
    out.push(
      await runSampler(
        { expr, sampler, n: 20000, chains: 4, seed: 42, runId: `real-${sampler}` },
        { onProgress: () => undefined },
      ),
    );
  }
  out.push(
    await runSampler(
      {
        expr: 'exp(-(x^2 - 1.4*x*y + y^2))',
        sampler: 'nuts',
        n: 3000,
        chains: 4,
        seed: 42,
        runId: 'real-2d',
      },
      { onProgress: () => undefined },
    ),
  );
  return JSON.parse(JSON.stringify(out)) as SampleResult[];
}
import { chromiumAvailable, launch, openHarness, settle, type ThemeKind } from './harness';

async function main(): Promise<void> {
  if (!chromiumAvailable()) {
    console.log('skipped: /usr/bin/chromium is not installed');
    return;
  }
  const out = process.argv[2] ?? 'test-results/panel';
  mkdirSync(out, { recursive: true });
  const real = process.argv.includes('--fixtures') ? null : await realSamples();
  const browser = await launch();
  try {
    const only = process.argv.slice(3).find((a) => !a.startsWith('--'));
    const themes = (['dark', 'light', 'high-contrast'] as ThemeKind[]).filter(
      (t) => !only || t === only,
    );
    for (const theme of themes) {
      for (const editor of [false, true]) {
        const hz = await openHarness(browser, {
          theme,
          editor,
          width: editor ? 1100 : 300,
          height: 1000,
        });
        const init: HostToWebview = {
          type: 'init',
          // A finished run with its evaluation (confusion matrix, per-class bars, mistakes).
          runs: [storedRun('run-a', undefined, { rich: true, lr: 0.001, seed: 42 })],
          samples: real ?? [
            sampleResult1d('s1', 'rejection'),
            sampleResult1d('s2', 'mh', { rhat: 1.03 }),
            sampleResult2d('s3'),
          ],
          summary: summaryPage(
            modelSummary(),
            '/home/user/project/examples/mnist_cnn.py',
            DEFAULT_SUMMARY_VIEW,
          ),
          defaults: {
            sampler: 'nuts',
            n: 5000,
            chains: 4,
            seed: 42,
            expr: 'exp(-x^2/2) * (1 + sin(3x)^2)',
            epochs: 3,
            limit: 0,
          },
        };
        await hz.send(init);
        // A live run half-way through.
        const live = trainStream('run-live', { trainSize: 60000, epochs: 1 });
        const half = live.filter((e) => e.event !== 'done').slice(0, 1400);
        await hz.sendMany(half.map((event) => ({ type: 'trainEvent', event })));
        await settle(hz.page);
        const tag = `${theme}${editor ? '-editor' : ''}`;
        await hz.page.screenshot({ path: join(out, `training-${tag}.png`), fullPage: true });
        await hz.page.locator('vscode-tab-header').nth(1).click();
        // A job in flight: its card shows progress and the draws so far.
        const tr = (c: number): number[] =>
          Array.from(
            { length: 600 },
            (_, i) => Math.sin(i / (20 + 7 * c)) * 1.5 + Math.cos(i / 3.1 + c) * 0.6,
          );
        await hz.sendMany([
          {
            type: 'sampleStart',
            params: {
              expr: 'exp(-abs(x)) * (2 + cos(5x))',
              sampler: 'slice',
              n: 250000,
              chains: 4,
              seed: 42,
              runId: 'live-job',
            },
          },
          ...[0, 1, 2, 3].map((c) => ({
            type: 'sampleProgress',
            event: {
              event: 'progress',
              runId: 'live-job',
              chain: c,
              start: 0,
              x: tr(c),
              done: 150000,
              total: 252000,
              phase: 'sampling',
              stride: 250,
            },
          })),
        ]);
        await hz.send({
          type: 'exprCheck',
          expr: 'exp(-x^2/2) * (1 + sin(3x)^2)',
          result: { ok: true, dims: 1 },
        });
        await settle(hz.page);
        await hz.page.waitForTimeout(300);
        await hz.page.screenshot({ path: join(out, `sampling-${tag}.png`), fullPage: true });
        // The first screenful at full resolution, for reading the form and the first card.
        await hz.page.screenshot({
          path: join(out, `sampling-${tag}-top.png`),
          clip: { x: 0, y: 0, width: editor ? 1100 : 300, height: 1000 },
        });
        // The playground on two gallery targets: the banana at equal scales on x and y, and the
        // funnel, whose 60 × 8 range is drawn at the capped aspect.
        for (const name of ['banana', 'funnel']) {
          const gi = GALLERY_2D.findIndex((t) => t.name === name);
          const g = GALLERY_2D[gi];
          if (!g) continue;
          // The form shows the target the trace is of, as after a Record.
          await hz.page.locator('select[aria-label="gallery target"]').selectOption(String(gi));
          const trace = traceSteps(
            {
              expr: g.expr,
              sampler: 'nuts',
              n: 100,
              chains: 1,
              seed: 1,
              warmup: 200,
              range: g.range,
              rangeY: g.rangeY,
            },
            20,
          );
          await hz.send({ type: 'stepTrace', trace });
          await settle(hz.page);
          for (let i = 0; i < 8; i++) await hz.page.locator('.pg-step').click();
          await hz.page.locator('.playground').screenshot({
            path: join(out, `playground-${name}-${tag}.png`),
          });
        }
        await hz.page.locator('vscode-tab-header').nth(2).click();
        await settle(hz.page);
        await hz.page.screenshot({ path: join(out, `summary-${tag}.png`), fullPage: true });
        console.log(tag, hz.problems.length ? hz.problems : 'no problems');
        await hz.close();
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

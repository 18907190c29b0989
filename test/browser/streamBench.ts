// The measurements of bench/panel.bench.ts, run as their own process (the bench's type-check has no
// DOM, this file's has): prints one JSON line with, per layout and rate, the idle and streaming
// frame statistics and the loss chart's segments per redraw per pixel of its width.
import { chromiumAvailable, launch, openHarness } from './harness';
import { frameStats, idleFrames, streamLoss } from './streamLoss';

async function main(): Promise<void> {
  if (!chromiumAvailable()) {
    process.stdout.write(JSON.stringify({ skipped: 'needs /usr/bin/chromium' }) + '\n');
    return;
  }
  const browser = await launch();
  const rows: {
    layout: string;
    perFrame: number;
    idle: ReturnType<typeof frameStats>;
    streaming: ReturnType<typeof frameStats>;
    segmentsPerPixel: number;
  }[] = [];
  try {
    for (const [layout, width, editor] of [
      ['side bar, 300 px', 300, false],
      ['editor tab, 1100 px', 1100, true],
    ] as const) {
      for (const [points, perFrame] of [
        [20_000, 100],
        [100_000, 1000],
      ] as const) {
        const h = await openHarness(browser, { theme: 'dark', width, editor, height: 900 });
        try {
          const idle = frameStats(await idleFrames(h, 120));
          const r = await streamLoss(h, points, perFrame);
          rows.push({
            layout,
            perFrame,
            idle,
            streaming: frameStats(r.frames),
            segmentsPerPixel: Math.max(0, ...r.draws) / r.width,
          });
        } finally {
          await h.close();
        }
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify({ rows }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});

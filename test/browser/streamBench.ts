// The measurements of bench/panel.bench.ts, run as their own process (the bench's type-check has no
// DOM, this file's has): prints one JSON line with, per layout and rate, the idle and streaming
// frame statistics and the loss chart's segments per redraw per pixel of its width. The points
// come as the host sends a burst (one trainBatches message per frame), and once more at 1,000 per
// frame as one message each, as the host sent them before it coalesced them.
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
    oneByOne: boolean;
    idle: ReturnType<typeof frameStats>;
    streaming: ReturnType<typeof frameStats>;
    segmentsPerPixel: number;
    redrawsPerSec: number;
  }[] = [];
  try {
    for (const [layout, width, editor] of [
      ['side bar, 300 px', 300, false],
      ['editor tab, 1100 px', 1100, true],
    ] as const) {
      for (const [points, perFrame, oneByOne] of [
        [20_000, 100, false],
        [100_000, 1000, false],
        [100_000, 1000, true],
      ] as const) {
        const h = await openHarness(browser, { theme: 'dark', width, editor, height: 900 });
        try {
          const idle = frameStats(await idleFrames(h, 120));
          const r = await streamLoss(h, points, perFrame, 'stream', oneByOne);
          rows.push({
            layout,
            perFrame,
            oneByOne,
            idle,
            streaming: frameStats(r.frames),
            segmentsPerPixel: Math.max(0, ...r.draws) / r.width,
            redrawsPerSec: r.draws.length / (r.frames.reduce((a, b) => a + b, 0) / 1000),
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

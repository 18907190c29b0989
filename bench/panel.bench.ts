// The Training tab while a run streams in, in headless Chromium under the extension's HTML and CSP
// (the browser tests' harness, run by test/browser/streamBench.ts in its own process): frame
// durations while the page absorbs 100 loss points per frame (6,000 a second, beyond any real run)
// and 1,000 per frame, against the same page's idle frames measured in the same run, in the 300 px
// side bar and the 1100 px editor tab. The points arrive as the host sends a burst (one
// trainBatches message per frame); a last row per layout sends 1,000 a frame as one message each,
// as before the host coalesced them. Target (issue 18, "charts keep 60 fps while streaming"): the
// median streaming frame at 100 and at 1,000 points per frame within 1.1× the idle frame. The
// charts take at most half the page's time (webview/trainingView.ts), so on a loaded machine they
// redraw less often than every frame: the loss chart's redraws per second say how often. Also the line segments
// one redraw of the loss chart draws per pixel of its width (Chart.js's decimation keeps it near 2:
// two lines, one point per pixel column each). Skipped without Debian's /usr/bin/chromium.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './run';

const TARGET_RATIO = 1.1;

interface Stats {
  median: number;
  p95: number;
}
interface Row {
  layout: string;
  perFrame: number;
  oneByOne: boolean;
  idle: Stats;
  streaming: Stats;
  segmentsPerPixel: number;
  redrawsPerSec: number;
}

export async function run(): Promise<BenchSection> {
  const title = 'Panel: frames while training streams in';
  const root = join(__dirname, '..');
  const p = spawnSync(process.execPath, ['--import', 'tsx', 'test/browser/streamBench.ts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  if (p.status !== 0) throw new Error(`streamBench failed: ${p.stderr}`);
  const out = JSON.parse(p.stdout.trim().split('\n').pop() ?? '{}') as {
    skipped?: string;
    rows?: Row[];
  };
  if (out.skipped || !out.rows) return { title, markdown: `Skipped: ${out.skipped ?? 'no rows'}.` };
  const rows = out.rows.map(
    (r) =>
      `| ${r.layout} | ${r.perFrame} | ${r.oneByOne ? `${r.perFrame} messages` : '1 message'} | ${r.idle.median.toFixed(1)} | ${r.streaming.median.toFixed(1)} | ${r.streaming.p95.toFixed(1)} | ${(r.streaming.median / r.idle.median).toFixed(2)} | ${r.redrawsPerSec.toFixed(0)} | ${r.segmentsPerPixel.toFixed(2)} |`,
  );
  const verdicts = out.rows
    .filter((r) => !r.oneByOne)
    .map((r) => {
      const ratio = r.streaming.median / r.idle.median;
      return `- ${r.layout}: median frame ${ratio.toFixed(2)}× idle at ${r.perFrame} points per frame — ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'} (target ≤ ${TARGET_RATIO}×)`;
    });
  const markdown = [
    `Load average at the end: ${loadavg()[0].toFixed(1)}.`,
    '',
    '| layout | points per frame | sent as | idle median ms | streaming median ms | streaming p95 ms | median ÷ idle | loss chart redraws per s | segments per redraw ÷ width px |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...verdicts,
  ].join('\n');
  return { title, markdown };
}

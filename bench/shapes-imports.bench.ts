// Imports' speed: a file whose model wraps torchvision.models.resnet18, read where Debian installs
// torchvision. Its first analysis in a fresh process (every imported file read, parsed and its top
// level run), the second (the top levels kept, src/shapes/modules/store.ts), a second file importing
// the same package, and the ratio of an analysis that runs the imports' top levels again (their parses
// kept: what every analysis did before) to one that reuses them, measured interleaved in one worker.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import type { BenchSection } from './run';
import type { ImportsJob, ImportsResult } from './shapes-imports.worker';
import { DEBIAN_SITE as SITE, WRAP_RESNET } from './wrapResnet';

const RUNS = 15;

const OTHER = `import torch
import torch.nn as nn
from torchvision.models import resnet18


class Other(nn.Module):
    def __init__(self):
        super().__init__()
        self.r = resnet18(num_classes=7)

    def forward(self, x):
        return self.r(x)


Other()(torch.randn(2, 3, 64, 64))
`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<BenchSection> {
  const title = 'Imports: a model wrapping torchvision.models.resnet18';
  if (!existsSync(join(SITE, 'torchvision', 'models', 'resnet.py')))
    return {
      title,
      markdown: 'Skipped: python3-torchvision is not installed (bash scripts/setup-python.sh).',
    };
  const dir = mkdtempSync(join(tmpdir(), 'tensor-lens-bench-'));
  const load0 = loadavg()[0];
  try {
    const script = join(dir, 'imports-worker.js');
    await build({
      entryPoints: [join(__dirname, 'shapes-imports.worker.ts')],
      outfile: script,
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'warning',
    });
    const job: ImportsJob = {
      files: [
        { path: join(dir, 'wrap.py'), src: WRAP_RESNET },
        { path: join(dir, 'other.py'), src: OTHER },
      ],
      library: [SITE],
      runs: RUNS,
    };
    const r = await new Promise<ImportsResult>((resolve, reject) => {
      const w = new Worker(script);
      w.once('message', (m: ImportsResult) => {
        resolve(m);
        void w.terminate();
      });
      w.once('error', reject);
      w.postMessage(job);
    });
    const ms = (x: number): string => `${x.toFixed(0)} ms`;
    const rerun = median(r.rerun);
    const kept = median(r.kept);
    const load1 = loadavg()[0];
    const md = [
      '| analysis | time |',
      '|---|---:|',
      `| wrap.py, first in a fresh worker (torchvision read, parsed, run) | ${ms(r.first[0])} |`,
      `| wrap.py, second | ${ms(r.second[0])} |`,
      `| other.py (\`from torchvision.models import resnet18\`), after wrap.py | ${ms(r.first[1])} |`,
      `| other.py, second | ${ms(r.second[1])} |`,
      `| wrap.py, imports' top levels run again (parses kept), median of ${RUNS} | ${ms(rerun)} |`,
      `| wrap.py, top levels kept, median of ${RUNS} | ${ms(kept)} |`,
      '',
      `Ratio run again / kept: ${(rerun / kept).toFixed(1)}× (target ≥ 2×: ${rerun / kept >= 2 ? 'met' : 'missed'}). Results identical kept or not: ${r.same ? 'yes' : 'NO'} (${r.outputs[0]}). The two are interleaved in one worker thread running the engine bundled as dist/ is. Load average ${load0.toFixed(1)} → ${load1.toFixed(1)} on ${cpus().length} cores.`,
    ];
    return { title, markdown: md.join('\n') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

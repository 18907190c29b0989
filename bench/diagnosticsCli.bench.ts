// Diagnostics against sampling as the user sees them: `tensor-lens sample "<note density>" --sampler
// mh --n 4000000 --chains 1 --json`, each run a fresh process of the built CLI, so every long loop
// meets V8's warm-up once, as it does for the user (diagnostics.bench.ts's best of three in one
// process hides that). The ratio is the CLI's own `diagnosticsSeconds / seconds` (wall, both from the
// same run). The process's CPU time (all its threads, start-up included) comes from a preload that
// writes process.cpuUsage() to stderr at exit, so the CLI itself is not changed for the bench.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './run';

const root = join(__dirname, '..');
// Another build's CLI (a before/after comparison) through TENSOR_LENS_BENCH_CLI.
const CLI = process.env.TENSOR_LENS_BENCH_CLI ?? join(root, 'bin', 'tensor-lens.js');
const EXPR = 'exp(-x^2/2) * (1 + sin(3x)^2)';
const N = 4_000_000;
const RUNS = 5;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Run {
  sampling: number;
  diagnostics: number;
  cpu: number;
}

function runOnce(sampler: string, preload: string): Run {
  const p = spawnSync(
    process.execPath,
    [
      '--require',
      preload,
      CLI,
      'sample',
      EXPR,
      '--sampler',
      sampler,
      '--n',
      String(N),
      '--chains',
      '1',
      '--json',
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (p.status !== 0 && p.status !== 1)
    throw new Error(
      `tensor-lens sample exited ${p.status}: ${p.stderr.trim().split('\n').pop() ?? ''}`,
    );
  const r = JSON.parse(p.stdout) as { seconds: number; diagnosticsSeconds: number };
  const m = /^cpu-us (\d+)$/m.exec(p.stderr);
  return {
    sampling: r.seconds,
    diagnostics: r.diagnosticsSeconds,
    cpu: m ? Number(m[1]) / 1e6 : NaN,
  };
}

export async function run(): Promise<BenchSection> {
  if (!existsSync(join(CLI, '..', '..', 'dist', 'cli.js')))
    return {
      title: 'Sampling diagnostics, fresh CLI process',
      markdown: 'dist/ missing: run `npm run build` first.',
    };
  const dir = mkdtempSync(join(tmpdir(), 'tl-diag-cli-'));
  const preload = join(dir, 'cpu.cjs');
  writeFileSync(
    preload,
    "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\ncpu-us ' + (u.user + u.system) + '\\n'); });\n",
  );
  const rows = [
    `| sampler (note density, 1 chain × ${N / 1e6} M draws, ${RUNS} fresh processes) | sampling s (median) | diagnostics s (median) | diag / sampling best | diag / sampling median | process CPU s (median) | load (1 min) | target ≤ 1× (median) |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  try {
    for (const sampler of ['mh', 'inverse-cdf']) {
      const load0 = loadavg()[0];
      const runs = Array.from({ length: RUNS }, () => runOnce(sampler, preload));
      const ratios = runs.map((r) => r.diagnostics / r.sampling);
      const med = median(ratios);
      rows.push(
        `| ${sampler} | ${median(runs.map((r) => r.sampling)).toFixed(3)} | ${median(runs.map((r) => r.diagnostics)).toFixed(3)} | ${Math.min(...ratios).toFixed(2)}× | ${med.toFixed(2)}× | ${median(runs.map((r) => r.cpu)).toFixed(2)} | ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)} | ${med <= 1 ? 'meets' : 'misses'} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { title: 'Sampling diagnostics, fresh CLI process', markdown: rows.join('\n') };
}

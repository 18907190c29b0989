// Start-up of the command line as a user runs it: `tensor-lens --help` and `tensor-lens shapes` on a
// typical file (examples/mnist_cnn.py), each a fresh process of the built dist/cli.js, against
// `node -e 0` in the same run (interleaved, so load on a shared machine hits all of them alike).
// Targets (issue 14): ≤ 100 ms wall each, which on a machine where Node starts in 60 ms is a ratio
// of ≤ 1.67 to `node -e 0`; the ratio is the verdict that survives a loaded machine.
// Imports (issue 17), without targets: a file importing the standard library (never asks a Python),
// and one wrapping torchvision.models.resnet18 (asks /usr/bin/python3 for its sys.path once, then
// reads torchvision in place), beside what that Python alone takes to start.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchSection } from './run';
import { WRAP_RESNET } from './wrapResnet';

const root = join(__dirname, '..');
const RUNS = 21;
const TARGET_MS = 100;
const TARGET_RATIO = TARGET_MS / 60;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const PYTHON = '/usr/bin/python3';
/** Rounds of the slow import cases (each takes seconds): the first is the warm-up, as for the rest. */
const SLOW_ROUNDS = 6;

const STDLIB_FILE = `import os
import json
import argparse
import torch
import torch.nn as nn

ROOT = os.path.join(os.path.dirname(__file__), 'data')


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)


Net()(torch.randn(3, 4))
`;

export async function run(): Promise<BenchSection> {
  const cli = join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing; run npm run build');
  const typical = join('examples', 'mnist_cnn.py');
  const lines = readFileSync(join(root, typical), 'utf8').trimEnd().split('\n').length;
  const dir = mkdtempSync(join(tmpdir(), 'tensor-lens-startup-'));
  try {
    return measure(cli, typical, lines, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Case {
  name: string;
  args: string[];
  target: boolean;
  /** The program run (default: this Node). */
  cmd?: string;
  /** Rounds it takes part in (default: all). */
  rounds?: number;
}

function measure(cli: string, typical: string, lines: number, dir: string): BenchSection {
  const stdlibFile = join(dir, 'stdlib_net.py');
  writeFileSync(stdlibFile, STDLIB_FILE);
  const resnetFile = join(dir, 'wrap_resnet.py');
  writeFileSync(resnetFile, WRAP_RESNET);
  const tv = existsSync('/usr/lib/python3/dist-packages/torchvision/models/resnet.py');
  const cases: Case[] = [
    { name: '`node -e 0` (baseline)', args: ['-e', '0'], target: false },
    { name: '`tensor-lens --help`', args: [cli, '--help'], target: true },
    {
      name: `\`tensor-lens shapes ${typical}\` (${lines} lines)`,
      args: [cli, 'shapes', typical],
      target: true,
    },
    {
      name: '`tensor-lens sample --help` (the samplers and mathjs are not loaded)',
      args: [cli, 'sample', '--help'],
      target: false,
    },
    {
      name: '`tensor-lens train --help` (loads the tfjs bundle)',
      args: [cli, 'train', '--help'],
      target: false,
    },
    {
      name: '`tensor-lens shapes stdlib_net.py` (imports os, json, argparse: no Python asked)',
      args: [cli, 'shapes', stdlibFile, '--python', join(dir, 'no-python')],
      target: false,
    },
    ...(tv && existsSync(PYTHON)
      ? [
          {
            name: `\`${PYTHON} -c "import sys"\` (the Python's own start-up)`,
            cmd: PYTHON,
            args: ['-c', 'import sys'],
            target: false,
          },
          {
            name: `\`tensor-lens shapes wrap_resnet.py --python ${PYTHON}\` (torchvision.models.resnet18, read in place)`,
            args: [cli, 'shapes', resnetFile, '--python', PYTHON],
            target: false,
            rounds: SLOW_ROUNDS,
          },
        ]
      : []),
  ];
  const times = cases.map((): number[] => []);
  const load = loadavg()[0];
  for (let i = 0; i < RUNS; i++) {
    cases.forEach((c, k) => {
      if (i >= (c.rounds ?? RUNS)) return;
      const t0 = performance.now();
      const r = spawnSync(c.cmd ?? process.execPath, c.args, {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const ms = performance.now() - t0;
      if (r.status !== 0)
        throw new Error(`${c.name} exited ${r.status}: ${r.stderr.toString().split('\n')[0]}`);
      // The first round warms the file system cache and is not counted.
      if (i > 0) times[k].push(ms);
    });
  }
  const base = median(times[0]);
  const rows = [
    `| command (fresh process, median of ${RUNS - 1}; slow import cases ${SLOW_ROUNDS - 1}) | wall | over \`node -e 0\` | ratio to \`node -e 0\` | target |`,
    '|---|---:|---:|---:|---|',
    ...cases.map((c, k) => {
      const m = median(times[k]);
      const ratio = m / base;
      const verdict = !c.target
        ? ''
        : `≤ ${TARGET_MS} ms: ${m <= TARGET_MS ? 'met' : 'missed'}; ratio ≤ ${TARGET_RATIO.toFixed(2)}: ${ratio <= TARGET_RATIO ? 'met' : 'missed'}`;
      return `| ${c.name} | ${m.toFixed(0)} ms | ${k === 0 ? '' : `${(m - base).toFixed(0)} ms`} | ${ratio.toFixed(2)} | ${verdict} |`;
    }),
  ];
  const note = `Load average at the start: ${load.toFixed(2)}. dist/cli.js holds only the usage and the dispatch; each subcommand is its own bundle (dist/cli-shapes.js, cli-train.js, cli-sample.js), required when it runs, so \`--help\` and \`shapes\` never parse tfjs; cli-sample.js requires the samplers (dist/cli-sampling-engine.js, with mathjs) only once it has a density to sample. The import rows have no target: stdlib_net.py is given a --python that does not exist, and would print its reason had it been asked (standard-library names are never looked for in the site folders, src/shapes/modules/stdlib.ts); wrap_resnet.py pays the Python's start-up once (its sys.path, kept for the process, not on disk: which interpreter \`python3\` is and what its sys.path holds depend on PATH, the current folder (pyenv's .python-version), an activated virtualenv, PYTHONPATH and .pth files, none of which a cache could check without running Python) and reads, parses and runs torchvision's files in place.`;
  return { title: 'Command-line start-up', markdown: rows.join('\n') + '\n\n' + note };
}

// Activation must stay fast and must not load tfjs: measured by loading dist/extension.js (the real
// bundle) against a stand-in `vscode` module, compared in the same run with what loading tfjs costs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createContext, installFakeVscode, uninstallFakeVscode } from '../test/support/vscode';
import type { BenchSection } from './run';

const root = join(__dirname, '..');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<BenchSection> {
  const bundle = join(root, 'dist', 'extension.js');
  if (!existsSync(bundle)) throw new Error('dist/extension.js is missing; run npm run build');
  installFakeVscode();
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    delete require.cache[bundle];
    const t0 = performance.now();
    const ext = require(bundle) as { activate(ctx: unknown): void; deactivate(): void };
    ext.activate(createContext(root));
    times.push(performance.now() - t0);
    ext.deactivate();
  }
  uninstallFakeVscode();
  const tfLoaded = Object.keys(require.cache).some((k) => k.includes('@tensorflow'));
  const bundleHasTf = /registerKernel|tfjs-core/.test(readFileSync(bundle, 'utf8'));
  const t0 = performance.now();
  require('@tensorflow/tfjs');
  const tfMs = performance.now() - t0;
  const act = median(times);
  const size = readFileSync(bundle).length;
  const rows = [
    '| measure | value |',
    '|---|---|',
    `| activation (require dist/extension.js + activate), median of 15 | ${act.toFixed(2)} ms |`,
    `| loading @tensorflow/tfjs once, for comparison | ${tfMs.toFixed(1)} ms |`,
    `| ratio activation / tfjs load | ${(act / tfMs).toFixed(3)} |`,
    `| extension bundle size | ${(size / 1024).toFixed(0)} KiB |`,
    `| tfjs loaded by activation | ${tfLoaded ? '**yes (defect)**' : 'no'} |`,
    `| tfjs code inside the extension bundle | ${bundleHasTf ? '**yes (defect)**' : 'no'} |`,
  ];
  return { title: 'Activation', markdown: rows.join('\n') };
}

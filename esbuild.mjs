// Bundles into dist/: extension (node, cjs), worker and its gradient sub-worker (node), cli (node: a
// small entry and one bundle per subcommand), webview (browser).
// `--production` minifies and drops source maps; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};
const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // vscode is provided by the host; tfjs-node is optional and native, loaded at run time when present.
  external: ['vscode', '@tensorflow/tfjs-node'],
};

// The CLI's entry (dist/cli.js) is only usage and dispatch; each subcommand is a bundle of its own
// that the entry requires when that subcommand runs, so `--help` and `shapes` never parse tfjs.
const CLI_COMMANDS = ['shapes', 'train', 'sample', 'follow'];
const lazyCliCommands = {
  name: 'lazy-cli-commands',
  setup(build) {
    build.onResolve({ filter: /^\.\/cli\/(shapes|train|sample)$/ }, (args) =>
      args.importer.endsWith(join('src', 'cli.ts'))
        ? { path: `./cli-${args.path.slice('./cli/'.length)}.js`, external: true }
        : undefined,
    );
  },
};

// `tensor-lens sample` requires the samplers (mathjs) from their own bundle once it has a density to
// sample, so its --help parses none of them.
const lazySamplingEngine = {
  name: 'lazy-sampling-engine',
  setup(build) {
    build.onResolve({ filter: /^\.\/samplingEngine$/ }, () => ({
      path: './cli-sampling-engine.js',
      external: true,
    }));
  },
};

const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/worker/main.ts'], outfile: 'dist/worker.js' },
  // Gradient sub-workers of a training run (src/training/shards.ts starts them next to worker.js).
  { ...node, entryPoints: ['src/training/gradWorker.ts'], outfile: 'dist/gradWorker.js' },
  // The helper thread of a sampling run's diagnostics (src/sampling/summarizeThreads.ts starts it
  // next to the CLI's engine bundle or worker.js). Minified: it is parsed at every large run.
  {
    ...node,
    minify: true,
    entryPoints: ['src/sampling/summaryWorker.ts'],
    outfile: 'dist/summaryWorker.js',
  },
  // No native import(): esbuild writes the subcommand loads as require(), which skips Node's ESM loader.
  {
    ...node,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    plugins: [lazyCliCommands],
    supported: { 'dynamic-import': false },
  },
  // Minified in every build, with the source map kept in development: `npx tensor-lens` runs the
  // development build that `npm install` makes, and compiling the bundle is most of its start-up.
  ...CLI_COMMANDS.map((c) => ({
    ...node,
    minify: true,
    entryPoints: [`src/cli/${c}.ts`],
    outfile: `dist/cli-${c}.js`,
    ...(c === 'sample'
      ? { plugins: [lazySamplingEngine], supported: { 'dynamic-import': false } }
      : {}),
  })),
  {
    ...node,
    minify: true,
    entryPoints: ['src/cli/samplingEngine.ts'],
    outfile: 'dist/cli-sampling-engine.js',
  },
  {
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

mkdirSync('dist', { recursive: true });
// tfjs-backend-wasm reads its .wasm binaries from a path we set with setWasmPaths(dist/).
const wasmDir = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
for (const f of readdirSync(wasmDir))
  if (f.endsWith('.wasm')) cpSync(join(wasmDir, f), join('dist', f));

if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(ctxs.map((c) => c.watch()));
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

// Python text cannot crash, hang or exhaust the shape engine: one fixture per class of runaway
// (allocation bombs of each kind, endless and long loops, huge ranges and ModuleLists, deep recursion,
// self-nesting lists, comprehension bombs), each with its expected outcome: unknown with the reason,
// or the exact value. The engine runs in a worker thread with a small heap and a timeout, so a
// regression fails its fixture (out of memory, timeout) instead of killing the test runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EngineClient, EngineError } from '../../src/worker/client';
import type { AnalysisResult, Shape } from '../../src/shapes/types';
import type { AnalyzeJob, AnalyzeReply } from './shapes-resources/analyze-worker';

const DIR = join(__dirname, 'shapes-resources');
/** Far above what any fixture needs (the engine's element budget is 1 M references, 8 MB). */
const HEAP_MB = 256;
/** Per fixture; a regression that loops for ever ends here. Not a speed target. */
const TIMEOUT_MS = 60_000;

/** A layer's expected output: an exact shape, or unknown with a reason matching the pattern. */
type LayerExpect = Shape | RegExp;

interface Expect {
  model: string;
  /** By layer name (named_modules path). */
  layers?: Record<string, LayerExpect>;
  params?: number;
  output?: Shape;
  /** The budget limit reached first, or undefined when none is. */
  exceeded?: 'steps' | 'elements';
  /** Line of the info diagnostic where the budget stopped a statement. */
  stoppedAt?: number;
}

const BUDGET =
  /share of the analysis budget, [\d,]+ steps \(it loops or recurses more than the analyser follows\)/;
const tooLarge = (what: string, size: string): RegExp =>
  new RegExp(
    `${what} of ${size} elements is too large to analyse \\(the analyser's budget is 1,000,000 elements per file`,
  );

const EXPECT: Record<string, Expect> = {
  'list_doubling.py': {
    model: 'model',
    layers: { '0': tooLarge('a list concatenation', '[\\d,]+') },
    exceeded: 'elements',
  },
  'list_repeat.py': {
    model: 'model',
    layers: { '0': tooLarge('a repeated list', '1,000,000,000') },
    exceeded: 'elements',
  },
  'list_repeat_loop.py': {
    model: 'model',
    layers: { '0': tooLarge('a repeated list', '1,000,000') },
    exceeded: 'elements',
  },
  'spread_doubling.py': {
    model: 'model',
    layers: { '0': tooLarge('an unpacked sequence', '[\\d,]+') },
    exceeded: 'elements',
  },
  'str_repeat.py': {
    model: 'model',
    layers: { '0': tooLarge('a repeated string', '100,000,000') },
    exceeded: 'elements',
  },
  'str_doubling.py': {
    model: 'model',
    layers: {
      '0': tooLarge('a string concatenation', '[\\d,]+'),
      '1': tooLarge('an f-string', '[\\d,]+'),
    },
    exceeded: 'elements',
  },
  'tensor_unpack.py': {
    model: 'model',
    layers: {
      '0': /unpacks a tensor of 1000000000 rows, more than the analyser enumerates/,
      '1': tooLarge('unbind\\(\\)', '1,000,000,000'),
      '2': tooLarge('split\\(\\)', '1,000,000,000'),
      '3': /split\(\) with a size below 1/,
    },
    exceeded: 'elements',
  },
  // PyTorch 1.13: n after `while True: n += 1` is nothing at all; the analyser's cap must not become 100,001.
  'endless_while.py': {
    model: 'model',
    layers: { '0': /assigned in a while loop still running after 100,000 iterations \(line 5\)/ },
  },
  'long_while.py': { model: 'model', layers: { '0': BUDGET }, exceeded: 'steps', stoppedAt: 5 },
  'huge_range.py': {
    model: 'model',
    layers: {
      '0': /range\(\) of 10,000,000 items is longer than the 100,000 the analyser enumerates/,
    },
  },
  // PyTorch 1.13: 20,000 × Linear(10, 10) + Linear(10, 3) = 2,200,033 parameters, output (1, 3).
  'huge_modulelist.py': {
    model: 'Deep',
    params: 2_200_033,
    output: [1, 3],
    layers: { head: [1, 3] },
  },
  'deep_recursion.py': {
    model: 'model',
    layers: { '0': /recursion too deep/ },
    exceeded: 'steps',
    stoppedAt: 16,
  },
  // The grid stops on its share of the steps; each row is over what is left of the elements, but
  // there are exactly 1,000 of them.
  'nested_comprehension.py': {
    model: 'model',
    layers: { '0': [1, 1000], '1': BUDGET, '2': tooLarge('a repeated list', '100,000') },
    exceeded: 'steps',
    stoppedAt: 5,
  },
  'self_nesting.py': { model: 'Net', layers: { fc: [1, 10] }, exceeded: 'steps', stoppedAt: 8 },
  // 10**9 // 2 rows, counted without listing them; the copies run over the elements.
  'slices.py': {
    model: 'model',
    layers: { '0': [1, 50], '1': tooLarge('a slice', '100,000') },
    exceeded: 'elements',
  },
  'big_dict.py': { model: 'model', layers: { '0': BUDGET }, exceeded: 'steps', stoppedAt: 4 },
};

/** Analyses the files one after another in a capped worker, starting a new one after a death. */
async function analyseAll(files: string[]): Promise<Map<string, AnalysisResult | string>> {
  const out = new Map<string, AnalysisResult | string>();
  let worker: Worker | null = null;
  /** Settles the file in flight; the worker's listeners stay attached for its whole life. */
  let settle: ((r: AnalysisResult | string) => void) | null = null;
  const fresh = (): Worker => {
    const w = new Worker(join(DIR, 'analyze-worker.js'), {
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB, maxYoungGenerationSizeMb: 32 },
    });
    w.on('message', (m: AnalyzeReply) =>
      settle?.(m.ok ? m.result : `analyze threw in strict mode: ${m.error}`),
    );
    w.on('error', (e) => settle?.(`the worker died: ${e.message}`));
    w.on('exit', (code) => settle?.(`the worker exited (${code})`));
    return w;
  };
  for (const file of files) {
    const w: Worker = (worker ??= fresh());
    const outcome = await new Promise<AnalysisResult | string>((resolve) => {
      const timer = setTimeout(
        () => settle?.(`no result within ${TIMEOUT_MS / 1000} s`),
        TIMEOUT_MS,
      );
      settle = (r) => {
        settle = null;
        clearTimeout(timer);
        resolve(r);
      };
      w.postMessage({ file, source: readFileSync(join(DIR, file), 'utf8') } satisfies AnalyzeJob);
    });
    if (typeof outcome === 'string') {
      await w.terminate();
      worker = null;
    }
    out.set(file, outcome);
  }
  await worker?.terminate();
  return out;
}

function check(file: string, r: AnalysisResult, e: Expect): string[] {
  const bad: string[] = [];
  const m = r.models.find((x) => x.name === e.model);
  if (!m)
    return [
      `${file}: no model ${e.model} (models: ${r.models.map((x) => x.name).join(', ') || 'none'})`,
    ];
  for (const [name, want] of Object.entries(e.layers ?? {})) {
    const l = m.layers.find((x) => x.name === name);
    if (!l) {
      bad.push(`${file}: no layer ${name}`);
      continue;
    }
    if (want instanceof RegExp) {
      if (l.output !== null)
        bad.push(`${file}: layer ${name} is ${JSON.stringify(l.output)}, expected unknown`);
      else if (!want.test(l.unknownReason ?? ''))
        bad.push(`${file}: layer ${name}'s reason "${l.unknownReason}" does not match ${want}`);
    } else if (JSON.stringify(l.output) !== JSON.stringify(want))
      bad.push(
        `${file}: layer ${name} is ${JSON.stringify(l.output)}, expected ${JSON.stringify(want)}`,
      );
  }
  if (e.params !== undefined && m.params !== e.params)
    bad.push(`${file}: ${m.params} parameters, expected ${e.params}`);
  if (e.output !== undefined && JSON.stringify(m.output) !== JSON.stringify(e.output))
    bad.push(`${file}: output ${JSON.stringify(m.output)}, expected ${JSON.stringify(e.output)}`);
  if (r.budgetExceeded !== e.exceeded)
    bad.push(
      `${file}: budget limit reached: ${r.budgetExceeded ?? 'none'}, expected ${e.exceeded ?? 'none'}`,
    );
  const notes = r.diagnostics.filter((d) => d.code === 'analysis-budget').map((d) => d.line);
  if (e.stoppedAt !== undefined && !notes.includes(e.stoppedAt))
    bad.push(
      `${file}: no analysis-budget diagnostic on line ${e.stoppedAt} (on lines: ${notes.join(', ') || 'none'})`,
    );
  if (e.stoppedAt === undefined && notes.length)
    bad.push(`${file}: unexpected analysis-budget diagnostics on lines ${notes.join(', ')}`);
  if (r.diagnostics.some((d) => d.code === 'internal'))
    bad.push(
      `${file}: internal error: ${r.diagnostics.find((d) => d.code === 'internal')?.message}`,
    );
  return bad;
}

test('every adversarial fixture has an expected outcome, and every expectation a fixture', () => {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.py'))
    .sort();
  assert.deepEqual(files, Object.keys(EXPECT).sort());
});

test(
  'adversarial files end in a small heap with unknown values and their reasons, or exact values',
  { timeout: 20 * TIMEOUT_MS },
  async () => {
    const files = Object.keys(EXPECT).sort();
    const results = await analyseAll(files);
    const failures: string[] = [];
    for (const file of files) {
      const r = results.get(file);
      if (typeof r === 'string' || r === undefined) failures.push(`${file}: ${r ?? 'no result'}`);
      else failures.push(...check(file, r, EXPECT[file]));
    }
    assert.deepEqual(failures, []);
  },
);

test(
  'a runaway analysis ends only the engine worker, which restarts on the next request',
  { timeout: 4 * TIMEOUT_MS },
  async () => {
    const logs: string[] = [];
    const log = {
      debug: () => undefined,
      info: () => undefined,
      warn: (m: string) => logs.push(m),
      error: (m: string) => logs.push(m),
    };
    // The product's limits apart from a smaller old generation, so the test fills it quickly.
    const client = new EngineClient({
      workerPath: join(DIR, 'runaway-worker.js'),
      log,
      maxOldGenerationMb: 64,
    });
    try {
      const first = await client.request('ping', {});
      await assert.rejects(
        client.request('analyze', { source: 'runaway', file: 'runaway.py' }),
        (e: EngineError) => /stopped unexpectedly/.test(e.message),
      );
      assert.ok(
        logs.some((m) => /memory limit|out of memory/i.test(m)),
        `the worker's death is logged: ${logs.join(' | ')}`,
      );
      // This process (the extension host's stand-in) is still here, and so is a new worker.
      const source = readFileSync(join(DIR, 'huge_range.py'), 'utf8');
      const r = await client.request('analyze', { source, file: 'huge_range.py' });
      assert.equal(r.models[0]?.name, 'model');
      const second = await client.request('ping', {});
      assert.equal(second.pid, first.pid, 'a worker thread, in the same process');
    } finally {
      client.dispose();
    }
  },
);

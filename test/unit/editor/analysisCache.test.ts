import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisCache, type Analyzer, type DocLike } from '../../../src/editor/analysisCache';
import type { AnalysisResult, Shape } from '../../../src/shapes/types';
import { mnistCnnResult } from './examples';

function doc(version: number, lineCount = 40, key = 'file:///a.py'): DocLike {
  return { key, version, fileName: '/a.py', lineCount, getText: () => `# v${version}` };
}

const quiet = { debug: () => undefined };

function counting(result: AnalysisResult = mnistCnnResult().result) {
  const calls: string[] = [];
  const analyzer: Analyzer = async (source) => {
    calls.push(source);
    return result;
  };
  return { calls, analyzer };
}

test('one analysis per document version, shared by every caller', async () => {
  const { calls, analyzer } = counting();
  const cache = new AnalysisCache({
    inProcess: analyzer,
    defaultInput: () => undefined,
    log: quiet,
  });
  const [a, b] = await Promise.all([cache.get(doc(1)), cache.get(doc(1))]);
  assert.equal(a, b);
  assert.equal((await cache.get(doc(1)))?.models[0].name, 'Net');
  assert.deepEqual(calls, ['# v1']);
  assert.equal(cache.peek(doc(1)), a);
  assert.equal(cache.peek(doc(2)), undefined);
  await cache.get(doc(2));
  assert.deepEqual(calls, ['# v1', '# v2']);
});

test('a newer version supersedes a pending one before it starts', async () => {
  const { calls, analyzer } = counting();
  const cache = new AnalysisCache({
    inProcess: analyzer,
    defaultInput: () => undefined,
    log: quiet,
  });
  const old = cache.get(doc(1));
  cache.supersede('file:///a.py', 2);
  const fresh = cache.get(doc(2));
  assert.equal(await old, undefined);
  assert.ok(await fresh);
  assert.deepEqual(calls, ['# v2']);
});

test('an in-flight analysis is aborted through its signal and resolves undefined', async () => {
  let seen: AbortSignal | undefined;
  let release: () => void = () => undefined;
  const slow: Analyzer = (_s, _f, _d, signal) => {
    seen = signal;
    return new Promise((resolve) => {
      release = () => resolve(mnistCnnResult().result);
    });
  };
  const cache = new AnalysisCache({ inProcess: slow, defaultInput: () => undefined, log: quiet });
  const p = cache.get(doc(1));
  await new Promise((r) => setImmediate(r));
  cache.supersede('file:///a.py', 2);
  assert.equal(seen?.aborted, true);
  release();
  assert.equal(await p, undefined);
});

test('an engine exception becomes an empty result and a debug line, never a rejection', async () => {
  const logged: string[] = [];
  const cache = new AnalysisCache({
    inProcess: async () => {
      throw new Error('boom');
    },
    defaultInput: () => undefined,
    log: { debug: (m) => logged.push(m) },
  });
  assert.deepEqual(await cache.get(doc(1)), { file: '/a.py', models: [], diagnostics: [] });
  assert.match(logged.join('\n'), /failed \(inProcess\): boom/);
});

test('malformed results from a worker are cleaned up', async () => {
  const broken = {
    file: '/a.py',
    models: [{ name: 'M', range: { line: 1, column: 1, endLine: 1, endColumn: 2 } }, null],
    diagnostics: [{ message: 'no range' }],
  } as unknown as AnalysisResult;
  const cache = new AnalysisCache({
    inProcess: async () => broken,
    defaultInput: () => undefined,
    log: quiet,
  });
  const r = await cache.get(doc(1));
  assert.equal(r?.models.length, 1);
  assert.deepEqual(r?.models[0].layers, []);
  assert.deepEqual(r?.models[0].variables, []);
  assert.deepEqual(r?.diagnostics, []);
});

test('large files and slow ones go off the thread when a worker analyzer is given', async () => {
  const inProc = counting();
  const worker = counting();
  let clock = 0;
  const cache = new AnalysisCache({
    inProcess: async (s, f, d, sig) => {
      clock += 20;
      return inProc.analyzer(s, f, d, sig);
    },
    offThread: worker.analyzer,
    defaultInput: () => undefined,
    log: quiet,
    now: () => clock,
  });
  await cache.get(doc(1, 3000, 'file:///big.py'));
  assert.equal(worker.calls.length, 1);
  await cache.get(doc(1));
  assert.equal(inProc.calls.length, 1);
  assert.equal(cache.lastInProcessMs('file:///a.py'), 20);
  // One slow analysis (20 ms > 15 ms) may be a pause; two in a row send the file to the worker.
  await cache.get(doc(2));
  assert.equal(inProc.calls.length, 2);
  await cache.get(doc(3));
  assert.equal(worker.calls.length, 2);
  assert.equal(inProc.calls.length, 2);
});

test('a failing worker falls back to in-process; an override takes every analysis', async () => {
  const inProc = counting();
  const cache = new AnalysisCache({
    inProcess: inProc.analyzer,
    offThread: async () => {
      throw new Error('worker gone');
    },
    defaultInput: () => undefined,
    log: quiet,
  });
  assert.equal((await cache.get(doc(1, 5000)))?.models.length, 1);
  assert.equal(inProc.calls.length, 1);
  const over = counting();
  const c2 = new AnalysisCache({
    inProcess: inProc.analyzer,
    override: over.analyzer,
    defaultInput: () => undefined,
    log: quiet,
  });
  await c2.get(doc(1));
  assert.equal(over.calls.length, 1);
  assert.equal(c2.route(doc(1)), 'override');
});

test('the default input setting is passed on, and a change re-analyses the same version', async () => {
  let setting: Shape[] | undefined = undefined;
  const seen: (Shape[] | undefined)[] = [];
  const cache = new AnalysisCache({
    inProcess: async (_s, _f, d) => {
      seen.push(d);
      return mnistCnnResult().result;
    },
    defaultInput: () => setting,
    log: quiet,
  });
  await cache.get(doc(1));
  setting = [[1, 1, 28, 28]];
  await cache.get(doc(1));
  await cache.get(doc(1));
  assert.deepEqual(seen, [undefined, [[1, 1, 28, 28]]]);
});

test('listeners hear about finished analyses; delete forgets a document', async () => {
  const cache = new AnalysisCache({
    inProcess: counting().analyzer,
    defaultInput: () => undefined,
    log: quiet,
  });
  const heard: string[] = [];
  const sub = cache.onDidAnalyze((key, version) => heard.push(`${key}@${version}`));
  await cache.get(doc(3));
  sub.dispose();
  await cache.get(doc(4));
  assert.deepEqual(heard, ['file:///a.py@3']);
  cache.delete('file:///a.py');
  assert.equal(cache.peek(doc(4)), undefined);
});

test('the engine reporting its own failure goes to the debug log, not the Problems view', async () => {
  const logged: string[] = [];
  const range = { line: 1, column: 1, endLine: 1, endColumn: 1 };
  const cache = new AnalysisCache({
    inProcess: async () => ({
      file: '/a.py',
      models: [],
      diagnostics: [
        {
          line: 1,
          column: 1,
          range,
          severity: 'info',
          code: 'internal',
          message: 'Tensor Lens could not analyse this file: oops',
        },
      ],
    }),
    defaultInput: () => undefined,
    log: { debug: (m) => logged.push(m) },
  });
  assert.deepEqual((await cache.get(doc(1)))?.diagnostics, []);
  assert.ok(logged.some((l) => l.includes('could not analyse this file: oops')));
});

test('without a worker, a large file waits for a typing pause and analyses only the last version', async () => {
  const inProc = counting();
  const cache = new AnalysisCache({
    inProcess: inProc.analyzer,
    defaultInput: () => undefined,
    log: quiet,
    heavyDelayMs: 30,
  });
  const first = cache.get(doc(1, 5000));
  await new Promise((r) => setTimeout(r, 5));
  cache.supersede('file:///a.py', 2);
  const second = cache.get(doc(2, 5000));
  assert.equal(await first, undefined);
  assert.ok(await second);
  assert.deepEqual(inProc.calls, ['# v2']);
});

test('an in-process analysis cut short by the host budget is done again in the worker, and so are the next versions', async () => {
  const cut: AnalysisResult = { ...mnistCnnResult().result, budgetExceeded: 'time' };
  const host = counting(cut);
  const worker = counting();
  const cache = new AnalysisCache({
    inProcess: host.analyzer,
    offThread: worker.analyzer,
    defaultInput: () => undefined,
    log: quiet,
  });
  const r = await cache.get(doc(1));
  assert.equal(r?.budgetExceeded, undefined, 'the worker result replaces the cut one');
  assert.deepEqual(host.calls, ['# v1']);
  assert.deepEqual(worker.calls, ['# v1']);
  assert.equal(cache.route(doc(2)), 'offThread');
  await cache.get(doc(2));
  assert.deepEqual(host.calls, ['# v1']);
  // Every limit: the host's are smaller than the worker's. What the worker reaches stays.
  const steps = counting({ ...mnistCnnResult().result, budgetExceeded: 'steps' });
  const w2 = counting({ ...mnistCnnResult().result, budgetExceeded: 'elements' });
  const c2 = new AnalysisCache({
    inProcess: steps.analyzer,
    offThread: w2.analyzer,
    defaultInput: () => undefined,
    log: quiet,
  });
  assert.equal((await c2.get(doc(1)))?.budgetExceeded, 'elements');
  assert.deepEqual(w2.calls, ['# v1']);
  // Without a worker the host's result is the answer.
  const c3 = new AnalysisCache({
    inProcess: counting(cut).analyzer,
    defaultInput: () => undefined,
    log: quiet,
  });
  assert.equal((await c3.get(doc(1)))?.budgetExceeded, 'time');
});

test('a file of few lines but many characters goes to the worker (its parse cannot be interrupted)', async () => {
  const host = counting();
  const worker = counting();
  const cache = new AnalysisCache({
    inProcess: host.analyzer,
    offThread: worker.analyzer,
    defaultInput: () => undefined,
    log: quiet,
    largeChars: 3,
  });
  await cache.get(doc(1));
  assert.deepEqual(host.calls, []);
  assert.deepEqual(worker.calls, ['# v1']);
});

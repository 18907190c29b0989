// The real bundled worker (dist/worker.js, built by `npm test` first) behind the real engine client:
// each engine answers through the protocol, bad input comes back as one line without a stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineClient, EngineError } from '../../../src/panel/engineClient';

const root = join(__dirname, '..', '..', '..');
const workerPath = join(root, 'dist', 'worker.js');
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

test('the bundled worker serves analyze, checkExpr, sample and train', { timeout: 240_000 }, async (t) => {
  if (!existsSync(workerPath)) return t.skip('dist/worker.js is missing: run npm run build (npm test does)');
  const c = new EngineClient({ workerPath, log: quiet });
  try {
    const file = join(root, 'examples', 'mnist_cnn.py');
    const a = await c.analyze(readFileSync(file, 'utf8'), file);
    // PyTorch 1.13 on this file: Net()(torch.randn(1, 1, 28, 28)) has shape (1, 10) and 1,199,882 parameters.
    assert.deepEqual(a.models[0].output, [1, 10]);
    assert.equal(a.models[0].params, 1199882);

    assert.deepEqual((await c.checkExpr('exp(-x^2/2)')).ok, true);
    const bad = await c.checkExpr('exp(-x^2/2');
    assert.equal(bad.ok, false);

    await assert.rejects(
      c.sample({ expr: 'x.constructor', sampler: 'mh', n: 100, chains: 1, seed: 1 }, () => undefined),
      (e: EngineError) => /not allowed/.test(e.message) && e.causeText === undefined && !e.message.includes('\n'),
    );
    let progress = 0;
    const s = await c.sample({ expr: 'exp(-x^2/2)', sampler: 'inverse-cdf', n: 2000, chains: 2, seed: 3 }, () => progress++);
    assert.equal(s.n, 2000);
    assert.ok(progress > 0, 'progress streamed');
    assert.ok(Math.abs(s.mean) < 4 * s.mcseMean + 1e-9, `mean ${s.mean} within 4 MCSE of 0`);

    await assert.rejects(
      c.train({ models: [{ kind: 'builtin', name: 'mlp' }], epochs: 1, batchSize: 64, limit: 128, dataPath: '/nonexistent/mnist', seed: 1, backend: 'cpu' }, () => undefined),
      (e: EngineError) => /\/nonexistent\/mnist/.test(e.message) && e.causeText === undefined,
    );
    const events: string[] = [];
    const done = await c.train(
      { models: [{ kind: 'builtin', name: 'mlp' }], epochs: 1, batchSize: 64, limit: 256, dataPath: '', seed: 1, backend: 'wasm' },
      (e) => events.push(e.event),
    );
    assert.equal(done.backend, 'wasm', 'the wasm binaries are found next to the bundle');
    assert.equal(done.models[0].model, 'mlp');
    assert.deepEqual([events[0], events.at(-1)], ['start', 'done']);
    assert.ok(events.includes('epoch'));
    assert.ok(events.includes('batch'));
  } finally {
    c.dispose();
  }
});

// The real bundled worker (dist/worker.js, built by `npm test` first) behind the real engine client:
// each engine answers through the protocol, bad input comes back as one line without a stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient, EngineError } from '../../../src/worker/client';

const root = join(__dirname, '..', '..', '..');
const workerPath = join(root, 'dist', 'worker.js');
const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

test(
  'the bundled worker serves analyze, checkExpr, sample, sampleDraws and train',
  { timeout: 240_000 },
  async (t) => {
    if (!existsSync(workerPath))
      return t.skip('dist/worker.js is missing: run npm run build (npm test does)');
    const c = new EngineClient({ workerPath, log: quiet });
    try {
      const file = join(root, 'examples', 'mnist_cnn.py');
      const a = await c.request('analyze', { source: readFileSync(file, 'utf8'), file });
      // PyTorch 1.13 on this file: Net()(torch.randn(1, 1, 28, 28)) has shape (1, 10) and 1,199,882 parameters.
      assert.deepEqual(a.models[0].output, [1, 10]);
      assert.equal(a.models[0].params, 1199882);

      assert.deepEqual((await c.request('checkExpr', { expr: 'exp(-x^2/2)' })).ok, true);
      const bad = await c.request('checkExpr', { expr: 'exp(-x^2/2' });
      assert.equal(bad.ok, false);

      await assert.rejects(
        c.request(
          'sample',
          { expr: 'x.constructor', sampler: 'mh', n: 100, chains: 1, seed: 1 },
          () => undefined,
        ),
        (e: EngineError) =>
          /not allowed/.test(e.message) && e.causeText === undefined && !e.message.includes('\n'),
      );
      let progress = 0;
      const s = await c.request(
        'sample',
        { expr: 'exp(-x^2/2)', sampler: 'inverse-cdf', n: 2000, chains: 2, seed: 3 },
        () => progress++,
      );
      assert.equal(s.n, 2000);
      assert.ok(progress > 0, 'progress streamed');
      assert.ok(Math.abs(s.mean) < 4 * s.mcseMean + 1e-9, `mean ${s.mean} within 4 MCSE of 0`);

      // Every draw of a finished run: the worker re-runs its request into a file. The run's own thinned
      // traces are the independent truth: each must be the file's draw at its thinned index.
      const mh = await c.request(
        'sample',
        {
          expr: 'exp(-x^2/2) * (1 + sin(3*x)^2)',
          sampler: 'mh',
          n: 5000,
          chains: 2,
          seed: 11,
          runId: 'mine',
        },
        () => undefined,
      );
      assert.ok(mh.request, 'the result carries its request');
      assert.equal(mh.request.runId, undefined, 'the stored request has no run id of its own');
      const dir = mkdtempSync(join(tmpdir(), 'tl-draws-'));
      try {
        const csvFile = join(dir, 'draws.csv');
        const wrote = await c.request(
          'sampleDraws',
          { request: mh.request, file: csvFile },
          () => undefined,
        );
        const lines = readFileSync(csvFile, 'utf8').trimEnd().split('\n');
        assert.equal(lines[0], 'chain,draw,x');
        assert.equal(lines.length - 1, 10000);
        assert.equal(wrote.draws, 10000);
        const draws: number[][] = [[], []];
        for (const l of lines.slice(1)) {
          const [ch, i, x] = l.split(',');
          assert.equal(Number(i), draws[Number(ch)].length);
          draws[Number(ch)].push(Number(x));
        }
        for (let ch = 0; ch < 2; ch++) {
          const trace = mh.traces[ch];
          const stride = Math.ceil(5000 / trace.length);
          assert.ok(trace.length > 100);
          trace.forEach((v, j) =>
            assert.equal(v, draws[ch][j * stride], `chain ${ch} trace point ${j}`),
          );
          const mean = draws[ch].reduce((a, b) => a + b, 0) / draws[ch].length;
          assert.ok(Number.isFinite(mean));
        }
        await assert.rejects(
          c.request(
            'sampleDraws',
            { request: mh.request, file: join(dir, 'no', 'such', 'folder', 'd.csv') },
            () => undefined,
          ),
          (e: EngineError) =>
            /^cannot write .*d\.csv: ENOENT/.test(e.message) && e.causeText === undefined,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }

      await assert.rejects(
        c.request(
          'train',
          {
            models: [{ kind: 'builtin', name: 'mlp' }],
            epochs: 1,
            batchSize: 64,
            limit: 128,
            dataPath: '/nonexistent/mnist',
            seed: 1,
            backend: 'cpu',
          },
          () => undefined,
        ),
        (e: EngineError) => /\/nonexistent\/mnist/.test(e.message) && e.causeText === undefined,
      );
      const events: string[] = [];
      const done = await c.request(
        'train',
        {
          models: [{ kind: 'builtin', name: 'mlp' }],
          epochs: 1,
          batchSize: 64,
          limit: 256,
          dataPath: '',
          seed: 1,
          backend: 'wasm',
        },
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
  },
);

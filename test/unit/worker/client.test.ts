import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { EngineClient, EngineError, type EngineLog } from '../../../src/worker/client';
import { splitResult } from '../../../src/worker/parts';
import type { SampleRequestParams } from '../../../src/sampling/types';
import { bigResult } from './fixtures/bigResult';

const logs: string[] = [];
const log: EngineLog = {
  debug: (m) => logs.push('debug ' + m),
  info: (m) => logs.push('info ' + m),
  warn: (m) => logs.push('warn ' + m),
  error: (m) => logs.push('error ' + m),
};
const workerPath = join(__dirname, 'fixtures', 'fake-worker.js');
const make = (): EngineClient => new EngineClient({ workerPath, log, cancelGraceMs: 500 });
const params = (n: number, chains = 1): SampleRequestParams => ({
  expr: 'x',
  sampler: 'mh',
  n,
  chains,
  seed: 1,
});

test('the worker starts on first use, not before', async () => {
  const c = make();
  assert.equal(c.running, false);
  const r = await c.request('ping', {});
  assert.equal(c.running, true);
  assert.notEqual(r.pid, 0);
  c.dispose();
});

test('requests are answered by id with progress streamed in order', async () => {
  const c = make();
  const seen: number[] = [];
  const [a, b] = await Promise.all([
    c.request('sample', params(5), (e) => seen.push(e.x[0])),
    c.request('checkExpr', { expr: 'x^2' }),
  ]);
  assert.equal(a.n, 5);
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  assert.deepEqual(b, { ok: true, dims: 1 });
  c.dispose();
});

test('a user error arrives as one line; a bug keeps its stack as the cause', async () => {
  const c = make();
  await assert.rejects(
    c.request('checkExpr', { expr: 'bad' }),
    (e: EngineError) => e.message.includes('column 4') && e.causeText === undefined,
  );
  await assert.rejects(
    c.request('checkExpr', { expr: 'bug' }),
    (e: EngineError) => e.message === 'x is not a function' && /TypeError/.test(e.causeText ?? ''),
  );
  c.dispose();
});

test('cancellation stops a cooperative run promptly', async () => {
  const c = make();
  const ac = new AbortController();
  const t0 = Date.now();
  const run = c.request('sample', params(1000), () => undefined, ac.signal);
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(run, (e: EngineError) => e.cancelled);
  assert.ok(Date.now() - t0 < 1000 * 10, 'cancelled run must not run to completion (10 s)');
  // The same worker still serves requests afterwards.
  assert.deepEqual(await c.request('checkExpr', { expr: 'x' }), { ok: true, dims: 1 });
  c.dispose();
});

test('a run that ignores cancellation is stopped by restarting the worker', async () => {
  const c = make();
  const pid1 = (await c.request('ping', {})).pid;
  const ac = new AbortController();
  const run = c.request('sample', params(100000, 0), () => undefined, ac.signal);
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(run, (e: EngineError) => e.cancelled);
  assert.ok(logs.some((l) => l.includes('did not stop')));
  assert.equal(typeof (await c.request('ping', {})).pid, 'number', 'a fresh worker answers');
  assert.equal(pid1, process.pid, 'thread workers share the host pid');
  c.dispose();
});

test('a job ended by that restart is reported as failed, not as stopped by the user', async () => {
  const c = make();
  const ac = new AbortController();
  const stuck = c.request('sample', params(100000, 0), () => undefined, ac.signal);
  const bystander = c.request('sample', params(1000), () => undefined);
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(stuck, (e: EngineError) => e.cancelled);
  await assert.rejects(
    bystander,
    (e: EngineError) => !e.cancelled && /restarted to stop another run/.test(e.message),
  );
  c.dispose();
});

test('cancelling a slow analysis settles it at once and does not restart the worker under a running job', async () => {
  const c = make();
  const sampled = c.request('sample', params(100), () => undefined);
  const ac = new AbortController();
  const analysis = c.request('analyze', { source: 'slow', file: 'big.py' }, undefined, ac.signal);
  setTimeout(() => ac.abort(), 20);
  const t0 = Date.now();
  await assert.rejects(analysis, (e: EngineError) => e.cancelled);
  assert.ok(Date.now() - t0 < 400, 'the caller does not wait for the worker');
  // The sampling run sharing the worker goes on to its result (grace is 500 ms, the analysis 800 ms).
  const r = await sampled;
  assert.equal(r.n, 100);
  c.dispose();
});

test('a large result arrives in parts, one per turn of the event loop, equal to what the worker made', async () => {
  const c = make();
  const expected = bigResult(20000);
  const parts = splitResult(expected)?.parts.length ?? 0;
  assert.ok(parts > 10, `${parts} parts`);
  // setImmediate runs once per turn of the loop: had the parts come queued in one message burst,
  // they would all be handled in one turn.
  let turns = 0;
  let on = true;
  const tick = (): void => {
    turns++;
    if (on) setImmediate(tick);
  };
  await c.request('ping', {});
  setImmediate(tick);
  const r = await c.request('analyze', { source: 'big:20000', file: 'big.py' });
  on = false;
  assert.deepStrictEqual(r, expected);
  assert.ok(turns >= parts, `${turns} turns for ${parts} parts`);
  // The worker is free for the next request, and small results still go whole.
  assert.deepEqual(await c.request('checkExpr', { expr: 'x' }), { ok: true, dims: 1 });
  c.dispose();
});

test('an analysis cancelled while its parts arrive settles at once; the worker drops the rest', async () => {
  const c = make();
  const ac = new AbortController();
  const big = c.request('analyze', { source: 'big:20000', file: 'big.py' }, undefined, ac.signal);
  const next = c.request('analyze', { source: 'big:5000', file: 'big.py' });
  // Abort after the first part has been handled, in the middle of the transfer.
  setTimeout(() => ac.abort(), 0);
  await assert.rejects(big, (e: EngineError) => e.cancelled);
  assert.deepStrictEqual(await next, bigResult(5000));
  c.dispose();
});

test('a dead worker fails its requests with a message and restarts on the next one', async () => {
  const c = make();
  await assert.rejects(c.request('checkExpr', { expr: 'crash' }), (e: EngineError) =>
    /stopped unexpectedly \(exit code 3\)/.test(e.message),
  );
  assert.deepEqual(await c.request('checkExpr', { expr: 'x' }), { ok: true, dims: 1 });
  c.dispose();
});

test('after tfjs-node was loaded, the restarted worker is a child process (tfjs#8388)', async () => {
  const c = make();
  assert.equal((await c.request('ping', {})).pid, process.pid);
  await assert.rejects(c.request('checkExpr', { expr: 'native' }), /stopped unexpectedly/);
  const pid = (await c.request('ping', {})).pid;
  assert.notEqual(pid, process.pid, 'the new worker runs in its own process');
  assert.deepEqual(await c.request('checkExpr', { expr: 'x' }), { ok: true, dims: 1 });
  // Parts travel over the process's channel too (as JSON there, so NaN arrives as null).
  const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
  const got = await c.request('analyze', { source: 'big:20000', file: 'b' });
  assert.deepStrictEqual(json(got), json(bigResult(20000)));
  c.dispose();
});

test('a worker process exits when its parent goes away, even in the middle of a run', async () => {
  const cp = fork(workerPath, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  cp.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  // A long cooperative run: 1000 batches of 10 ms.
  await new Promise<void>((resolve) => {
    cp.once('message', () => resolve());
    cp.send({ type: 'sample', id: 1, params: params(1000) });
  });
  const exited = new Promise<number | null>((resolve) => cp.once('exit', (code) => resolve(code)));
  cp.disconnect();
  const code = await Promise.race([
    exited,
    new Promise<string>((r) => setTimeout(() => r('still running'), 3000)),
  ]);
  if (code === 'still running') cp.kill();
  assert.equal(code, 0);
  assert.equal(stderr, '');
});

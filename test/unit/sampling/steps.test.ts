// The step-through recorder: its chain must be the run's chain (same seed ⇒ the positions it
// records are runSampler's first draws of chain 0), and each recorded move must be a move the
// sampler could have made (MH lands on its proposal or stays, a slice lands on its last shrink
// point inside the slice, stepping out ends outside it, HMC/NUTS land on their trajectory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSampler, SamplingInputError } from '../../../src/sampling';
import { traceSteps } from '../../../src/sampling/steps';
import type {
  SampleRequestParams,
  SamplerStep,
  SamplerTuning,
  StepSamplerName,
} from '../../../src/sampling/types';

const TARGETS = [
  { expr: 'exp(-x^2/2) * (1 + sin(3x)^2)' },
  { expr: 'x^2 * exp(-x)', range: [0, Infinity] as [number, number] },
  { expr: 'exp(-(x^2/2 + (y - x^2)^2))' },
];
const SAMPLERS: StepSamplerName[] = ['mh', 'slice', 'hmc', 'nuts'];

async function firstDraws(p: SampleRequestParams): Promise<{ x: number[]; y: number[] | null }> {
  let x: number[] = [],
    y: number[] | null = null;
  await runSampler(p, {
    onProgress: () => undefined,
    onDraws: (xs, ys) => {
      x = Array.from(xs[0]);
      y = ys ? Array.from(ys[0]) : null;
    },
  });
  return { x, y };
}

for (const sampler of SAMPLERS)
  for (const tuning of [undefined, { mhScale: 0.7, stepSize: 0.3, steps: 7, maxDepth: 4 }]) {
    test(`${sampler}${tuning ? ' (fixed tuning)' : ''}: the recorded chain is the run's chain`, async () => {
      for (const t of TARGETS) {
        const p: SampleRequestParams = {
          expr: t.expr,
          sampler,
          n: 60,
          chains: 2,
          seed: 7,
          warmup: 150,
          range: t.range,
          tuning,
        };
        const trace = traceSteps(p, 60);
        const run = await firstDraws(p);
        assert.equal(trace.steps.length, 60);
        assert.deepEqual(
          trace.steps.map((s) => s.to[0]),
          run.x,
          `${t.expr}: x differs from the run`,
        );
        if (run.y)
          assert.deepEqual(
            trace.steps.map((s) => s.to[1]),
            run.y,
            `${t.expr}: y differs from the run`,
          );
        for (let k = 1; k < trace.steps.length; k++)
          assert.deepEqual(trace.steps[k].from, trace.steps[k - 1].to, 'moves do not chain');
        for (const s of trace.steps) checkMove(s, trace.dims);
      }
    });
  }

function checkMove(s: SamplerStep, dims: 1 | 2): void {
  switch (s.sampler) {
    case 'mh':
      assert.deepEqual(s.to, s.accepted ? s.proposal : s.from);
      assert.ok(s.acceptProb >= 0 && s.acceptProb <= 1);
      return;
    case 'slice': {
      assert.equal(s.updates.length, dims);
      let at = s.from.slice();
      for (const u of s.updates) {
        assert.equal(u.x0, at[u.axis]);
        assert.ok(u.height > 0 && u.height <= 1.0001, `height ${u.height}`);
        assert.ok(u.bracket[0] <= u.initial[0] && u.bracket[1] >= u.initial[1]);
        assert.ok(u.initial[0] <= u.x0 && u.x0 <= u.initial[1]);
        const last = u.shrink[u.shrink.length - 1];
        assert.ok(last.inside, 'the shrinking ends inside the slice');
        assert.ok(u.shrink.slice(0, -1).every((v) => !v.inside));
        at = at.slice();
        at[u.axis] = last.at;
      }
      assert.deepEqual(s.to, at);
      return;
    }
    case 'hmc':
      assert.ok(s.path.length >= 1);
      assert.equal(s.path.length, s.energyError.length);
      assert.deepEqual(s.to, s.accepted ? s.path[s.path.length - 1] : s.from);
      return;
    case 'nuts': {
      assert.equal(s.doublings.length, s.depth);
      s.doublings.forEach((d, j) => {
        // A doubling at depth j adds 2^j leapfrogs, unless a divergence or a subtree U-turn cut it.
        if (j < s.doublings.length - 1 || s.stop === 'u-turn' || s.stop === 'max-depth')
          assert.equal(d.path.length, 2 ** j, `doubling ${j}`);
        else assert.ok(d.path.length <= 2 ** j);
      });
      const all = s.doublings.flatMap((d) => d.path);
      assert.ok(
        all.some((q) => q[0] === s.to[0] && q[1] === s.to[1]) ||
          (s.to[0] === s.from[0] && s.to[1] === s.from[1]),
        'NUTS lands on its trajectory',
      );
      return;
    }
  }
}

test('max depth and fixed steps are what the recorder sees', () => {
  const base = { expr: 'exp(-x^2/2)', n: 10, chains: 1, seed: 3, warmup: 50 };
  const nuts = traceSteps({ ...base, sampler: 'nuts', tuning: { maxDepth: 2 } }, 40);
  for (const s of nuts.steps) if (s.sampler === 'nuts') assert.ok(s.depth <= 2);
  assert.ok(nuts.steps.some((s) => s.sampler === 'nuts' && s.stop === 'max-depth'));
  const hmc = traceSteps({ ...base, sampler: 'hmc', tuning: { stepSize: 0.1, steps: 9 } }, 20);
  assert.equal(hmc.stepSize, 0.1);
  for (const s of hmc.steps) if (s.sampler === 'hmc') assert.equal(s.path.length, 9);
  const mh = traceSteps({ ...base, sampler: 'mh', tuning: { mhScale: 0.25 } }, 5);
  assert.equal(mh.stepSize, 0.25);
});

test('a tiny HMC step keeps the energy error small; a huge one diverges', () => {
  const base = { expr: 'exp(-x^2/2)', n: 10, chains: 1, seed: 5, warmup: 0 };
  const small = traceSteps({ ...base, sampler: 'hmc', tuning: { stepSize: 0.01, steps: 20 } }, 10);
  for (const s of small.steps)
    if (s.sampler === 'hmc') assert.ok(Math.max(...s.energyError.map(Math.abs)) < 1e-3);
  const big = traceSteps({ ...base, sampler: 'nuts', tuning: { stepSize: 50 } }, 10);
  assert.ok(big.steps.some((s) => s.sampler === 'nuts' && s.stop === 'divergence'));
});

test('bad requests get one-line errors', () => {
  const base = { expr: 'exp(-x^2/2)', n: 10, chains: 1, seed: 1 };
  const bad: [SampleRequestParams, number, RegExp][] = [
    [{ ...base, sampler: 'mh' }, 0, /whole number from 1 to 500/],
    [{ ...base, sampler: 'mh' }, 501, /whole number from 1 to 500/],
    [{ ...base, sampler: 'rejection' }, 10, /records mh, slice, hmc, nuts/],
    [{ ...base, sampler: 'nuts', tuning: { maxDepth: 40 } }, 10, /tree depth/],
    [{ ...base, sampler: 'hmc', tuning: { stepSize: -1 } }, 10, /step size/],
    [{ ...base, sampler: 'hmc', tuning: { targetAccept: 1 } }, 10, /target acceptance/],
    [{ ...base, sampler: 'mh', tuning: { mhScale: NaN } as SamplerTuning }, 10, /proposal scale/],
  ];
  for (const [p, n, re] of bad)
    assert.throws(
      () => traceSteps(p, n),
      (e: unknown) =>
        e instanceof SamplingInputError && re.test(e.message) && !e.message.includes('\n'),
    );
});

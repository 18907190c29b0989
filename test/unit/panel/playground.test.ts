// The playground's pure parts: the request its form makes, the words beside each move, and the
// guards a recorded trace passes before the page draws it (a real trace passes; a damaged one,
// or one whose numbers are not numbers, does not). Also the tuning settings' reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHostToWebview, isWebviewToHost } from '../../../src/common/guards';
import { isStepTrace } from '../../../src/common/stepGuards';
import { SETTING_DEFAULTS, type Settings } from '../../../src/common/settings';
import { tuningFromSettings } from '../../../src/common/tuningSettings';
import { traceSteps } from '../../../src/sampling/steps';
import {
  moveParts,
  revealed,
  stepCaption,
  traceCaption,
  traceRequest,
  type PlaygroundForm,
} from '../../../webview/playgroundData';

const form = (over: Partial<PlaygroundForm> = {}): PlaygroundForm => ({
  expr: 'exp(-x^2/2)',
  sampler: 'hmc',
  seed: '3',
  steps: '20',
  warmup: '',
  tuning: { mhScale: '0.5', stepSize: 'auto', steps: '12', targetAccept: '', maxDepth: '4' },
  ...over,
});

test('the form sends only the chosen sampler’s tuning; blank and auto stay auto', () => {
  const r = traceRequest(form());
  assert.ok(!('error' in r));
  assert.deepEqual(r.params.tuning, { steps: 12 });
  assert.equal(r.params.warmup, undefined);
  assert.equal(r.steps, 20);
  const nuts = traceRequest(form({ sampler: 'nuts', warmup: '100' }), [-1, 1], [0, 2]);
  assert.ok(!('error' in nuts));
  assert.deepEqual(nuts.params.tuning, { maxDepth: 4 });
  assert.equal(nuts.params.warmup, 100);
  assert.deepEqual(nuts.params.rangeY, [0, 2]);
  const slice = traceRequest(form({ sampler: 'slice' }));
  assert.ok(!('error' in slice));
  assert.equal(slice.params.tuning, undefined);
});

test('bad fields are named in one line', () => {
  const cases: [Partial<PlaygroundForm>, RegExp][] = [
    [{ expr: '  ' }, /type a density/],
    [{ seed: '1.5' }, /seed/],
    [{ steps: '0' }, /moves: a whole number from 1 to 500/],
    [{ steps: '501' }, /moves/],
    [{ warmup: 'lots' }, /warm-up/],
    [
      { tuning: { mhScale: '', stepSize: '', steps: 'many', targetAccept: '', maxDepth: '' } },
      /leapfrog steps: a number/,
    ],
  ];
  for (const [over, re] of cases) {
    const r = traceRequest(form(over));
    assert.ok('error' in r && re.test(r.error), JSON.stringify(over));
  }
});

test('a real trace passes the guards and every move gets words and parts', () => {
  for (const sampler of ['mh', 'slice', 'hmc', 'nuts'] as const) {
    const trace = traceSteps(
      { expr: 'exp(-x^2/2 - (y - x^2)^2)', sampler, n: 10, chains: 1, seed: 2, warmup: 100 },
      10,
    );
    const wire = JSON.parse(JSON.stringify(trace)) as unknown;
    assert.ok(isStepTrace(wire), sampler);
    assert.ok(isHostToWebview({ type: 'stepTrace', trace: wire }));
    for (const s of trace.steps) {
      assert.ok(stepCaption(s, 2).length > 10);
      assert.ok(moveParts(s) >= 1);
    }
  }
});

test('counts read as English: 1 leapfrog step, 1 move, 2 moves; each sampler names its scale', () => {
  const one = traceSteps(
    {
      expr: 'exp(-x^2/2)',
      sampler: 'hmc',
      n: 1,
      chains: 1,
      seed: 2,
      warmup: 1,
      tuning: { stepSize: 0.1, steps: 1 },
    },
    1,
  );
  const hmc = one.steps[0];
  assert.ok(hmc.sampler === 'hmc');
  assert.match(stepCaption(hmc, 1), /^1 leapfrog step, /);
  assert.match(stepCaption({ ...hmc, path: [hmc.path[0], hmc.path[0]] }, 1), /^2 leapfrog steps, /);
  assert.match(
    stepCaption(
      {
        sampler: 'nuts',
        from: [0, 0],
        to: [0.1, 0],
        depth: 1,
        stop: 'u-turn',
        doublings: [{ dir: 1, path: [[0.1, 0]], energyError: [0.01] }],
      },
      1,
    ),
    /^tree depth 1 \(1 leapfrog step\); stopped/,
  );
  assert.match(
    traceCaption(one, 'HMC'),
    /: 1 move recorded after 1 warm-up iteration \(seed 2, step size 0\.1\)/,
  );
  const mh = traceSteps(
    { expr: 'exp(-x^2/2)', sampler: 'mh', n: 2, chains: 1, seed: 2, warmup: 50 },
    2,
  );
  assert.match(
    traceCaption(mh, 'MH'),
    /: 2 moves recorded after 50 warm-up iterations \(seed 2, proposal scale /,
  );
});

test('damaged traces and requests are refused', () => {
  const trace = traceSteps(
    { expr: 'exp(-x^2/2)', sampler: 'mh', n: 5, chains: 1, seed: 2, warmup: 10 },
    5,
  );
  const copy = (): Record<string, unknown> =>
    JSON.parse(JSON.stringify(trace)) as Record<string, unknown>;
  const bad: Record<string, unknown>[] = [];
  let c = copy();
  (c.steps as Record<string, unknown>[])[0].proposal = ['1', 2];
  bad.push(c);
  c = copy();
  (c.steps as Record<string, unknown>[])[1].sampler = 'nuts';
  bad.push(c);
  c = copy();
  c.sampler = 'inverse-cdf';
  bad.push(c);
  c = copy();
  (c.density as Record<string, unknown>).y = [NaN];
  bad.push(c);
  for (const b of bad) assert.ok(!isStepTrace(b));
  const params = { expr: 'x', sampler: 'mh', n: 1, chains: 1, seed: 1 };
  assert.ok(isWebviewToHost({ type: 'traceSteps', params, steps: 10 }));
  assert.ok(!isWebviewToHost({ type: 'traceSteps', params, steps: '10' }));
  assert.ok(
    !isWebviewToHost({
      type: 'traceSteps',
      params: { ...params, tuning: { stepSize: 'big' } },
      steps: 10,
    }),
  );
  assert.ok(
    !isWebviewToHost({ type: 'traceSteps', params: { ...params, tuning: { evil: 1 } }, steps: 10 }),
  );
});

test('revealed shows a move part by part', () => {
  assert.equal(revealed(10, 0), 0);
  assert.equal(revealed(10, 0.05), 1);
  assert.equal(revealed(10, 0.5), 5);
  assert.equal(revealed(10, 1.1), 10);
});

test('tuning settings: auto is absent, numbers pass, other text reads as auto', () => {
  const s: Settings = { ...SETTING_DEFAULTS };
  assert.deepEqual(tuningFromSettings(s), { tuning: undefined, warmup: undefined });
  s['sampling.stepSize'] = '0.25';
  s['sampling.maxDepth'] = ' 7 ';
  s['sampling.mhScale'] = 'big';
  s['sampling.warmup'] = '500';
  assert.deepEqual(tuningFromSettings(s), { tuning: { stepSize: 0.25, maxDepth: 7 }, warmup: 500 });
});

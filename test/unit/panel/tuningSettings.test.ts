// The host's merge of the tensorLens.sampling.* settings under the page's request, field by field:
// a field the user set wins, a field left on auto takes its setting, else it stays auto; a setting
// reaches only the samplers that read it, and the warm-up only Markov chains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SETTING_DEFAULTS, type Settings } from '../../../src/common/settings';
import { withTuningSettings } from '../../../src/common/tuningSettings';
import type { SampleRequestParams } from '../../../src/sampling/types';

function settings(over: Partial<Settings>): Settings {
  return { ...SETTING_DEFAULTS, ...over };
}

const base: SampleRequestParams = {
  expr: 'exp(-x^2)',
  sampler: 'nuts',
  n: 1000,
  chains: 2,
  seed: 1,
};

test('per field: the form wins, a field left on auto takes its setting, the rest stay auto', () => {
  const s = settings({
    'sampling.stepSize': '0.1',
    'sampling.maxDepth': '8',
    'sampling.targetAccept': 'auto',
    'sampling.warmup': '300',
  });
  assert.deepEqual(withTuningSettings({ ...base, tuning: { maxDepth: 4 } }, s), {
    ...base,
    tuning: { stepSize: 0.1, maxDepth: 4 },
    warmup: 300,
  });
  // The user's warm-up wins too, 0 included.
  assert.equal(withTuningSettings({ ...base, warmup: 0 }, s).warmup, 0);
  // Nothing set anywhere: nothing added, every field auto.
  assert.deepEqual(withTuningSettings(base, settings({})), base);
});

test('a setting reaches only the samplers that read it; warm-up only Markov chains', () => {
  // A bad MH scale cannot fail a NUTS run: it never reaches it.
  const s = settings({
    'sampling.mhScale': '-1',
    'sampling.leapfrogSteps': '12',
    'sampling.warmup': '50',
  });
  assert.deepEqual(withTuningSettings(base, s), { ...base, warmup: 50 });
  assert.deepEqual(withTuningSettings({ ...base, sampler: 'hmc' }, s).tuning, { steps: 12 });
  assert.deepEqual(withTuningSettings({ ...base, sampler: 'mh' }, s).tuning, { mhScale: -1 });
  assert.deepEqual(withTuningSettings({ ...base, sampler: 'inverse-cdf' }, s), {
    ...base,
    sampler: 'inverse-cdf',
  });
});

test('the request is not changed in place', () => {
  const req: SampleRequestParams = { ...base, tuning: { maxDepth: 4 } };
  withTuningSettings(req, settings({ 'sampling.stepSize': '0.1' }));
  assert.deepEqual(req.tuning, { maxDepth: 4 });
});

// The tuning fields' one reading, shared by the Sampling form and the playground: each sampler
// reads only its own fields, blank and "auto" stay auto, bad text names its field, warm-up applies
// to Markov chains only, a setting is only a placeholder (the host fills the fields left on auto),
// and the result equals what the CLI's tuning flags give for the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLERS } from '../../../src/common/messages';
import { tuningFromFlags } from '../../../src/cli/tuningFlags';
import { TUNING_HELP } from '../../../src/sampling/tuning';
import {
  emptyTuningText,
  readTuning,
  TUNING_FIELDS,
  tuningFieldsFor,
  tuningPlaceholder,
  type TuningText,
} from '../../../webview/tuningForm';

const text: TuningText = {
  mhScale: '0.5',
  stepSize: 'auto',
  steps: '12',
  targetAccept: ' 0.9 ',
  maxDepth: '6',
};

test('every engine tuning control has a field, and each field belongs to a sampler', () => {
  assert.deepEqual(TUNING_FIELDS.map((f) => f.key).sort(), Object.keys(TUNING_HELP).sort());
  for (const f of TUNING_FIELDS) for (const s of f.for) assert.ok(SAMPLERS.includes(s));
  assert.deepEqual(Object.keys(emptyTuningText()).sort(), Object.keys(TUNING_HELP).sort());
});

test('each sampler reads only its own fields; warm-up only for Markov chains', () => {
  assert.deepEqual(readTuning('mh', text, '300'), { warmup: 300, tuning: { mhScale: 0.5 } });
  assert.deepEqual(readTuning('hmc', text, ''), { tuning: { steps: 12, targetAccept: 0.9 } });
  assert.deepEqual(readTuning('nuts', text, 'auto'), {
    tuning: { targetAccept: 0.9, maxDepth: 6 },
  });
  assert.deepEqual(readTuning('slice', text, '0'), { warmup: 0 });
  // i.i.d. samplers have nothing to tune and no warm-up, even with bad text in the field.
  assert.deepEqual(readTuning('inverse-cdf', text, 'lots'), {});
  assert.deepEqual(readTuning('rejection', emptyTuningText(), ''), {});
});

test('bad text is a one-line error naming the field', () => {
  const bad = (over: Partial<TuningText>, warmup = ''): string => {
    const r = readTuning('nuts', { ...text, ...over }, warmup);
    return 'error' in r ? r.error : '';
  };
  assert.match(bad({ stepSize: 'fast' }), /^step size: a number, or auto$/);
  assert.match(bad({ maxDepth: '1O' }), /^max depth: a number/);
  assert.match(bad({}, '2.5'), /^warm-up: a whole number/);
  assert.match(bad({}, '-3'), /^warm-up: a whole number/);
  // A field of another sampler is not read, so its text cannot fail this one.
  assert.equal(bad({ mhScale: 'wide' }), '');
});

test('the form gives the request what the CLI flags give for the same text', () => {
  const flags: Record<string, keyof TuningText> = {
    'mh-scale': 'mhScale',
    'step-size': 'stepSize',
    steps: 'steps',
    'target-accept': 'targetAccept',
    'max-depth': 'maxDepth',
  };
  for (const s of SAMPLERS) {
    const own = tuningFieldsFor(s).map((f) => f.key);
    const values = Object.fromEntries(
      Object.entries(flags)
        .filter(([, k]) => own.includes(k))
        .map(([flag, k]) => [flag, text[k]]),
    );
    const form = readTuning(s, text, '');
    assert.ok(!('error' in form));
    assert.deepEqual(form.tuning, tuningFromFlags(values), s);
  }
});

test('a field shows its setting only as the placeholder; the form sends only what was typed', () => {
  assert.equal(tuningPlaceholder(undefined), 'auto');
  assert.equal(tuningPlaceholder(0.8), 'auto (setting: 0.8)');
  // Left blank, a field is absent from the request, whatever the settings say: the host fills it.
  assert.deepEqual(readTuning('nuts', { ...emptyTuningText(), maxDepth: '4' }, ''), {
    tuning: { maxDepth: 4 },
  });
  assert.deepEqual(readTuning('hmc', emptyTuningText(), ''), {});
});

// The sampler registry (src/sampling/samplers.ts) against what the rest of the product declares and
// does: the package.json enum, the CLI's help, and the refusal of a 2-D density by a 1-D sampler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSampler, SamplingInputError } from '../../../src/sampling';
import { SAMPLER_TABLE, SAMPLERS, samplerSpec } from '../../../src/sampling/samplers';
import { sampleCommand } from '../../../src/cli/sample';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { enum?: unknown[] }> } };
};

test('the package.json sampler enum is the registry, in its order', () => {
  const e = pkg.contributes.configuration.properties['tensorLens.sampling.sampler'].enum;
  assert.deepEqual(e, [...SAMPLERS]);
});

test('every sampler has a distinct label and colour and at least one dimension', () => {
  const labels = new Set(SAMPLERS.map((s) => samplerSpec(s).label));
  const colors = new Set(SAMPLERS.map((s) => samplerSpec(s).color));
  assert.equal(labels.size, SAMPLERS.length);
  // Six palette colours: past six samplers colours repeat, which the panel tolerates.
  assert.equal(colors.size, Math.min(6, SAMPLERS.length));
  for (const s of SAMPLERS) assert.ok(samplerSpec(s).dims.length > 0, s);
});

test('the CLI help lists every sampler with its label', async () => {
  let out = '';
  const io = {
    out: (t: string) => void (out += t),
    err: () => undefined,
    interrupted: new AbortController().signal,
  };
  await sampleCommand(['--help'], io);
  for (const s of SAMPLERS) {
    const line = out.split('\n').find((l) => l.trim().startsWith(`${s} `));
    assert.ok(line, `no help line for ${s}`);
    assert.ok(line.includes(SAMPLER_TABLE[s].label), line);
  }
});

test('a sampler refuses a density of a dimension it does not take, naming those that do', async () => {
  for (const s of SAMPLERS) {
    const spec = samplerSpec(s);
    const run = runSampler(
      { expr: 'exp(-(x^2 + y^2)/2)', sampler: s, n: 50, chains: 1, seed: 1 },
      { onProgress: () => undefined },
    );
    if (spec.dims.includes(2)) {
      const r = await run;
      assert.equal(r.dims, 2, s);
      assert.equal(r.traces.length, 1, s);
    } else {
      await assert.rejects(run, (e: unknown) => {
        assert.ok(e instanceof SamplingInputError, String(e));
        assert.match(e.message, new RegExp(`the ${s} sampler is 1-D only`));
        for (const t of SAMPLERS.filter((q) => samplerSpec(q).dims.includes(2)))
          assert.ok(e.message.includes(t), `${e.message} should name ${t}`);
        return true;
      });
    }
  }
});

test('i.i.d. samplers skip warm-up and MCMC samplers report it', async () => {
  for (const s of SAMPLERS.filter((q) => samplerSpec(q).dims.includes(1))) {
    const r = await runSampler(
      { expr: 'exp(-x^2/2)', sampler: s, n: 100, chains: 1, seed: 3, warmup: 50 },
      { onProgress: () => undefined },
    );
    assert.equal(r.warmup, samplerSpec(s).kind === 'iid' ? 0 : 50, s);
    assert.equal(r.acceptance === null, samplerSpec(s).acceptance === undefined, s);
  }
});

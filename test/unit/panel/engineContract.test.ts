// The contract between the real sampling engine and the panel: what runSampler and checkExpression
// produce (and the host forwards as JSON) passes the webview's message guards for every sampler,
// in 1-D and 2-D. If the engine's result shape drifts, this fails here rather than as an empty panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SampleProgressEvent, SamplerName } from '../../../src/sampling/types';
import { SAMPLERS } from '../../../src/sampling/samplers';
import { checkExpression, runSampler } from '../../../src/sampling';
import { isHostToWebview } from '../../../src/common/guards';

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

for (const sampler of SAMPLERS) {
  test(`${sampler}: progress events and the result pass the webview guards (1-D)`, async () => {
    const progress: SampleProgressEvent[] = [];
    const r = await runSampler(
      {
        expr: 'exp(-x^2/2) * (1 + sin(3x)^2)',
        sampler,
        n: 400,
        chains: 2,
        seed: 3,
        runId: `c-${sampler}`,
      },
      { onProgress: (e) => progress.push(json(e)) },
    );
    assert.ok(progress.length > 0);
    for (const e of progress)
      assert.ok(
        isHostToWebview({ type: 'sampleProgress', event: e }),
        JSON.stringify(e).slice(0, 200),
      );
    assert.ok(
      isHostToWebview({ type: 'sampleResult', result: json(r) }),
      `${sampler} result rejected`,
    );
    assert.equal(r.runId, `c-${sampler}`);
  });
}

test('2-D results (heat map, marginals, scatter) pass the guards', async () => {
  for (const sampler of ['mh', 'nuts'] as SamplerName[]) {
    const r = await runSampler(
      { expr: 'exp(-(x^2 - 1.4*x*y + y^2))', sampler, n: 300, chains: 2, seed: 5 },
      { onProgress: () => undefined },
    );
    assert.equal(r.dims, 2);
    assert.ok(r.density2d && r.scatter && r.histogramY && r.densityY);
    assert.ok(
      isHostToWebview({ type: 'sampleResult', result: json(r) }),
      `${sampler} 2-D result rejected`,
    );
  }
});

test('one chain (R-hat undefined) still passes', async () => {
  const r = await runSampler(
    { expr: 'exp(-x^2/2)', sampler: 'mh', n: 300, chains: 1, seed: 5 },
    { onProgress: () => undefined },
  );
  assert.ok(isHostToWebview({ type: 'sampleResult', result: json(r) }));
});

test('expression checks pass the guard, with and without errors', () => {
  for (const expr of ['exp(-x^2', 'exp(-x^2)', 'exp(-x^2-y^2)', 'foo(x)', '']) {
    const result = json(checkExpression(expr));
    assert.ok(isHostToWebview({ type: 'exprCheck', expr, result }), JSON.stringify(result));
  }
});

// The shape engine on code it cannot fully follow: one fixture per class of wrong number seen on real
// files (test/adversarial/shapes-soundness/*.py). cases.json says what the engine must answer for each
// model: the exact value, or unknown (with the reason), or PyTorch's construction error as a diagnostic.
// Every number compared comes from truth.json, recorded by running the same files in PyTorch 1.13
// (`/usr/bin/python3 test/adversarial/shapes-soundness/record.py`).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/shapes';
import { toJson } from '../../src/cli/shapes';
import type { Shape } from '../../src/shapes/types';

const DIR = join(__dirname, 'shapes-soundness');

interface Want {
  output: 'exact' | 'unknown';
  params: 'exact' | 'unknown';
  /** Text the first unknown layer's reason holds. */
  reason?: string;
  source?: string;
  raises?: boolean;
  parent?: string;
  input?: number[][];
}
interface Case {
  option?: number[][];
  /** Error diagnostics expected (none, for code PyTorch runs). */
  errors?: number;
  models: Record<string, Want>;
}
type Truth =
  { input: number[][]; output: number[]; params: number } | { raises: string; line: number };

const cases = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as Record<string, Case>;
const truth = JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as Record<
  string,
  Record<string, Truth>
>;

describe('shapes soundness: unknown propagates, and only PyTorch errors are diagnostics', () => {
  for (const [file, c] of Object.entries(cases)) {
    test(file, () => {
      const r = analyze(readFileSync(join(DIR, file), 'utf8'), {
        file,
        defaultInput: c.option as Shape[] | undefined,
      });
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      if (c.errors !== undefined)
        assert.deepEqual(
          errors.map((d) => `${d.line}: ${d.message}`),
          [],
          `${file}: no error diagnostics expected`,
        );
      for (const [name, want] of Object.entries(c.models)) {
        const t = truth[file]?.[name];
        assert.ok(t, `${file}: truth.json has no ${name}; run record.py`);
        const m = r.models.find((x) => x.name === name);
        assert.ok(
          m,
          `${file}: model ${name} not reported (got ${r.models.map((x) => x.name).join(', ')})`,
        );
        if ('raises' in t) {
          assert.ok(want.raises, `${file}: PyTorch raises ${t.raises} building ${name}`);
          assert.ok(
            errors.some((d) => d.line === t.line),
            `${file}: expected an error diagnostic on line ${t.line} (${t.raises}), got ${JSON.stringify(errors.map((d) => d.line))}`,
          );
        } else assert.ok(!want.raises, `${file}: ${name} builds in PyTorch`);
        if (want.output === 'unknown') {
          assert.equal(m.output, null, `${file}: ${name} output must be unknown`);
          if (want.reason) {
            const first = m.layers.find((l) => l.output === null);
            assert.ok(
              first?.unknownReason?.includes(want.reason),
              `${file}: reason ${JSON.stringify(first?.unknownReason)} should name ${want.reason}`,
            );
          }
        }
        if (want.params === 'unknown') {
          assert.equal(m.params, null, `${file}: ${name} parameter total must be unknown`);
          assert.ok(
            m.layers.every((l) => l.params === null || l.params >= 0),
            `${file}: no negative layer count`,
          );
          if (!('raises' in t))
            assert.ok(
              (m.paramsKnown ?? 0) <= t.params,
              `${file}: the known part ${m.paramsKnown} exceeds PyTorch's ${t.params}`,
            );
          // JSON says null, never 0 or a partial sum.
          const json = toJson(r) as { models: { name: string; params: number | null }[] };
          assert.equal(json.models.find((x) => x.name === name)?.params, null);
        }
        if ('raises' in t) continue;
        if (want.output === 'exact') {
          assert.deepEqual(m.input, t.input, `${file}: ${name} input`);
          assert.deepEqual(m.output, t.output, `${file}: ${name} output`);
        }
        if (want.params === 'exact')
          assert.equal(m.params, t.params, `${file}: ${name} parameters`);
        if (want.source) assert.equal(m.inputSource, want.source, `${file}: ${name} input source`);
      }
    });
  }

  test('a building block alone is not given --input, and reports nothing on a guessed input', () => {
    const src = readFileSync(join(DIR, 'building_block.py'), 'utf8').replace(
      /\nclass Net[\s\S]*$/,
      '\n',
    );
    const r = analyze(src, { defaultInput: [[1, 3, 5, 5]] });
    const block = r.models.find((m) => m.name === 'Block');
    assert.ok(block);
    // Block is built nowhere here, so it is a model of its own and takes the option.
    assert.equal(block.inputSource, 'option');
    const nested = analyze(
      readFileSync(join(DIR, 'building_block.py'), 'utf8').replace('model = Net()', ''),
      { defaultInput: [[1, 1, 28, 28]] },
    );
    assert.equal(nested.models.find((m) => m.name === 'Block')?.inputSource, 'parent');
  });
});

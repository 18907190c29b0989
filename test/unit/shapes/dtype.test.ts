// The dtype rules (src/shapes/library/ops/dtypes.ts) against PyTorch 1.13: dtype-truth.json holds
// what PyTorch gives each call (recorded by dtype-truth.py with /usr/bin/python3). Each call is given
// to the rules with the result's shape; the dtype they state must be PyTorch's, and where PyTorch
// raises they must state none. A rule may leave a dtype unknown, never state a wrong one; the calls
// the rules are written for must be known.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noArgs } from '../../../src/shapes/eval/calls';
import type { TensorV, Value } from '../../../src/shapes/eval/values';
import { withDtype } from '../../../src/shapes/library/ops/dtypes';
import { analyze } from './strictAnalyze';

interface Result {
  dtype: string;
  shape: number[];
}
interface Case {
  path: string;
  self: string | null;
  pos: string[];
  kw: Record<string, string>;
  result: Result | Result[] | { error: string };
}

/** PyTorch's CPU kernels lack some ops for float16 (CUDA has them): no truth about the dtype here. */
const cpuOnly = (c: Case): boolean =>
  'error' in c.result && c.result.error.includes("not implemented for 'Half'");

const truth = JSON.parse(readFileSync(join(__dirname, 'dtype-truth.json'), 'utf8')) as {
  cases: Case[];
};

function valueOf(spec: string): Value {
  if (spec === 'int') return { k: 'num', v: 2 };
  if (spec === 'float') return { k: 'num', v: 2.5, float: true };
  if (spec === 'True') return { k: 'bool', v: true };
  if (spec === 'dim') return { k: 'num', v: 0 };
  if (spec === 'size') return { k: 'seq', kind: 'tuple', items: [{ k: 'num', v: 3 }] };
  if (spec.startsWith('dtype:')) return { k: 'ext', path: 'torch.' + spec.slice(6) };
  if (spec.startsWith('str:') || spec.startsWith('op:'))
    return { k: 'str', v: spec.slice(spec.indexOf(':') + 1) };
  if (spec.startsWith('list:')) return literal(spec.slice(5));
  if (spec.startsWith('tensors:'))
    return {
      k: 'seq',
      kind: 'list',
      items: spec
        .slice(8)
        .split(',')
        .map((d) => valueOf(d + '[3]')),
    };
  const [name, dims] = spec.split('[');
  return { k: 'tensor', shape: dims === ']' ? [] : [3], dtype: name as TensorV['dtype'] };
}

/** The Python literals the cases use: numbers, True/False, and lists of them. */
function literal(text: string): Value {
  const json = JSON.parse(text.replace(/True/g, 'true').replace(/False/g, 'false')) as unknown;
  const of = (x: unknown): Value =>
    Array.isArray(x)
      ? { k: 'seq', kind: 'list', items: x.map(of) }
      : typeof x === 'boolean'
        ? { k: 'bool', v: x }
        : Number.isInteger(x) && !/\d\.\d/.test(String(x)) && !text.includes(`${String(x)}.`)
          ? { k: 'num', v: x as number }
          : { k: 'num', v: x as number, float: true };
  return of(json);
}

const resultsOf = (c: Case): Result[] | null =>
  'error' in c.result ? null : Array.isArray(c.result) ? c.result : [c.result];

const shapeOnly = (r: Result): TensorV => ({ k: 'tensor', shape: r.shape });

function stated(c: Case): (string | undefined)[] | null {
  const self = c.self === null ? null : valueOf(c.self);
  const kw = new Map(Object.entries(c.kw).map(([k, v]) => [k, valueOf(v)]));
  const results = resultsOf(c);
  // Where PyTorch raised, the rules see a result of an unknown shape.
  const r: Value = !results
    ? { k: 'tensor', shape: [3] }
    : Array.isArray(c.result)
      ? { k: 'seq', kind: 'tuple', items: results.map(shapeOnly) }
      : shapeOnly(results[0]);
  const out = withDtype(c.path, self, noArgs(c.pos.map(valueOf), kw), r);
  if (!out) return null;
  if (out.k === 'tensor') return [out.dtype];
  if (out.k === 'seq') return out.items.map((v) => (v.k === 'tensor' ? v.dtype : undefined));
  return null;
}

const label = (c: Case): string =>
  `${c.path}(${[c.self, ...c.pos].filter((x) => x !== null).join(', ')}${Object.entries(c.kw)
    .map(([k, v]) => `, ${k}=${v}`)
    .join('')})`;

test('no dtype the rules state differs from PyTorch 1.13, and none is stated where it raises', () => {
  const wrong: string[] = [];
  for (const c of truth.cases) {
    if (cpuOnly(c)) continue;
    const got = stated(c);
    const want = resultsOf(c);
    (got ?? []).forEach((d, i) => {
      if (d === undefined) return;
      if (!want) wrong.push(`${label(c)}: stated ${d}, PyTorch raises`);
      else if (want[i]?.dtype !== d)
        wrong.push(`${label(c)}: stated ${d}, PyTorch ${want[i]?.dtype}`);
    });
  }
  assert.deepEqual(wrong, []);
});

test('the calls the rules are written for have a known dtype', () => {
  const unknown: string[] = [];
  let known = 0;
  for (const c of truth.cases) {
    const want = resultsOf(c);
    if (!want) continue;
    const got = stated(c);
    const n = want.length;
    if (got && got.length === n && got.every((d) => d !== undefined)) known++;
    else unknown.push(label(c));
  }
  console.log(
    `${known} of ${known + unknown.length} calls typed; unknown: ${unknown.slice(0, 40).join('; ')}`,
  );
  assert.deepEqual(unknown, []);
});

test('dtypes compare by what they name: torch.float == torch.float32, x.dtype == torch.long', () => {
  // Python with PyTorch 1.13: True, True, True, False, False.
  const size = (cond: string): unknown =>
    analyze(`import torch
import torch.nn as nn

k = 3 if ${cond} else 5


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, k)

    def forward(self, x):
        return self.fc(x)


model = Net()
y = model(torch.randn(2, 4))
`).models[0].output?.[1];
  assert.equal(size('torch.float == torch.float32'), 3);
  assert.equal(size('torch.arange(2).dtype == torch.long'), 3);
  assert.equal(size('torch.zeros(1).dtype == torch.float'), 3);
  assert.equal(size('torch.zeros(1).dtype == torch.half'), 5);
  assert.equal(size('torch.long == torch.int'), 5);
  // A dtype the analyser does not know decides nothing.
  assert.equal(size('torch.clamp(torch.arange(2), 0, 1).dtype == torch.long'), undefined);
});

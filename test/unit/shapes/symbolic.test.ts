// Symbolic dimensions: the expression the engine prints for an unknown H/W must give PyTorch's size
// for every concrete H/W that PyTorch was run with (pytorch-truth.json, "symbolic"), and stay compact.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from './strictAnalyze';
import {
  add,
  ceilDiv,
  dimToString,
  exactDiv,
  floorDiv,
  mul,
  sub,
  sym,
} from '../../../src/shapes/library/dims';

interface SymCase {
  expr: string;
  input: (number | string)[];
  runs: { H: number; W: number; output: number[] }[];
}

const truth = JSON.parse(readFileSync(join(__dirname, 'pytorch-truth.json'), 'utf8')) as {
  symbolic: Record<string, SymCase>;
};

/** Evaluates the engine's compact form ("⌊(H-4)/2⌋", "4*⌊(H-2)/1⌋*W") for concrete symbol values. */
function evalDim(d: number | string, env: Record<string, number>): number {
  if (typeof d === 'number') return d;
  assert.match(
    d,
    /^[-+*/()⌊⌋0-9A-Za-z_ ]+$/,
    `dimension text '${d}' uses only the documented characters`,
  );
  const js = d.replace(/⌊/g, 'Math.floor(').replace(/⌋/g, ')');
  const names = Object.keys(env);
  return Function(...names, `return ${js};`)(...names.map((n) => env[n])) as number;
}

describe('symbolic dimensions agree with PyTorch at every size tried', () => {
  for (const [id, c] of Object.entries(truth.symbolic)) {
    test(`${id}: ${c.expr}`, () => {
      const src = `import torch.nn as nn\n# input: (${c.input.join(', ')})\nm = ${c.expr}\n`;
      const m = analyze(src).models.find((x) => x.name === 'm');
      assert.ok(
        m && m.output,
        `an output for ${id}: ${m?.layers.map((l) => l.unknownReason).join('; ')}`,
      );
      const out: (number | string)[] = m.output;
      for (const run of c.runs) {
        const got: number[] = out.map((d) => evalDim(d, { H: run.H, W: run.W, B: 0 }));
        assert.deepEqual(got, run.output, `H=${run.H} W=${run.W}: ${JSON.stringify(out)}`);
      }
    });
  }
});

describe('symbolic dimension algebra', () => {
  const H = sym('H');
  test('a 3×3 conv prints H-2, a 5×5 conv then a 2×2 pool prints ⌊(H-4)/2⌋', () => {
    assert.equal(dimToString(add(sub(H, 3), 1)), 'H-2');
    const conv = sub(H, 4);
    const pool = add(floorDiv(sub(conv, 2), 2) as ReturnType<typeof sym>, 1);
    assert.equal(dimToString(pool), '⌊(H-4)/2⌋');
  });
  test('nested floors collapse: ⌊⌊H/2⌋/2⌋ = ⌊H/4⌋', () => {
    const q = floorDiv(floorDiv(H, 2) as ReturnType<typeof sym>, 2);
    assert.equal(q === null ? null : dimToString(q), '⌊H/4⌋');
  });
  test('exact multiples leave the floor: ⌊(2H + 4)/2⌋ = H+2', () => {
    const r = floorDiv(add(mul(H, 2), 4), 2);
    assert.equal(r === null ? null : dimToString(r), 'H+2');
  });
  test('view(-1) divides monomials: (B·64·H) / (64·H) = B', () => {
    const B = sym('B');
    const total = mul(mul(B, 64), H);
    const r = exactDiv(total, mul(64, H));
    assert.equal(r === null ? null : dimToString(r), 'B');
    assert.equal(exactDiv(add(H, 1), 2), null, 'H+1 is not known to be even');
  });
  test('ceil division of numbers matches Math.ceil', () => {
    for (let a = -7; a <= 7; a++)
      for (const b of [1, 2, 3]) assert.equal(ceilDiv(a, b), Math.ceil(a / b));
  });
});

describe('products of symbolic sizes print factored', () => {
  test('flatten after conv and pool: B, 8·⌊(H-2)/2⌋·⌊(W-2)/2⌋', () => {
    const src =
      'import torch.nn as nn\nm = nn.Sequential(nn.Conv2d(3, 8, 3), nn.MaxPool2d(2), nn.Flatten())\n';
    const m = analyze(src).models[0];
    assert.deepEqual(m.output, ['B', '8*⌊(H-2)/2⌋*⌊(W-2)/2⌋']);
    // PyTorch on (2, 3, 29, 33): Conv2d(3, 8, 3) → 27×31, MaxPool2d(2) → 13×15, Flatten → 8·13·15 = 1560.
    assert.equal(evalDim((m.output as (number | string)[])[1], { H: 29, W: 33 }), 1560);
  });
});

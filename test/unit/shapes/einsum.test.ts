// torch.einsum: shapes from the equation string. Every expected shape and error message below was
// printed by PyTorch 1.13 (/usr/bin/python3: torch.einsum(eq, *[torch.randn(*s) for s in shapes])).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const zeros = (s: number[]): string => `torch.zeros(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

function run(expr: string, forwardArgs = 'x', call = 'torch.zeros(1)') {
  const r = analyze(`import torch
import torch.nn as nn

class Net(nn.Module):
    def forward(self, ${forwardArgs}):
        return ${expr}

m = Net()
m(${call})
`);
  return { model: r.models[0], diagnostics: r.diagnostics };
}

function einsum(eq: string, shapes: number[][]) {
  return run(`torch.einsum(${JSON.stringify(eq)}, ${shapes.map(zeros).join(', ')})`);
}

const PYTORCH: [string, number[][], number[]][] = [
  [
    'B G H I D, B G H J D -> B G H I J',
    [
      [2, 3, 4, 5, 6],
      [2, 3, 4, 7, 6],
    ],
    [2, 3, 4, 5, 7],
  ],
  [
    'ij,jk',
    [
      [2, 3],
      [3, 4],
    ],
    [2, 4],
  ],
  [
    'ba,ca',
    [
      [2, 3],
      [4, 3],
    ],
    [2, 4],
  ],
  ['ii', [[3, 3]], []],
  ['ii->i', [[3, 3]], [3]],
  ['iij->ji', [[3, 3, 5]], [5, 3]],
  [
    '...ij,...jk->...ik',
    [
      [5, 1, 2, 3],
      [4, 3, 6],
    ],
    [5, 4, 2, 6],
  ],
  [
    '...ij,...jk',
    [
      [5, 1, 2, 3],
      [4, 3, 6],
    ],
    [5, 4, 2, 6],
  ],
  ['i...->...', [[2, 3, 4]], [3, 4]],
  [
    '...i,...i->i',
    [
      [2, 3, 4],
      [3, 4],
    ],
    [4],
  ],
  [
    'ij,ij->',
    [
      [2, 1],
      [1, 3],
    ],
    [],
  ],
  ['i...->i', [[2, 3, 4]], [2]],
  [
    'Bi,bi->Bb',
    [
      [2, 3],
      [4, 3],
    ],
    [2, 4],
  ],
  [
    'bI,bi',
    [
      [2, 3],
      [2, 4],
    ],
    [3, 4],
  ],
  ['...,...->...', [[2, 1], [3]], [2, 3]],
  [
    'i j , j k -> i k',
    [
      [2, 3],
      [3, 4],
    ],
    [2, 4],
  ],
  [
    'ij,jk->ik',
    [
      [2, 1],
      [3, 4],
    ],
    [2, 4],
  ],
  [
    'ij,jk->ik',
    [
      [2, 3],
      [1, 4],
    ],
    [2, 4],
  ],
  ['i,j,k->ijk', [[2], [3], [4]], [2, 3, 4]],
  ['ij->', [[2, 3]], []],
  [
    'a...b,...c->...bc',
    [
      [2, 5, 6, 3],
      [6, 4],
    ],
    [5, 6, 3, 4],
  ],
  ['ij->...ij', [[2, 3]], [2, 3]],
  ['i,i->i', [[1], [3]], [3]],
  ['...i->...', [[2, 3]], [2]],
];

test('einsum shapes as PyTorch 1.13 gives them', () => {
  for (const [eq, shapes, want] of PYTORCH) {
    const { model, diagnostics } = einsum(eq, shapes);
    assert.deepEqual(model.output, want, eq);
    assert.deepEqual(diagnostics, [], eq);
  }
});

test('the list form, torch.functional.einsum, and operands of the model input', () => {
  // PyTorch: torch.einsum('ij,jk', [a, b]) and torch.functional.einsum('ij,jk', a, b) → (2, 4).
  assert.deepEqual(
    run("torch.einsum('ij,jk', [torch.zeros(2, 3), torch.zeros(3, 4)])").model.output,
    [2, 4],
  );
  assert.deepEqual(
    run("torch.functional.einsum('ij,jk', torch.zeros(2, 3), torch.zeros(3, 4))").model.output,
    [2, 4],
  );
  const m = run("torch.einsum('bij,bjk->bik', x, x.transpose(1, 2))", 'x', 'torch.zeros(2, 3, 5)');
  assert.deepEqual(m.model.output, [2, 3, 3]);
});

const ERRORS: [string, number[][], string][] = [
  [
    'ij,jk->ik',
    [
      [2, 3],
      [4, 5],
    ],
    'subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3',
  ],
  ['ii->i', [[3, 4]], "subscript i is repeated for operand 0 but the sizes don't match, 4 != 3"],
  ['ij->jj', [[3, 4]], 'output subscript j appears more than once in the output'],
  ['ij->k', [[3, 4]], 'output subscript k does not appear in the equation for any input operand'],
  ['ij,jk->ik', [[2, 3]], 'fewer operands were provided than specified in the equation'],
  [
    'ij->ij',
    [
      [2, 3],
      [2, 3],
    ],
    'more operands were provided than specified in the equation',
  ],
  [
    'ij->ij',
    [[2, 3, 4]],
    'the number of subscripts in the equation (2) does not match the number of dimensions (3) for operand 0 and no ellipsis was given',
  ],
  [
    'i,i',
    [[3], [4]],
    'subscript i has size 4 for operand 1 which does not broadcast with previously seen size 3',
  ],
  [
    'ij,jk->ik->',
    [
      [2, 3],
      [3, 4],
    ],
    'invalid subscript given at index 9 in the equation string, subscripts must be in [a-zA-Z]',
  ],
  ['i.j', [[2, 3]], "found '.' for operand 0 that is not part of any ellipsis"],
  [
    'i1',
    [[2, 3]],
    'invalid subscript given at index 1 in the equation string, subscripts must be in [a-zA-Z]',
  ],
  [
    '...ij,...jk',
    [
      [5, 2, 3],
      [4, 3, 6],
    ],
    'dimension 0 covered by ellipsis in operand 1has size 4 which does not broadcast with previously seen ellipsis with size 5 for the respective dimension',
  ],
  [
    'i...j',
    [[2]],
    'the number of subscripts in the equation (2) is more than the number of dimensions (1) for operand 0',
  ],
  ['......', [[2]], "found '.' for operand 0 for which an ellipsis was already found"],
  ['ij..', [[2, 3]], "found '.' for operand 0 that is not part of any ellipsis"],
];

test("PyTorch's einsum errors, as one error each, and the output unknown", () => {
  for (const [eq, shapes, message] of ERRORS) {
    const { model, diagnostics } = einsum(eq, shapes);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1, eq);
    assert.ok(errors[0].message.includes(`einsum(): ${message}`), `${eq}: ${errors[0].message}`);
    assert.equal(model.output, null, eq);
  }
});

test('what cannot be read stays unknown, never guessed', () => {
  // An operand of unknown shape, an equation held in a variable the analyser cannot evaluate.
  const a = run(
    "torch.einsum('ij,jk', x.view(-1, n), torch.zeros(3, 4))",
    'x, n',
    'torch.zeros(6), unknown_n',
  );
  assert.equal(a.model.output, null);
  const b = run(
    'torch.einsum(eq, torch.zeros(2, 3), torch.zeros(3, 4))',
    'x, eq',
    'torch.zeros(1), unknown_eq',
  );
  assert.equal(b.model.output, null);
  assert.deepEqual(
    b.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
});

test('multiply-adds: the sizes of the output labels and the shared ones (a worked formula)', () => {
  // torch 1.13 has no torch.utils.flop_counter. Two operands: PyTorch sums out the labels of one
  // operand alone first, then multiplies in one batched product, so each output element of
  // 'BGHID,BGHJD->BGHIJ' takes D products: 2·3·4·5·7 outputs × 6 = 5040, as matmul counts m·n·k.
  const m = einsum('B G H I D, B G H J D -> B G H I J', [
    [2, 3, 4, 5, 6],
    [2, 3, 4, 7, 6],
  ]).model;
  assert.equal(m.macs, 2 * 3 * 4 * 5 * 7 * 6);
  // 'ij,jk->ik' equals a matmul: 2·4 outputs × 3.
  assert.equal(
    einsum('ij,jk->ik', [
      [2, 3],
      [3, 4],
    ]).model.macs,
    2 * 4 * 3,
  );
  // 'ijx,jk->ik': x is summed out of the first operand before the product, so it adds none.
  assert.equal(
    einsum('ijx,jk->ik', [
      [2, 3, 7],
      [3, 4],
    ]).model.macs,
    2 * 4 * 3,
  );
  // Broadcast dimensions (`...`) are batch dimensions of the product: 5·4 × 2·6 × 3.
  assert.equal(
    einsum('...ij,...jk->...ik', [
      [5, 1, 2, 3],
      [4, 3, 6],
    ]).model.macs,
    5 * 4 * 2 * 6 * 3,
  );
  // One operand multiplies nothing; three leave the count to the order of the products: uncounted.
  assert.equal(einsum('ii->i', [[3, 3]]).model.macs, undefined);
  const three = einsum('i,j,k->ijk', [[2], [3], [4]]).model;
  assert.equal(three.macs, undefined);
  assert.deepEqual(three.macsUncounted, ['torch.einsum']);
});

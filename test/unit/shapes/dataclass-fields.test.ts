// `@dataclass` configs with defaults, as nanoGPT's GPTConfig is written (`n_embd: int = 768`): the
// generated __init__ takes each field in order with its default. Forms whose fields cannot be told
// from the syntax (ClassVar, field(...)) stay unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

/** The model's output for a config class body and the call that builds it. */
function outputOf(fields: string, build: string): unknown {
  const src = `from dataclasses import dataclass, field
from typing import ClassVar
import torch
import torch.nn as nn

SIZE = 3


@dataclass
class Cfg:
${fields
  .split('\n')
  .map((l) => '    ' + l)
  .join('\n')}


class M(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc = nn.Linear(c.n, c.out, bias=c.bias)

    def forward(self, x):
        return self.fc(x)


M(${build})(torch.randn(2, 3))
`;
  const m = analyze(src).models.find((x) => x.name === 'M');
  return m && [m.output, m.params];
}

test('dataclass fields with literal defaults: keyword, positional and default values', () => {
  // PyTorch 1.13: Linear(3, 5) → (2, 5), 20 parameters; Linear(3, 2, bias=False) → (2, 2), 6.
  const fields = 'n: int\nout: int = 2 # a comment\nbias: bool = True';
  assert.deepEqual(outputOf(fields, 'Cfg(3, out=5)'), [[2, 5], 20]);
  assert.deepEqual(outputOf(fields, 'Cfg(n=3, bias=False)'), [[2, 2], 6]);
  assert.deepEqual(outputOf('n: int = 3\nout: int = 2\nbias: bool = False', 'Cfg()'), [[2, 2], 6]);
});

test('dataclass fields the syntax cannot settle leave the config unknown', () => {
  for (const fields of [
    'n: ClassVar[int] = 3\nout: int = 2\nbias: bool = True',
    'n: int = 3\nout: list = field(default_factory=list)\nbias: bool = True',
    'n = 3\nout: int = 2\nbias: bool = True',
  ])
    assert.deepEqual(outputOf(fields, 'Cfg()'), [null, null], fields);
});

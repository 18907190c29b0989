// A @dataclass with defaults (`dim: int = 8`) and dataclasses.asdict (torchtext's
// `RobertaEncoder(**asdict(encoder_conf))`). PyTorch 1.13 (/usr/bin/python3) on the file below:
// output [2, 5, 12], 384 parameters (Embedding(50, 6) + Linear(6, 12)).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const file = (fields: string, extra = ''): string => `from dataclasses import asdict, dataclass
from typing import ClassVar, List, Optional
import torch
import torch.nn as nn

@dataclass
class Conf:
${fields}
${extra}
class Enc(nn.Module):
    def __init__(self, vocab, dim, hidden, p):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.fc = nn.Linear(dim, hidden or 2 * dim)

    def forward(self, x):
        return self.fc(self.emb(x))

class Model(nn.Module):
    def __init__(self, conf: Conf):
        super().__init__()
        self.enc = Enc(**asdict(conf))

    def forward(self, x):
        return self.enc(x)

m = Model(Conf(50, dim=6))
m(torch.randint(0, 50, (2, 5)))
`;

const FIELDS = `    vocab: int
    dim: int = 8
    hidden: Optional[int] = None
    p: float = 0.1`;

test('defaults fill the fields not given; asdict passes them on in order', () => {
  const m = analyze(file(FIELDS)).models.find((x) => x.name === 'Model');
  assert.ok(m);
  assert.deepEqual(m.output, [2, 5, 12]);
  assert.equal(m.params, 384);
});

test('forms whose __init__ cannot be told from the syntax stay unknown', () => {
  for (const [fields, extra] of [
    // A ClassVar is no field; a field() default and a __post_init__ are not followed.
    [`${FIELDS}\n    n: ClassVar[int] = 3`, ''],
    [`${FIELDS}\n    xs: List[int] = field(default_factory=list)`, ''],
    [FIELDS, '    def __post_init__(self):\n        self.dim = 7\n'],
  ]) {
    const m = analyze(file(fields, extra)).models.find((x) => x.name === 'Model');
    assert.equal(m?.output ?? null, null, `${fields}\n${extra}`);
    assert.equal(m?.params ?? null, null);
  }
});

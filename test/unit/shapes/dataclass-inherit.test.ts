// `@dataclass` classes that derive from another dataclass: Python's generated __init__ takes the
// base's fields first, a field redeclared in the subclass keeping its place with the new default,
// then the subclass's own. Bases whose fields cannot be told make the config unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

/** The model's output and parameter total for the classes' bodies and the call that builds one. */
function outputOf(classes: string, build: string): unknown {
  const src = `from dataclasses import dataclass
from somewhere import Unread
import torch
import torch.nn as nn


${classes}


class Net(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.fc1 = nn.Linear(cfg.n_in, cfg.hidden)
        self.fc2 = nn.Linear(cfg.hidden, cfg.n_out)

    def forward(self, x):
        return self.fc2(self.fc1(x))


Net(${build})(torch.randn(2, 8))
`;
  const m = analyze(src).models.find((x) => x.name === 'Net');
  return m && [m.output, m.params];
}

const BASE = `@dataclass
class Base:
    n_in: int = 4
    hidden: int = 16`;

test("a dataclass's inherited fields come first, a redeclared one in its place", () => {
  // PyTorch 1.13 (/usr/bin/python3): Config(8) is Config(n_in=8, hidden=32, n_out=3); output
  // (2, 3), 387 parameters.
  const classes = `${BASE}


@dataclass
class Config(Base):
    hidden: int = 32
    n_out: int = 3`;
  assert.deepEqual(outputOf(classes, 'Config(8)'), [[2, 3], 387]);
  // PyTorch 1.13: Config(8, 5, 2): output (2, 2), 57 parameters.
  assert.deepEqual(outputOf(classes, 'Config(8, 5, 2)'), [[2, 2], 57]);
});

test('fields through a base that is no dataclass, and through two levels', () => {
  // PyTorch 1.13: Mid adds no fields (it is not a dataclass), so Config(8) is
  // Config(n_in=8, hidden=16, n_out=3): output (2, 3), 195 parameters; Top(8) likewise with
  // n_out=5: output (2, 5), 229 parameters.
  const classes = `${BASE}


class Mid(Base):
    extra: int = 7


@dataclass
class Config(Mid):
    n_out: int = 3


@dataclass
class Top(Config):
    n_out: int = 5`;
  assert.deepEqual(outputOf(classes, 'Config(8)'), [[2, 3], 195]);
  assert.deepEqual(outputOf(classes, 'Top(8)'), [[2, 5], 229]);
});

test('a dataclass over a base the analyser did not read stays unknown', () => {
  // The base may be a dataclass with fields of its own, which would come first.
  const classes = `@dataclass
class Config(Unread):
    n_in: int = 8
    hidden: int = 16
    n_out: int = 3`;
  assert.deepEqual(outputOf(classes, 'Config()'), [null, null]);
});

# Class: coverage gaps seen on real files: typing.cast, hasattr for attributes set in __init__,
# self.__setattr__ and getattr with computed names, kwargs.pop, __dict__.update, Tensor.mT,
# nn.LSTMCell / nn.GRUCell, torch.spmm.
import torch
import torch.nn as nn
from typing import cast


class Cfg:
    def __init__(self, **kwargs):
        self.hidden = 8
        self.__dict__.update(kwargs)


class Net(nn.Module):
    def __init__(self, **kwargs):
        super().__init__()
        depth = kwargs.pop('depth', 2)
        cfg = Cfg(hidden=16)
        for i in range(depth):
            self.__setattr__('level_%d' % i, nn.Linear(cfg.hidden, cfg.hidden))
        self.cell = nn.LSTMCell(16, 32)
        self.gru = nn.GRUCell(32, 4)
        if hasattr(self, 'level_1'):
            self.extra = nn.Linear(4, 4)

    def forward(self, x):
        for i in range(2):
            x = getattr(self, 'level_%d' % i)(x)
        h, c = self.cell(x)
        h = cast(torch.Tensor, self.gru(h))
        h = self.extra(h)
        y = torch.spmm(h, h.mT)
        return y

model = Net(depth=2)

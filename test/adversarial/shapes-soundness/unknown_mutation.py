# Class: an unknown function given a dict it mutates (torchvision's _ovewrite_named_param).
import torch.nn as nn
from external_blocks import _ovewrite_named_param


class Net(nn.Module):
    def __init__(self, width=64):
        super().__init__()
        self.fc = nn.Linear(8, width)

    def forward(self, x):
        return self.fc(x)


def wide(**kwargs):
    _ovewrite_named_param(kwargs, "width", 128)
    return Net(**kwargs)

"""An imported decorator may return anything: the method it wraps is unknown, not the undecorated one.

The undecorated width() says 4; PyTorch builds fc2 with 8 inputs. @torch.no_grad() and a property's
setter change no shape and stay understood.
"""
import torch
import torch.nn as nn
from decorator_lib import doubled


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 4)
        self.fc2 = nn.Linear(self.width(), 3)

    @doubled
    def width(self):
        return 4

    @property
    def scale(self):
        return 1

    @scale.setter
    def scale(self, v):
        pass

    @torch.no_grad()
    def forward(self, x):
        return self.fc2(torch.cat([self.fc1(x), self.fc1(x)], 1))

# Class: what PyTorch raises while building the model: a float channel count is a TypeError.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, planes=64):
        super().__init__()
        mid = planes / 4
        self.conv = nn.Conv2d(3, mid, 1)

    def forward(self, x):
        return self.conv(x)

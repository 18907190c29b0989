# Class: factories. Each public factory is a model with the configuration it builds; the private
# helper nothing calls does not replace the class's defaults.
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return self.conv(x)


class Net(nn.Module):
    def __init__(self, widths=(8,), num_classes=10):
        super().__init__()
        self.stem = nn.Conv2d(3, widths[0], 3)
        self.blocks = nn.Sequential(*[Block(w) for w in widths])
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(widths[-1], num_classes)

    def forward(self, x):
        x = self.pool(self.blocks(self.stem(x)))
        return self.fc(x.flatten(1))


def _net(widths, num_classes):
    return Net(widths, num_classes)


def net_small():
    return _net((8, 8), 10)


def net_wide(num_classes=100):
    return _net((8, 8), num_classes)

# Class: a building block gets its input from the model that holds it, not from --input.
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.fc = nn.Linear(c * 7 * 7, 10)

    def forward(self, x):
        return self.fc(self.conv(x).flatten(1))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 16, 3, stride=4, padding=1)
        self.block = Block(16)

    def forward(self, x):
        return self.block(self.stem(x))


model = Net()
